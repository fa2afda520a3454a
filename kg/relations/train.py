"""Train the CoNLL04 extractor: ``python -m kg.relations.train TRAIN DEV OUT [--seed N]``.

Steps: fine-tune ``ner_members`` entity recognisers with seeds ``seed, seed + 1, ...`` (each
keeps its best dev epoch), parse both splits with the base model, fit the bagged relation
classifier on gold train entities, then choose the decision threshold that maximises end-to-end
strict relation F1 on dev (majority-vote entities). Writes ``ner/``,
``relations.npz`` and ``meta.json`` into the output directory and returns the metrics.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.relations.classifier import LogisticModel, fit_logistic
from kg.relations.data import RELATION_TYPES, EntitySpan, Sentence, read_conll04
from kg.relations.evaluate import Report, score
from kg.relations.ner import (
    BASE_MODEL,
    doc_from_tokens,
    ensemble_entities,
    ensemble_pipeline,
    new_ner_pipeline,
    train_ner,
)
from kg.relations.pairs import candidates, labelled_features, predict_relations

__all__ = ["TrainConfig", "main", "train"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """Hyperparameters; the defaults produce the packaged weights."""

    ner_epochs: int = 15
    ner_members: int = 3
    relation_epochs: int = 10
    relation_members: int = 15
    l2: float = 3e-3
    thresholds: tuple[float, ...] = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7)


def _relation_data(
    sentences: Sequence[Sentence], docs: Sequence[Doc]
) -> tuple[list[list[str]], list[int]]:
    instances, labels = [], []
    for sentence, doc in zip(sentences, docs, strict=True):
        gold = {(r.head, r.tail, r.label) for r in sentence.relations}
        for head, tail, label in candidates(sentence.entities):
            instances.append(labelled_features(doc, sentence.entities, head, tail, label))
            labels.append(int((head, tail, label) in gold))
    return instances, labels


def _predict(
    model: LogisticModel,
    threshold: float,
    docs: Sequence[Doc],
    entities: Sequence[Sequence[EntitySpan]],
) -> list[Sentence]:
    cut = dict.fromkeys(RELATION_TYPES, threshold)
    return [
        Sentence(
            tuple(t.text for t in doc), tuple(ents), tuple(predict_relations(model, cut, doc, ents))
        )
        for doc, ents in zip(docs, entities, strict=True)
    ]


def _best_threshold(
    model: LogisticModel,
    dev: Sequence[Sentence],
    docs: Sequence[Doc],
    entities: Sequence[Sequence[EntitySpan]],
    grid: Sequence[float],
) -> float:
    def f1(threshold: float) -> float:
        return score(dev, _predict(model, threshold, docs, entities)).relation_micro.f1

    return max(grid, key=lambda t: (f1(t), -abs(t - 0.5)))


def _fit_ner(
    train: Sequence[Sentence], dev: Sequence[Sentence], config: TrainConfig, seed: int
) -> Language:
    members = []
    for k in range(config.ner_members):
        nlp = new_ner_pipeline()
        best, history = train_ner(nlp, train, dev, config.ner_epochs, seed + k)
        logger.info("ner %d dev F1 by epoch: %s", k, [round(f, 4) for f in history])
        members.append(nlp.from_bytes(best))
    return ensemble_pipeline(members)


def _parse(nlp: Language, sentences: Sequence[Sentence]) -> list[Doc]:
    return list(nlp.pipe(doc_from_tokens(nlp, s.tokens) for s in sentences))


def _reports(
    model: LogisticModel,
    threshold: float,
    dev: Sequence[Sentence],
    docs: Sequence[Doc],
    predicted: Sequence[Sequence[EntitySpan]],
) -> dict[str, Report]:
    gold_entities = [s.entities for s in dev]
    return {
        "end_to_end": score(dev, _predict(model, threshold, docs, predicted)),
        "gold_entities": score(dev, _predict(model, threshold, docs, gold_entities)),
    }


def train(
    train_path: Path,
    dev_path: Path,
    out_dir: Path,
    seed: int = 0,
    config: TrainConfig | None = None,
) -> dict[str, object]:
    """Train both models, write them to ``out_dir`` and return dev metrics (JSON-ready)."""
    config = config or TrainConfig()
    started = time.perf_counter()
    train_set, dev_set = read_conll04(train_path), read_conll04(dev_path)
    ner = _fit_ner(train_set, dev_set, config, seed)
    parser = spacy.load(BASE_MODEL, exclude=["ner"])
    train_docs, dev_docs = _parse(parser, train_set), _parse(parser, dev_set)
    instances, labels = _relation_data(train_set, train_docs)
    model = fit_logistic(
        instances, labels, config.relation_epochs, config.l2, config.relation_members, seed
    )
    entities = ensemble_entities(ner, [s.tokens for s in dev_set])
    threshold = _best_threshold(model, dev_set, dev_docs, entities, config.thresholds)
    reports = _reports(model, threshold, dev_set, dev_docs, entities)
    seconds = time.perf_counter() - started
    _save(out_dir, ner, model, {"threshold": threshold, "seed": seed, "base_model": BASE_MODEL})
    return {
        "seed": seed,
        "threshold": threshold,
        "train_seconds": round(seconds, 1),
        **{name: report.as_dict() for name, report in reports.items()},
    }


def _save(out_dir: Path, ner: Language, model: LogisticModel, meta: dict[str, object]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    ner.to_disk(out_dir / "ner")
    model.save(out_dir / "relations.npz")
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> dict[str, object]:
    """Command-line entry point; returns the metrics it also writes to ``OUT/metrics.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train", type=Path)
    parser.add_argument("dev", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    metrics = train(args.train, args.dev, args.out, args.seed)
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    return metrics


if __name__ == "__main__":
    main()
