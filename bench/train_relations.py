"""Retrain the packaged CoNLL04 extractor into kg/relations/weights (fixed seed).

Usage: python bench/train_relations.py [--data ../shared/data/conll04] [--out DIR] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from kg.relations import WEIGHTS_DIR, train

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "conll04"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=WEIGHTS_DIR)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    metrics = train(args.data / "train.json", args.data / "dev.json", args.out, args.seed)
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    for name in ("end_to_end", "gold_entities"):
        micro = metrics[name]["relation_micro"]  # type: ignore[index]
        print(f"{name}: relation micro F1 {micro['f1']:.4f}")
    print(f"trained in {metrics['train_seconds']} s; weights in {args.out}")


if __name__ == "__main__":
    main()
