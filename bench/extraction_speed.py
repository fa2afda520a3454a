"""Extraction throughput: the bare spaCy pipeline against kg's, with and without kg_relations.

Texts: CoNLL04 dev sentences joined into pseudo-articles of ``--per-article`` sentences, plus the
demo article(s) under data/. Each run times, in turn and on the same texts, (a) the bare
``spacy.load(model).pipe``, (b) kg's pipeline with ``KG_RELATIONS=off``, (c) with ``on``, and
(d) with ``ensemble`` unless ``--no-ensemble``; run ``k`` starts at pipeline ``k mod n``, so
none always runs first or last on a shared machine. Sentences are counted once, by the bare
pipeline, so sentences/s of different pipelines compare the same work. Prints, per pipeline,
the median sentences/s and the median of the per-run ratios to (a).

Usage: python bench/extraction_speed.py [--runs 5] [--data ../shared/data/conll04] [--json out]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import spacy
from spacy.language import Language

from kg.config import Settings
from kg.model import Article
from kg.nlp import extract, load_pipeline
from kg.relations import read_conll04

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "conll04"


def _texts(data: Path, per_article: int) -> list[str]:
    dev = [" ".join(s.tokens) for s in read_conll04(data / "dev.json")]
    articles = [" ".join(dev[i : i + per_article]) for i in range(0, len(dev), per_article)]
    demo = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data").glob("*.txt"))]
    return articles + demo


def _bare(nlp: Language, texts: list[str]) -> None:
    for _ in nlp.pipe(texts, batch_size=16):
        pass


def _kg(nlp: Language, texts: list[str]) -> None:
    articles = [Article(id=f"a{i}", text=t) for i, t in enumerate(texts)]
    for _ in extract(nlp, articles):
        pass


def _seconds(run: Callable[[], None]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run (CPU time is steadier on a shared machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--per-article", type=int, default=10)
    parser.add_argument("--no-ensemble", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    texts = _texts(args.data, args.per_article)
    base = Settings()
    bare = spacy.load(base.spacy_model)
    sentences = sum(len(list(doc.sents)) for doc in bare.pipe(texts))
    modes = ["off", "on"] + ([] if args.no_ensemble else ["ensemble"])
    pipelines: dict[str, Callable[[], None]] = {"bare": lambda: _bare(bare, texts)}
    for mode in modes:
        nlp = load_pipeline(base.replace(relations=mode))
        pipelines[f"kg relations={mode}"] = lambda nlp=nlp: _kg(nlp, texts)  # type: ignore[misc]
    for run in pipelines.values():
        run()  # warm-up
    seconds: dict[str, list[tuple[float, float]]] = {name: [] for name in pipelines}
    names = list(pipelines)
    for k in range(args.runs):
        for name in names[k % len(names) :] + names[: k % len(names)]:  # rotated: no fixed slot
            seconds[name].append(_seconds(pipelines[name]))
    print(f"{len(texts)} texts, {sentences} sentences, {args.runs} runs; medians")
    print(f"{'pipeline':<24} {'wall sent/s':>12} {'ratio':>6} {'cpu sent/s':>11} {'ratio':>6}")
    result = {"texts": len(texts), "sentences": sentences, "runs": args.runs, "pipelines": {}}
    for name, times in seconds.items():
        row: dict[str, object] = {"seconds_wall_cpu": times}
        for k, clock in enumerate(("wall", "cpu")):
            own = [t[k] for t in times]
            base = [t[k] for t in seconds["bare"]]
            row[f"{clock}_sentences_per_s"] = statistics.median(sentences / s for s in own)
            row[f"{clock}_ratio"] = statistics.median(b / s for b, s in zip(base, own, strict=True))
        print(
            f"{name:<24} {row['wall_sentences_per_s']:12.1f} {row['wall_ratio']:6.2f} "
            f"{row['cpu_sentences_per_s']:11.1f} {row['cpu_ratio']:6.2f}"
        )
        result["pipelines"][name] = row  # type: ignore[index]
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
