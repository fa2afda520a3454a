"""Precision and recall of the offline (gazetteer) linker on tests/data/linking/gold.jsonl.

PYTHONPATH=. python bench/link_eval.py [--errors]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from kg.linking import GazetteerLinker
from kg.linking.evaluate import evaluate_linker, read_gold

GOLD = Path(__file__).resolve().parents[1] / "tests" / "data" / "linking" / "gold.jsonl"


def main() -> None:
    gold = read_gold(GOLD)
    started = time.perf_counter()
    linker = GazetteerLinker()
    loaded = time.perf_counter()
    scores = evaluate_linker(linker, gold)
    done = time.perf_counter()
    print(f"mentions {scores.mentions}, with a known item {scores.gold_linked}")
    print(f"links made {scores.predicted}, correct {scores.correct}")
    print(f"precision {scores.precision:.3f}  recall {scores.recall:.3f}")
    print(f"gazetteer load {loaded - started:.3f} s, linking {done - loaded:.3f} s")
    if "--errors" in sys.argv:
        for error in scores.errors:
            print("  ", error)


if __name__ == "__main__":
    main()
