"""Titles in the text: "Secretary of Defense", "Apple's chief executive", "the president".

A title is a post's name as written, with its department ("of Defense") but without the
organisation it belongs to ("of Apple"), which is kept apart so the post can be ``postIn`` it.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.attrs import IS_ALPHA, LOWER, ORTH, SPACY
from spacy.strings import StringStore
from spacy.tokens import Doc, Token

from kg.extractors.lexicon import Lexicon
from kg.extractors.scan import positions
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
    text = _Text.of(doc)
    titles: list[Title] = []
    for i in _head_starts(doc, lexicon):  # no other token can start a title
        floor = titles[-1].end if titles else 0
        if i < floor:
            continue
        head_end = _match_head(text, i, lexicon)
        if head_end is not None:
            titles.append(_build_title(doc, text, (floor, i), head_end, lexicon))
    return titles


@dataclass(frozen=True, slots=True)
class _Text:
    """Each token's text and trailing space as spaCy's ids, so that a phrase is read without
    making Token objects (the ids are looked up only for the tokens a phrase spans)."""

    strings: StringStore
    orths: list[int]
    spaces: list[int]

    @classmethod
    def of(cls, doc: Doc) -> _Text:
        orths, spaces = doc.to_array([ORTH, SPACY]).T.tolist()
        return cls(doc.vocab.strings, orths, spaces)

    def __len__(self) -> int:
        return len(self.orths)

    def phrases(self, start: int, stop: int) -> list[str]:
        """The phrases of tokens start..end for every end from start + 1 to stop (exclusive),
        lower-cased, outer whitespace stripped; built up token by token."""
        found: list[str] = []
        text = ""
        for orth, space in zip(self.orths[start:stop], self.spaces[start:stop], strict=True):
            text += (self.strings[orth] + " ") if space else self.strings[orth]
            found.append(text.strip().lower())
        return found

    def longest(self, start: int, most: int, known: frozenset[str]) -> int | None:
        """End of the longest phrase of at most ``most`` tokens from start that is known."""
        phrases = self.phrases(start, min(start + most, len(self)))
        for n in range(len(phrases), 0, -1):
            if phrases[n - 1] in known:
                return start + n
        return None


def _head_starts(doc: Doc, lexicon: Lexicon) -> list[int]:
    """Indexes of the alphabetic tokens whose lower-case form could begin a title head."""
    return positions(doc, LOWER, lexicon.title_prefixes, where=(IS_ALPHA, 1))


def _match_head(text: _Text, i: int, lexicon: Lexicon) -> int | None:
    """End of the longest title head starting at token i, if any."""
    return text.longest(i, _MAX_HEAD_TOKENS, lexicon.title_heads)


def _build_title(
    doc: Doc, text: _Text, bounds: tuple[int, int], head_end: int, lexicon: Lexicon
) -> Title:
    floor, start = bounds
    start = _extend_left(doc, floor, start, lexicon)
    end, org = _extend_right(doc, text, head_end, lexicon)
    if org is None:
        org = _org_before(doc, start)
    span = doc[start:end]
    written = span.text
    head = text.phrases(head_end - 1, head_end)[0]
    return Title(
        start=start, end=end, text=written, key=normalise_label(written), head=head, org=org
    )


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


def _extend_right(
    doc: Doc, text: _Text, end: int, lexicon: Lexicon
) -> tuple[int, tuple[int, int] | None]:
    if end >= len(doc) or doc[end].lower_ not in ("of", "for"):
        return end, None
    after = end + 1
    department_end = text.longest(after, 4, lexicon.departments)
    if department_end is not None:
        return department_end, None
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
