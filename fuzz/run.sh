#!/bin/sh
# Fuzz one reader for SECONDS of wall time, niced, restarting after each crash (crash inputs go
# to fuzz/artifacts/). Usage, from the repository root: fuzz/run.sh text|html|jsonl SECONDS
set -u
reader=$1
budget=$2
python=${PYTHON:-.venv/bin/python}
mkdir -p "fuzz/corpus/$reader" fuzz/artifacts
dict=""
[ -f "fuzz/$reader.dict" ] && dict="-dict=fuzz/$reader.dict"
start=$(date +%s)
while :; do
    left=$((budget - ($(date +%s) - start)))
    [ "$left" -gt 5 ] || break
    PYTHONPATH=. nice -n 10 "$python" fuzz/readers.py "$reader" "fuzz/corpus/$reader" \
        "fuzz/seeds/$reader" $dict -max_total_time="$left" -print_final_stats=1 \
        -artifact_prefix="fuzz/artifacts/$reader-"
    echo "exit: $?"
done
