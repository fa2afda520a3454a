"""Evaluate the packaged extractor on CoNLL04 dev (strict), print tables and write JSON.

Runs the full model (tokens given, entities predicted, then relations) and, for diagnosis,
the relation classifier on gold entities.

Usage: python bench/eval_conll04.py [--data ../shared/data/conll04] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from kg.relations import Report, Sentence, load_relation_model, read_conll04, score

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "conll04"


def _table(title: str, rows: dict[str, dict[str, float]], micro: dict[str, float]) -> str:
    lines = [title, f"{'type':<12} {'P':>7} {'R':>7} {'F1':>7} {'gold':>5} {'pred':>5}"]
    for name, c in [*rows.items(), ("micro", micro)]:
        gold, pred = int(c["tp"] + c["fn"]), int(c["tp"] + c["fp"])
        lines.append(
            f"{name:<12} {100 * c['precision']:7.2f} {100 * c['recall']:7.2f} "
            f"{100 * c['f1']:7.2f} {gold:5d} {pred:5d}"
        )
    return "\n".join(lines)


def _print_report(name: str, report: Report) -> None:
    data = report.as_dict()
    print(_table(f"\n{name}: entities", data["entities"], data["entity_micro"]))  # type: ignore[arg-type]
    print(_table(f"{name}: relations", data["relations"], data["relation_micro"]))  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", type=Path, default=Path("conll04_dev_scores.json"))
    args = parser.parse_args()
    dev = read_conll04(args.data / "dev.json")
    model = load_relation_model()
    started = time.perf_counter()
    predicted = [model.predict(list(s.tokens)) for s in dev]
    seconds = time.perf_counter() - started
    gold_ents = []
    for s in dev:
        doc = model.parse(list(s.tokens))
        relations = model.relations(doc, s.entities, split=False)
        gold_ents.append(Sentence(s.tokens, s.entities, tuple(relations)))
    reports = {"end_to_end": score(dev, predicted), "gold_entities": score(dev, gold_ents)}
    _print_report("end to end (predicted entities)", reports["end_to_end"])
    _print_report("gold entities", reports["gold_entities"])
    print(f"\n{len(dev)} sentences in {seconds:.1f} s ({len(dev) / seconds:.0f}/s)")
    result = {name: r.as_dict() for name, r in reports.items()}
    result["sentences_per_second"] = len(dev) / seconds
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
