"""Corpus build speed: bare spaCy, kg's pipeline and `kg build` (1, 2 procs, Dask), bulk, SPARQL.

Usage (by hand; results go to docs/benchmarks.md, section "Corpus build"):

    python -m venv /tmp/oxi-venv && /tmp/oxi-venv/bin/pip install oxigraph   # the server CLI
    .venv/bin/python bench/build_speed.py --articles 1000 --runs 3 \
        --oxigraph /tmp/oxi-venv/bin/oxigraph

The corpus comes from bench/corpus.py (CoNLL04 sentences recombined, plus the demo article).
Configurations: (s) bare spaCy, the model alone; (2) the same in two processes at once, each on
half of the articles (how far two cores scale spaCy itself here); (a) kg's pipeline (the model
and kg's extraction components), nothing done with the Docs; (b) `kg build` with one process;
(1) the same held to one core with taskset; (c) two worker processes; (d) a Dask LocalCluster
of two workers. Every configuration runs as its own process tree, timed wall-clock from start
to exit (model loading included) while a sampler sums the resident memory of the tree (peak
RSS). Then the quads of the built store are cut into shards of 32 articles and loaded into
fresh stores by kg's bulk path (GraphStore.bulk_load) and by `oxigraph load`; and the store,
replicated to pass 1M triples, answers the queries of queries/ (median latency)."""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402

PY = sys.executable
BARE = """
import json, sys, spacy
from kg.config import Settings
part, parts = (int(sys.argv[2]), int(sys.argv[3])) if len(sys.argv) > 3 else (0, 1)
nlp = spacy.load(Settings().spacy_model)
lines = open(sys.argv[1], encoding="utf-8")
texts = (json.loads(line)["text"] for n, line in enumerate(lines) if n % parts == part)
print(sum(len(doc) for doc in nlp.pipe(texts, batch_size=16)))
"""
PIPE = """
import json, sys, time
from kg.config import Settings
from kg.nlp import load_pipeline
nlp = load_pipeline(Settings())
texts = (json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8"))
print(sum(len(doc) for doc in nlp.pipe(texts, batch_size=16)))
"""


def _peak_rss(process: subprocess.Popen[bytes], peak: list[int]) -> None:
    root = psutil.Process(process.pid)
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak[0] = max(peak[0], sum(p.memory_info().rss for p in tree))
        except psutil.Error:
            pass
        time.sleep(0.2)


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str]) -> tuple[float, int, str, float]:
    """Wall seconds, peak RSS of the process tree (bytes), stdout, and CPU seconds of the tree."""
    cpu = _cpu_of_children()
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, cwd=ROOT)
    peak = [0]
    sampler = threading.Thread(target=_peak_rss, args=(process, peak))
    sampler.start()
    out, _ = process.communicate()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"{command} failed with {process.returncode}")
    return time.perf_counter() - started, peak[0], out.decode(), _cpu_of_children() - cpu


def _one_core() -> list[str]:
    """A command prefix that holds a process tree to one of this process's cores."""
    return ["taskset", "--cpu-list", str(min(os.sched_getaffinity(0)))]


def configs(corpus_path: Path, work: Path) -> dict[str, list[str]]:
    build = [PY, "-m", "kg", "build", str(corpus_path), "--no-progress", "--store"]
    return {
        "s) bare spaCy nlp.pipe": [PY, "-c", BARE, str(corpus_path)],
        # The bare model in two processes at once, each on every other article: how far two
        # cores scale spaCy itself on this machine, the ceiling for (c) against (b).
        "2) bare spaCy, 2 processes": [
            "sh",
            "-c",
            '"$0" -c "$1" "$2" 0 2 & "$0" -c "$1" "$2" 1 2 & wait',
            PY,
            BARE,
            str(corpus_path),
        ],
        "a) nlp.pipe": [PY, "-c", PIPE, str(corpus_path)],
        "b) kg build, 1 process": [*build, str(work / "b"), "--processes", "1"],
        # The same build held to one core: what one process does with no spare core to overlap
        # its store writes on (kg's scaling with cores is (c) against this).
        "1) kg build, 1 process on 1 core": [
            *_one_core(),
            *build,
            str(work / "1"),
            "--processes",
            "1",
        ],
        "c) kg build, 2 processes": [*build, str(work / "c"), "--processes", "2"],
        "d) kg build, Dask 2 workers": [
            *build,
            str(work / "d"),
            "--processes",
            "2",
            "--scheduler",
            "local",
        ],
    }


