"""Features of a candidate relation: an ordered pair of entities in one parsed sentence.

Every feature is a string; the classifier looks them up in its vocabulary. They describe the
two arguments (types, words, syntactic role), the words between them, the words around them,
and the dependency path linking their root tokens (labels, directions, lemmas).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from spacy.tokens import Doc, Span, Token

from kg.relations.data import EntitySpan

__all__ = ["pair_features"]

_MARKERS = {"of": "of", "in": "in", ",": "comma", "'s": "poss", "by": "by", "for": "for"}


def _path(a: Token, b: Token) -> tuple[list[Token], list[Token]]:
    """Tokens from ``a`` up to the lowest common ancestor, and from ``b`` up to it."""
    up_a = [a, *a.ancestors]
    up_b = [b, *b.ancestors]
    ids_b = {t.i for t in up_b}
    lca = next((t for t in up_a if t.i in ids_b), up_a[-1])
    left = up_a[: [t.i for t in up_a].index(lca.i) + 1]
    right = up_b[: [t.i for t in up_b].index(lca.i)] if lca.i in ids_b else up_b
    return left, right


def _path_features(a: Token, b: Token) -> list[str]:
    left, right = _path(a, b)
    ups = [f"{t.dep_}^" for t in left[:-1]]
    downs = [f"{t.dep_}v" for t in reversed(right)]
    top = left[-1]
    inner = [t for t in left[1:] + right[1:]]
    deps = "/".join([*ups, top.pos_, *downs])
    lemmas = "/".join([*ups, top.lemma_.lower(), *downs])
    feats = [f"path={deps}", f"pathlem={lemmas}", f"pathlen={min(len(inner), 6)}"]
    feats.append(f"top={top.lemma_.lower()}")
    feats += [f"pl={t.lemma_.lower()}" for t in inner]
    feats += [f"pv={t.lemma_.lower()}" for t in inner if t.pos_ in {"VERB", "NOUN"}]
    edges = [*ups, top.lemma_.lower(), *downs]
    feats += [f"pe={a}/{b}" for a, b in itertools.pairwise(edges)]
    return feats


def _argument_features(name: str, span: Span) -> list[str]:
    root = span.root
    head = root.head
    return [
        f"{name}w={span.text.lower()}",
        f"{name}r={root.lower_}",
        f"{name}dep={root.dep_}",
        f"{name}gov={head.lemma_.lower()}",
        f"{name}govdep={root.dep_}>{head.lemma_.lower()}",
    ]


def _between_features(doc: Doc, left: Span, right: Span, order: str) -> list[str]:
    words = [t.lower_ for t in doc[left.end : right.start]]
    n = len(words)
    feats = [f"dist={min(n, 10) if n < 10 else 10 + n // 10}"]
    if not words:
        return [*feats, "bnone"]
    feats += [f"bf={words[0]}", f"bl={words[-1]}", f"bfl={words[0]}|{words[-1]}"]
    feats += [f"bw={w}" for w in words] + [f"bwo={w}|{order}" for w in words]
    feats += [f"bb={x}_{y}" for x, y in itertools.pairwise(words)]
    feats += [f"bm={_MARKERS[w]}" for w in words if w in _MARKERS]
    feats += [f"blem={t.lemma_.lower()}" for t in doc[left.end : right.start] if t.pos_ == "VERB"]
    return feats


def _context_features(doc: Doc, left: Span, right: Span, bounds: tuple[int, int]) -> list[str]:
    lo, hi = bounds

    def word(i: int) -> str:
        return doc[i].lower_ if lo <= i < hi else "<s>"

    feats = [f"l1={word(left.start - 1)}", f"r1={word(right.end)}"]
    feats += [f"l2={word(left.start - 2)}_{word(left.start - 1)}"]
    feats += [f"r2={word(right.end)}_{word(right.end + 1)}"]
    for name, span in (("L", left), ("R", right)):
        if word(span.start - 1) == "(" and word(span.end) == ")":
            feats.append(f"paren{name}")
    return feats


def _overlap_features(h: Span, t: Span) -> list[str]:
    """Whether the arguments share a word stem ("Haitian Parliament" and "Haiti")."""
    stems = {w.lower_[:4] for w in h if len(w) >= 4 and w.is_alpha}
    return ["overlap"] if any(w.lower_[:4] in stems for w in t if len(w) >= 4) else []


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
    """
    h, t = doc[head.start : head.end], doc[tail.start : tail.end]
    order = "ht" if head.start < tail.start else "th"
    left, right = (h, t) if order == "ht" else (t, h)
    feats = [f"order={order}", *_argument_features("h", h), *_argument_features("t", t)]
    feats += _between_features(doc, left, right, order)
    feats += _context_features(doc, left, right, bounds or (0, len(doc)))
    feats += _overlap_features(h, t)
    feats += _between_entities(entities, left.end, right.start)
    feats += _path_features(h.root, t.root)
    return ["bias", *feats]
