"""CoNLL04 dev scoring of the packaged relation model, with a co-occurrence baseline.

The baseline is spaCy's own NER on the gold tokens (PERSON -> Peop, ORG -> Org, GPE and LOC ->
Loc, any other label -> Other) and every relation whose signature fits an ordered pair of its
entities. Both are scored strictly by :func:`kg.relations.score`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.relations import (
    RELATION_SIGNATURES,
    EntitySpan,
    Relation,
    Report,
    Sentence,
    load_relation_model,
    read_conll04,
    score,
)

__all__ = ["SPACY_TO_CONLL", "ConllResult", "cooccurrence_relations", "evaluate_conll04"]

SPACY_TO_CONLL = {"PERSON": "Peop", "ORG": "Org", "GPE": "Loc", "LOC": "Loc"}


@dataclass(frozen=True, slots=True)
class ConllResult:
    """Strict scores and speed of one system on the dev sentences."""

    report: Report
    sentences: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        """The report plus sentence count and sentences per second."""
        speed = self.sentences / self.seconds if self.seconds else 0.0
        return {
            **self.report.as_dict(),
            "sentences": self.sentences,
            "seconds": self.seconds,
            "sentences_per_second": speed,
        }


def cooccurrence_relations(entities: Sequence[EntitySpan]) -> tuple[Relation, ...]:
    """Every relation whose (head, tail) types fit each ordered pair of distinct entities."""
    return tuple(
        Relation(h, t, label)
        for h, head in enumerate(entities)
        for t, tail in enumerate(entities)
        if h != t
        for label, (head_type, tail_type) in RELATION_SIGNATURES.items()
        if (head.label, tail.label) == (head_type, tail_type)
    )


def _baseline_sentence(doc: Doc) -> Sentence:
    entities = tuple(
        EntitySpan(e.start, e.end, SPACY_TO_CONLL.get(e.label_, "Other")) for e in doc.ents
    )
    return Sentence(tuple(t.text for t in doc), entities, cooccurrence_relations(entities))


def _baseline(nlp: Language) -> Callable[[Sequence[Sentence]], list[Sentence]]:
    def predict(dev: Sequence[Sentence]) -> list[Sentence]:
        docs = (Doc(nlp.vocab, words=list(s.tokens), spaces=[True] * len(s.tokens)) for s in dev)
        return [_baseline_sentence(doc) for doc in nlp.pipe(docs)]

    return predict


def _timed(
    predict: Callable[[Sequence[Sentence]], list[Sentence]], dev: Sequence[Sentence]
) -> ConllResult:
    started = time.perf_counter()
    predicted = predict(dev)
    seconds = time.perf_counter() - started
    return ConllResult(score(dev, predicted), len(dev), seconds)


def evaluate_conll04(folder: Path, spacy_model: str) -> dict[str, ConllResult]:
    """Score kg's relation model and the co-occurrence baseline on ``folder/dev.json``.

    Raises:
        InputError: the dev file or the packaged model cannot be read.
    """
    dev = read_conll04(folder / "dev.json")
    model = load_relation_model()
    baseline = _baseline(spacy.load(spacy_model))
    return {
        "model": _timed(lambda sents: [model.predict(list(s.tokens)) for s in sents], dev),
        "baseline": _timed(baseline, dev),
    }
