"""Titles in the text: "Secretary of Defense", "Apple's chief executive", "the president".

A title is a post's name as written, with its department ("of Defense") but without the
organisation it belongs to ("of Apple"), which is kept apart so the post can be ``postIn`` it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc, Span, Token

from kg.extractors.lexicon import Lexicon
from kg.iri import normalise_label

__all__ = ["Title", "find_titles"]

_MAX_HEAD_TOKENS = 5
_ORG_LABELS = {"ORG", "GPE", "NORP"}


@dataclass(frozen=True, slots=True)
class Title:
    """A title span (token indexes, end exclusive), its normalised key and its organisation."""

    start: int
    end: int
    text: str
    key: str
    head: str
    org: tuple[int, int] | None = None

    @property
    def capitalised(self) -> bool:
        """True when written as a name ("Secretary of Defense"), not a noun ("the secretary")."""
        return self.text[:1].isupper()


def find_titles(doc: Doc, lexicon: Lexicon) -> list[Title]:
    """Every title in doc, longest match first, never overlapping."""
    titles: list[Title] = []
    i = 0
    while i < len(doc):
        head_end = _match_head(doc, i, lexicon)
        if head_end is None:
            i += 1
            continue
        floor = titles[-1].end if titles else 0
        titles.append(_build_title(doc, (floor, i), head_end, lexicon))
        i = titles[-1].end
    return titles


@cache
def _head_prefixes(heads: frozenset[str]) -> frozenset[str]:
    """Every prefix of every title head: a phrase can only match if its first word is one."""
    return frozenset(head[:k] for head in heads for k in range(1, len(head) + 1))


def _match_head(doc: Doc, i: int, lexicon: Lexicon) -> int | None:
    token = doc[i]
    if not token.is_alpha or token.lower_ not in _head_prefixes(lexicon.title_heads):
        return None
    for n in range(min(_MAX_HEAD_TOKENS, len(doc) - i), 0, -1):
        if _phrase(doc[i : i + n]) in lexicon.title_heads:
            return i + n
    return None


def _phrase(span: Span) -> str:
    return "".join(t.text_with_ws for t in span).strip().lower()


def _build_title(doc: Doc, bounds: tuple[int, int], head_end: int, lexicon: Lexicon) -> Title:
    floor, start = bounds
    start = _extend_left(doc, floor, start, lexicon)
    end, org = _extend_right(doc, head_end, lexicon)
    if org is None:
        org = _org_before(doc, start)
    span = doc[start:end]
    text = span.text
    head = _phrase(doc[head_end - 1 : head_end])
    return Title(start=start, end=end, text=text, key=normalise_label(text), head=head, org=org)


def _extend_left(doc: Doc, floor: int, start: int, lexicon: Lexicon) -> int:
    """Take in modifiers of the title: listed ones ("vice", "foreign") and lower-case nouns
    compounded with it ("transport minister", "policy chief"); never "former" or a name."""
    head_end = start + 1
    while start > floor and _modifies_title(doc[start - 1], head_end, lexicon):
        start -= 1
    return start


def _modifies_title(token: Token, head_end: int, lexicon: Lexicon) -> bool:
    if token.ent_type_ == "PERSON" or token.pos_ == "ADP" or token.lower_ == "former":
        return False
    if token.lower_ in lexicon.title_modifiers:
        return True
    return (
        (token.is_lower or bool(token.is_sent_start and token.is_title and not token.ent_type_))
        and token.pos_ in ("NOUN", "PROPN")
        and token.dep_ == "compound"
        and token.head.i < head_end + 3
        and token.head.i >= token.i
    )


def _extend_right(doc: Doc, end: int, lexicon: Lexicon) -> tuple[int, tuple[int, int] | None]:
    if end >= len(doc) or doc[end].lower_ not in ("of", "for"):
        return end, None
    after = end + 1
    for n in range(min(4, len(doc) - after), 0, -1):
        if _phrase(doc[after : after + n]) in lexicon.departments:
            return after + n, None
    org = _org_span(doc, after)
    return end, org


def _org_span(doc: Doc, i: int) -> tuple[int, int] | None:
    if i < len(doc) and doc[i].lower_ == "the" and doc[i].ent_iob_ != "B":
        i += 1
    if i >= len(doc) or doc[i].ent_type_ not in _ORG_LABELS or doc[i].ent_iob_ != "B":
        return None
    end = i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return i, end


def _org_before(doc: Doc, start: int) -> tuple[int, int] | None:
    """An organisation written before the title: "Apple's chief executive", "Acme chairman"."""
    j = start - 1
    if j >= 0 and doc[j].tag_ == "POS":
        j -= 1
    if j < 0 or doc[j].ent_type_ not in _ORG_LABELS:
        return None
    token: Token = doc[j]
    begin = j
    while begin > 0 and doc[begin].ent_iob_ == "I":
        begin -= 1
    return (begin, token.i + 1) if doc[begin].ent_type_ in _ORG_LABELS else None
