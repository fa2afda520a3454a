"""Candidate relations between the entities of a sentence, and their classification.

A candidate is an ordered entity pair whose types fit a relation's signature (CoNLL04's
relations each have one: ``Work_For(Peop, Org)`` and so on), so each pair has at most one
candidate label per direction. Features are prefixed with that label.

:func:`predict_sentences` classifies the candidates of several sentences of one doc together:
one :class:`DocFeatures` for the doc (token attributes read once, argument and word features
built once), the label prefix applied by the classifier's lookup (no prefixed strings are
built), and one pass over the weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from spacy.tokens import Doc

from kg.relations.classifier import LogisticModel
from kg.relations.data import RELATION_SIGNATURES, EntitySpan, Relation
from kg.relations.features import DocFeatures, pair_features

__all__ = ["candidates", "labelled_features", "predict_relations", "predict_sentences"]

#: The entities of one sentence and its token bounds in the doc (None: the whole doc).
SentenceEntities = tuple[Sequence[EntitySpan], tuple[int, int] | None]


def candidates(
    entities: Sequence[EntitySpan], max_gap: int | None = None
) -> list[tuple[int, int, str]]:
    """(head index, tail index, relation label) for every type-compatible ordered pair; with
    max_gap, only pairs at most that many tokens apart."""
    found = []
    for i, head in enumerate(entities):
        for j, tail in enumerate(entities):
            if max_gap is not None and _gap(head, tail) > max_gap:
                continue
            for label, (htype, ttype) in RELATION_SIGNATURES.items():
                if i != j and head.label == htype and tail.label == ttype:
                    found.append((i, j, label))
    return found


def _gap(a: EntitySpan, b: EntitySpan) -> int:
    """Tokens between two entity spans (0 when they touch or overlap)."""
    return max(0, max(a.start, b.start) - min(a.end, b.end))


def labelled_features(
    doc: Doc,
    entities: Sequence[EntitySpan],
    head: int,
    tail: int,
    label: str,
    bounds: tuple[int, int] | None = None,
) -> list[str]:
    """The pair's features, each prefixed with the candidate relation label."""
    feats = pair_features(doc, entities[head], entities[tail], entities, bounds)
    return [f"{label}:{f}" for f in feats]


def predict_relations(
    model: LogisticModel,
    thresholds: Mapping[str, float],
    doc: Doc,
    entities: Sequence[EntitySpan],
    bounds: tuple[int, int] | None = None,
    max_gap: int | None = None,
) -> list[Relation]:
    """Relations whose probability reaches their label's threshold (``bounds``: the sentence;
    ``max_gap``: pairs further apart, in tokens, are not considered)."""
    return predict_sentences(model, thresholds, doc, [(entities, bounds)], max_gap)[0]


def predict_sentences(
    model: LogisticModel,
    thresholds: Mapping[str, float],
    doc: Doc,
    sentences: Sequence[SentenceEntities],
    max_gap: int | None = None,
) -> list[list[Relation]]:
    """:func:`predict_relations` for each sentence of ``doc``, classified together."""
    features = DocFeatures(doc)
    pairs = [candidates(entities, max_gap) for entities, _ in sentences]
    columns = [
        model.columns(features.pair(entities[h], entities[t], entities, bounds), label)
        for (entities, bounds), found in zip(sentences, pairs, strict=True)
        for h, t, label in found
    ]
    probabilities = iter(model.probabilities_of_rows(columns))
    relations = []
    for found in pairs:
        scored = [(h, t, label, next(probabilities)) for h, t, label in found]
        kept = [Relation(*r) for r in scored if r[3] >= thresholds.get(r[2], 0.5)]
        relations.append(_one_direction(kept))
    return relations


def _one_direction(relations: list[Relation]) -> list[Relation]:
    """Of two opposite relations between the same entities, keep the more probable one."""
    score = {(r.head, r.tail): r.score for r in relations}
    return [r for r in relations if score.get((r.tail, r.head), -1.0) < r.score]