def run_builds(
    corpus_path: Path, work: Path, runs: int, only: str = "s2ab1cd"
) -> tuple[dict[str, list], int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # noqa: TID251 - the child's environment
    results: dict[str, list] = {}
    tokens = 0
    for run in range(runs):
        for name, command in configs(corpus_path, work).items():
            if name[0] not in only:
                continue
            shutil.rmtree(work / name[0], ignore_errors=True)
            seconds, peak, out, cpu = timed(command, env)
            if name[0] in "sa":
                tokens = int(out.strip().splitlines()[-1])
            results.setdefault(name, []).append((seconds, peak, cpu))
            print(
                f"run {run}: {name}: {seconds:.1f} s, CPU {cpu:.1f} s, peak {peak / 2**20:.0f} MiB",
                flush=True,
            )
    return results, tokens


def report_builds(results: dict[str, list], articles: int, tokens: int) -> None:
    """A table of the configurations run; ratios only against baselines that ran (--only)."""

    def median(name: str) -> float | None:
        values = results.get(name)
        return statistics.median(v[0] for v in values) if values else None

    bare, base, b = (
        median(n) for n in ("s) bare spaCy nlp.pipe", "a) nlp.pipe", "b) kg build, 1 process")
    )
    print(
        "\n| configuration | median s | median CPU s | articles/s | tokens/s "
        "| vs (s) | vs (a) | vs (b) | peak RSS |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, values in results.items():
        seconds = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[2] for v in values)
        peak = max(v[1] for v in values) / 2**20
        ratios = (f"{r / seconds:.2f}x" if r else "—" for r in (bare, base, b))
        per_token = f"{tokens / seconds:.0f}" if tokens else "—"
        print(
            f"| {name} | {seconds:.1f} | {cpu:.1f} | {articles / seconds:.2f} | {per_token} | "
            + " | ".join(ratios)
            + f" | {peak:.0f} MiB |"
        )
    # Ratios within each run (the machine is shared: a run's configurations ran back to back).
    for run in range(max(len(v) for v in results.values())):
        row = {n[0]: v[run][0] for n, v in results.items() if len(v) > run}
        pairs = [
            (x, y) for x, y in ("2s", "bs", "ba", "1a", "cb", "c1", "db") if x in row and y in row
        ]
        print(f"run {run}: " + ", ".join(f"({x})/({y}) {row[y] / row[x]:.2f}x" for x, y in pairs))


def shards_of(store_path: Path, target: Path, per_shard: int = 32) -> tuple[list[Path], int]:
    """The store's quads as N-Quads shards of per_shard graphs each."""
    import pyoxigraph as ox

    target.mkdir(parents=True, exist_ok=True)
    store = ox.Store.read_only(str(store_path))
    graphs = sorted(g.value for g in store.named_graphs())
    paths, total = [], 0
    for number in range(0, len(graphs), per_shard):
        path = target / f"shard-{number // per_shard:06d}.nq"
        with path.open("wb") as handle:
            for graph in graphs[number : number + per_shard]:
                quads = list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
                total += len(quads)
                ox.serialize(quads, handle, ox.RdfFormat.N_QUADS)
        paths.append(path)
    return paths, total


def replicate(shards: list[Path], target: Path, copies: int) -> list[Path]:
    """Copies of the shards with per-article IRIs renamed (entities stay shared)."""
    pattern = re.compile(r"<(http://kg\.example\.org/(?:article|graph|fact|event|quote|reason)/)")
    target.mkdir(parents=True, exist_ok=True)
    out = []
    for copy in range(copies):
        for shard in shards:
            path = target / f"r{copy}-{shard.name}"
            text = shard.read_text("utf-8")
            path.write_text(pattern.sub(rf"<\1r{copy}-", text) if copy else text, "utf-8")
            out.append(path)
    return out


def bulk_speeds(
    shards: list[Path], triples: int, work: Path, oxigraph: str | None, runs: int
) -> None:
    from kg.store import GraphStore

    timings: dict[str, list[float]] = {}
    for run in range(runs):
        target = work / f"bulk-kg-{run}"
        shutil.rmtree(target, ignore_errors=True)
        started = time.perf_counter()
        with GraphStore(target) as store:
            store.bulk_load(shards)
        timings.setdefault("kg GraphStore.bulk_load (+ optimize)", []).append(
            time.perf_counter() - started
        )
        if oxigraph:
            target = work / f"bulk-ox-{run}"
            shutil.rmtree(target, ignore_errors=True)
            command = [oxigraph, "load", "--location", str(target), "--file", *map(str, shards)]
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            timings.setdefault("oxigraph load (files in parallel)", []).append(
                time.perf_counter() - started
            )
    base = statistics.median(timings["kg GraphStore.bulk_load (+ optimize)"])
    print(f"\nbulk load of {triples} quads in {len(shards)} shards, median of {runs}:")
    for name, values in timings.items():
        seconds = statistics.median(values)
        rate = triples / seconds
        print(f"| {name} | {seconds:.2f} s | {rate:,.0f} quads/s | {base / seconds:.2f}x |")


def _query_child(store_path: Path, rq: Path, runs: int) -> None:
    """Run one query `runs` times (in a child process with capped memory); print rows and ms."""
    from kg.store import GraphStore

    limit = 4 * 2**30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    text = rq.read_text("utf-8")
    with GraphStore(store_path, read_only=True) as store:
        times, rows = [], 0
        for _ in range(runs):
            started = time.perf_counter()
            rows = sum(1 for _ in store.query(text))  # type: ignore[union-attr]
            times.append(time.perf_counter() - started)
    print(rows, statistics.median(times) * 1000)


def query_latency(store_path: Path, runs: int, timeout_s: float = 60.0) -> None:
    """Median latency of each queries/*.rq; a query past timeout_s or 4 GiB is reported so."""
    from kg.store import GraphStore

    with GraphStore(store_path, read_only=True) as store:
        quads = len(store)
    print(f"\nSPARQL on {quads} quads (union default graph), median of {runs} runs:")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # noqa: TID251 - the child's environment
    for rq in sorted((ROOT / "queries").glob("*.rq")):
        command = [PY, __file__, "--query-child", str(store_path), str(rq), str(runs)]
        try:
            done = subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=timeout_s
            )
        except subprocess.TimeoutExpired:
            print(f"| {rq.stem} | - | over {timeout_s:.0f} s |")
            continue
        if done.returncode:
            print(f"| {rq.stem} | - | failed (memory cap 4 GiB?) |")
            continue
        rows, ms = done.stdout.split()
        print(f"| {rq.stem} | {rows} rows | {float(ms):.1f} ms |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-build-bench"))
    parser.add_argument("--oxigraph", default=shutil.which("oxigraph"))
    parser.add_argument("--skip-builds", action="store_true")
    parser.add_argument("--only", default="s2ab1cd", help="configurations to run, e.g. 'bc'")
    parser.add_argument("--query-child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--queries-only", action="store_true")
    parser.add_argument("--builds-only", action="store_true")
    args = parser.parse_args()
    if args.query_child:
        _query_child(Path(args.query_child[0]), Path(args.query_child[1]), int(args.query_child[2]))
        return
    if args.queries_only:
        query_latency(args.work / "b", 5)
        query_latency(args.work / "bulk-kg-0", 5)
        return
    args.work.mkdir(parents=True, exist_ok=True)
    corpus_path = corpus.write(args.articles, args.work / "corpus.jsonl")
    articles = args.articles + 1
    if not args.skip_builds:
        results, tokens = run_builds(corpus_path, args.work, args.runs, args.only)
        report_builds(results, articles, tokens)
        json.dump({"results": results, "tokens": tokens}, (args.work / "builds.json").open("w"))
    if args.builds_only:
        return
    shards, quads = shards_of(args.work / "b", args.work / "shards")
    copies = max(1, -(-1_000_000 // max(quads, 1)))
    many = replicate(shards, args.work / "replicated", copies) if copies > 1 else shards
    bulk_speeds(many, quads * copies, args.work, args.oxigraph, max(args.runs, 3))
    query_latency(args.work / "b", 5)
    query_latency(args.work / "bulk-kg-0", 5)


if __name__ == "__main__":
    main()
