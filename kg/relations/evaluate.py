"""Strict CoNLL04 scoring: per-type and micro precision, recall and F1.

An entity counts when its token span and type match a gold entity. A relation counts, in the
strict ("RE+") setting, when its type, both argument spans and both argument types match.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from kg.relations.data import Sentence

__all__ = ["Counts", "Report", "score"]

_EntityKey = tuple[int, int, int, str]
_RelationKey = tuple[int, int, int, str, int, int, str, str]


@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, false positives and false negatives, with P/R/F1 derived from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 0 when there is no gold item."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float]:
        """Counts and rounded-free P/R/F1, ready for JSON."""
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True, slots=True)
class Report:
    """Per-type counts and their micro sum, for entities and for relations."""

    entities: dict[str, Counts] = field(default_factory=dict)
    relations: dict[str, Counts] = field(default_factory=dict)
    entity_micro: Counts = Counts()
    relation_micro: Counts = Counts()

    def as_dict(self) -> dict[str, object]:
        """A JSON-serialisable view of the report."""
        return {
            "entities": {k: v.as_dict() for k, v in sorted(self.entities.items())},
            "entity_micro": self.entity_micro.as_dict(),
            "relations": {k: v.as_dict() for k, v in sorted(self.relations.items())},
            "relation_micro": self.relation_micro.as_dict(),
        }


def _entity_keys(sentences: Sequence[Sentence]) -> set[_EntityKey]:
    return {(i, e.start, e.end, e.label) for i, s in enumerate(sentences) for e in s.entities}


def _relation_keys(sentences: Sequence[Sentence]) -> set[_RelationKey]:
    keys: set[_RelationKey] = set()
    for i, s in enumerate(sentences):
        for r in s.relations:
            h, t = s.entities[r.head], s.entities[r.tail]
            keys.add((i, h.start, h.end, h.label, t.start, t.end, t.label, r.label))
    return keys


def _count(gold: set[tuple[object, ...]], found: set[tuple[object, ...]]) -> Counts:
    return Counts(tp=len(gold & found), fp=len(found - gold), fn=len(gold - found))


def _by_type(
    gold: Iterable[tuple[object, ...]], found: Iterable[tuple[object, ...]]
) -> dict[str, Counts]:
    gold, found = set(gold), set(found)
    labels = sorted({str(k[-1]) for k in gold | found})
    return {
        label: _count({k for k in gold if k[-1] == label}, {k for k in found if k[-1] == label})
        for label in labels
    }


def score(gold: Sequence[Sentence], predicted: Sequence[Sentence]) -> Report:
    """Score predicted sentences against gold ones, aligned by position."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold sentences but {len(predicted)} predicted")
    ge, pe = _entity_keys(gold), _entity_keys(predicted)
    gr, pr = _relation_keys(gold), _relation_keys(predicted)
    return Report(
        entities=_by_type(ge, pe),
        relations=_by_type(gr, pr),
        entity_micro=_count(set(ge), set(pe)),
        relation_micro=_count(set(gr), set(pr)),
    )
