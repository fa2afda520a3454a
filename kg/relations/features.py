"""Features of a candidate relation: an ordered pair of entities in one parsed sentence.

Every feature is a string; the classifier looks them up in its vocabulary. They describe the
two arguments (types, words, syntactic role), the words between them, the words around them,
and the dependency path linking their root tokens (labels, directions, lemmas).

:class:`DocFeatures` computes them for many pairs of one doc: each token's attributes, each
argument's features and the order-free part of the words between two arguments are read once
and reused by every pair (and both directions) that needs them, as the same string objects;
:meth:`DocFeatures.parts` leaves out the features of the words between the arguments, so a
caller can look those up once per word (:meth:`DocFeatures.word`, :meth:`DocFeatures.bigram`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from spacy.attrs import DEP, HEAD, IS_ALPHA, LEMMA, LENGTH, LOWER, POS
from spacy.tokens import Doc

from kg.relations.data import EntitySpan

__all__ = ["DocFeatures", "PairParts", "pair_features"]

_MARKERS = {"of": "of", "in": "in", ",": "comma", "'s": "poss", "by": "by", "for": "for"}


_ATTRS = [LOWER, LEMMA, POS, DEP, HEAD, LENGTH, IS_ALPHA]


def _dist(n: int) -> str:
    return f"dist={min(n, 10) if n < 10 else 10 + n // 10}"


@dataclass(frozen=True, slots=True)
class PairParts:
    """A pair's features but those of the words between its arguments (:meth:`DocFeatures.word`
    of each ``i`` in ``start``..``end`` and :meth:`DocFeatures.bigram` of each but the last)."""

    features: list[str]
    start: int
    end: int
    order: str


class DocFeatures:
    """Pair features of one parsed doc (:meth:`pair`), reusing what pairs share.

    Token attributes are read for the whole doc at once (``Doc.to_array``), not per ``Token``.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        table = np.asarray(doc.to_array(_ATTRS), dtype=np.uint64).reshape(len(doc), len(_ATTRS))
        lower, lemma, pos, dep = _strings(doc, table[:, :4])
        self.lower: list[str] = lower
        self.lemma: list[str] = [x.lower() for x in lemma]
        self.pos: list[str] = pos
        self.dep: list[str] = dep
        self.head: list[int] = (table[:, 4].astype(np.int64) + np.arange(len(doc))).tolist()
        self.long: list[bool] = (table[:, 5] >= 4).tolist()
        self.alpha: list[bool] = table[:, 6].astype(bool).tolist()
        self._chains: dict[int, list[int]] = {}
        self._arguments: dict[tuple[int, int], tuple[list[str], list[str], int]] = {}
        self._summaries: dict[tuple[int, int], list[str]] = {}
        self._words: dict[tuple[int, str], list[str]] = {}

    def pair(
        self,
        head: EntitySpan,
        tail: EntitySpan,
        entities: Sequence[EntitySpan],
        bounds: tuple[int, int] | None = None,
    ) -> list[str]:
        """Feature strings for "``head`` relates to ``tail``"; see :func:`pair_features`."""
        parts = self.parts(head, tail, entities, bounds)
        between = range(parts.start, parts.end)
        words = [f for i in between for f in self.word(i, parts.order)]
        return [*parts.features, *words, *(self.bigram(i) for i in between[:-1])]

    def parts(
        self,
        head: EntitySpan,
        tail: EntitySpan,
        entities: Sequence[EntitySpan],
        bounds: tuple[int, int] | None = None,
    ) -> PairParts:
        """:meth:`pair`'s features but those of each word between the arguments."""
        order = "ht" if head.start < tail.start else "th"
        left, right = (head, tail) if order == "ht" else (tail, head)
        h_feats, _, h_root = self._argument(head)
        _, t_feats, t_root = self._argument(tail)
        lo, hi = left.end, right.start
        feats = ["bias", f"order={order}", *h_feats, *t_feats, *self._summary(lo, hi)]
        feats += self._context(left, right, bounds or (0, len(self.doc)))
        feats += self._overlap(head, tail)
        feats += _between_entities(entities, lo, hi)
        feats += self._path_features(h_root, t_root)
        return PairParts(feats, lo, hi, order)

    def word(self, i: int, order: str) -> list[str]:
        """Features of word ``i`` between the arguments, their ``order`` ``ht`` or ``th``."""
        key = (i, order)
        found = self._words.get(key)
        if found is None:
            lower = self.lower[i]
            found = [f"bw={lower}", f"bwo={lower}|{order}"]
            if lower in _MARKERS:
                found.append(f"bm={_MARKERS[lower]}")
            if self.pos[i] == "VERB":
                found.append(f"blem={self.lemma[i]}")
            self._words[key] = found
        return found

    def bigram(self, i: int) -> str:
        """Words ``i`` and ``i + 1``, both between the arguments."""
        return f"bb={self.lower[i]}_{self.lower[i + 1]}"

    def _argument(self, span: EntitySpan) -> tuple[list[str], list[str], int]:
        """The argument's features as head (``h...``) and as tail (``t...``), and its root."""
        key = (span.start, span.end)
        found = self._arguments.get(key)
        if found is None:
            root = self.doc[span.start : span.end].root.i
            lemma, dep = self.lemma[self.head[root]], self.dep[root]
            parts = (
                f"w={self.doc[span.start : span.end].text.lower()}",
                f"r={self.lower[root]}",
                f"dep={dep}",
                f"gov={lemma}",
                f"govdep={dep}>{lemma}",
            )
            found = ([f"h{p}" for p in parts], [f"t{p}" for p in parts], root)
            self._arguments[key] = found
        return found

    def _summary(self, start: int, end: int) -> list[str]:
        """Distance, and first and last of the words ``start``..``end`` between the arguments."""
        found = self._summaries.get((start, end))
        if found is None:
            found = [_dist(max(end - start, 0))]
            if start >= end:
                found.append("bnone")
            else:
                first, last = self.lower[start], self.lower[end - 1]
                found += [f"bf={first}", f"bl={last}", f"bfl={first}|{last}"]
            self._summaries[(start, end)] = found
        return found

    def _context(self, left: EntitySpan, right: EntitySpan, bounds: tuple[int, int]) -> list[str]:
        lo, hi = bounds
        at = (left.start - 2, left.start - 1, left.end, right.start - 1, right.end, right.end + 1)
        l2, l1, after_left, before_right, r1, r2 = (
            self.lower[i] if lo <= i < hi else "<s>" for i in at
        )
        feats = [f"l1={l1}", f"r1={r1}", f"l2={l2}_{l1}", f"r2={r1}_{r2}"]
        if l1 == "(" and after_left == ")":
            feats.append("parenL")
        if before_right == "(" and r1 == ")":
            feats.append("parenR")
        return feats

    def _overlap(self, h: EntitySpan, t: EntitySpan) -> list[str]:
        """Whether the arguments share a word stem ("Haitian Parliament" and "Haiti")."""
        stems = {self.lower[i][:4] for i in range(h.start, h.end) if self.long[i] and self.alpha[i]}
        tail = (self.lower[i][:4] for i in range(t.start, t.end) if self.long[i])
        return ["overlap"] if any(s in stems for s in tail) else []

    def _chain(self, i: int) -> list[int]:
        """Token ``i`` and its ancestors, as :attr:`spacy.tokens.Token.ancestors` walks them."""
        found = self._chains.get(i)
        if found is None:
            found, at = [i], i
            while self.head[at] != at and len(found) <= len(self.doc):
                at = self.head[at]
                found.append(at)
            self._chains[i] = found
        return found

    def _path(self, a: int, b: int) -> tuple[list[int], list[int]]:
        """Tokens from ``a`` up to the lowest common ancestor, and from ``b`` up to it."""
        up_a, up_b = self._chain(a), self._chain(b)
        ids_b = set(up_b)
        lca = next((t for t in up_a if t in ids_b), up_a[-1])
        left = up_a[: up_a.index(lca) + 1]
        right = up_b[: up_b.index(lca)] if lca in ids_b else up_b
        return left, right

    def _path_features(self, a: int, b: int) -> list[str]:
        left, right = self._path(a, b)
        ups = [f"{self.dep[t]}^" for t in left[:-1]]
        downs = [f"{self.dep[t]}v" for t in reversed(right)]
        top = left[-1]
        inner = left[1:] + right[1:]
        top_lemma = self.lemma[top]
        deps = "/".join([*ups, self.pos[top], *downs])
        lemmas = "/".join([*ups, top_lemma, *downs])
        feats = [f"path={deps}", f"pathlem={lemmas}", f"pathlen={min(len(inner), 6)}"]
        feats.append(f"top={top_lemma}")
        feats += [f"pl={self.lemma[t]}" for t in inner]
        feats += [f"pv={self.lemma[t]}" for t in inner if self.pos[t] in {"VERB", "NOUN"}]
        edges = [*ups, top_lemma, *downs]
        feats += [f"pe={x}/{y}" for x, y in itertools.pairwise(edges)]
        return feats


def _strings(doc: Doc, hashes: NDArray[np.uint64]) -> list[list[str]]:
    """The strings of a table of string hashes, one list per column (each hash decoded once)."""
    unique, inverse = np.unique(hashes, return_inverse=True)
    decoded = [doc.vocab.strings[int(h)] for h in unique.tolist()]
    return [[decoded[k] for k in column.tolist()] for column in inverse.reshape(hashes.shape).T]


def _between_entities(others: Sequence[EntitySpan], lo: int, hi: int) -> list[str]:
    inside = [e.label for e in others if e.start >= lo and e.end <= hi]
    return [f"be={label}" for label in inside] + [f"nbe={min(len(inside), 3)}"]


def pair_features(
    doc: Doc,
    head: EntitySpan,
    tail: EntitySpan,
    entities: Sequence[EntitySpan],
    bounds: tuple[int, int] | None = None,
) -> list[str]:
    """Feature strings for "``head`` relates to ``tail``" in a parsed ``doc``.

    ``bounds`` (token start, end) is the sentence within a longer doc; by default the whole doc.
    Context outside it reads as the sentence edge, as in training on one sentence per doc.
    For many pairs of one doc, :meth:`DocFeatures.pair` gives the same and is faster.
    """
    return DocFeatures(doc).pair(head, tail, entities, bounds)
