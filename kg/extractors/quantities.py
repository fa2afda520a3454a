"""Quantities: "as many as 2,000 of the 5,100 troops in Mali" as a structured value.

A number (digits, number words, a scale such as "million") that counts a noun, either directly
("2,000 troops") or as part of a whole ("2,000 of the 5,100 troops"), becomes a
:class:`Quantity`: amount, total, unit (the noun), the hedge before it ("as many as") and the
bound that hedge sets (upper, lower, approximate), the place of the counted things ("in
Mali"), the entity counted when kg knows one (a force), and the event whose clause
states it. Dates, times, money, percentages and ordinals are no quantities here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from spacy.attrs import LIKE_NUM, LOWER
from spacy.tokens import Doc, Token

from kg.extractors.scan import flagged, positions
from kg.extractors.spans import entity_at, evidence
from kg.model import Event, Quantity

__all__ = ["EXTRACTOR", "QuantityWords", "find_quantities", "load_quantity_words", "parse_number"]

EXTRACTOR = "kg_quantities"
_NOT_COUNTS = {"DATE", "TIME", "MONEY", "PERCENT", "ORDINAL"}
_CLAUSES = {"relcl", "acl", "advcl", "ccomp", "parataxis", "csubj"}


@dataclass(frozen=True, slots=True)
class QuantityWords:
    """Hedges (phrase → bound), number words and scales, from ``patterns/quantities.json``."""

    qualifiers: dict[str, str]
    numbers: dict[str, float]
    scales: dict[str, float]


@cache
def load_quantity_words() -> QuantityWords:
    """The packaged word lists (read once: code-like data, not state)."""
    path = resources.files("kg.extractors").joinpath("patterns", "quantities.json")
    data = json.loads(path.read_text("utf-8"))
    qualifiers = {p: bound for bound, phrases in data["qualifiers"].items() for p in phrases}
    numbers = {k: float(v) for k, v in data["numbers"].items()}
    return QuantityWords(qualifiers, numbers, {k: float(v) for k, v in data["scales"].items()})


def parse_number(words: list[str], lists: QuantityWords) -> float | None:
    """The value of a number as written: "3,000", "1.5 million", "two hundred", "twenty"."""
    value: float | None = None
    for word in (w.lower().replace(",", "") for w in words):
        if value is not None and word in lists.scales:
            value *= lists.scales[word]
        elif value is None and word in lists.numbers:
            value = lists.numbers[word]
        elif value is None:
            try:
                value = float(word)
            except ValueError:
                return None
        else:
            return None
    return value


def _hyphenated(token: Token) -> bool:
    """Part of a compound such as "23-foot" or "1-900-WEATHER"."""
    doc = token.doc
    before = token.i > 0 and doc[token.i - 1].text == "-" and not doc[token.i - 1].whitespace_
    after = token.i + 1 < len(doc) and doc[token.i + 1].text == "-" and not token.whitespace_
    return before or after


def _is_number(token: Token, lists: QuantityWords) -> bool:
    lower = token.lower_  # the cheap test first: most tokens are no number
    if not ((token.like_num and lower != "one") or lower in lists.numbers):
        return False
    if token.ent_type_ in _NOT_COUNTS or entity_at(token) is not None or _hyphenated(token):
        return False
    return not (token.text[:1] == "0" and token.text[1:2].isdigit())


def _number_phrases(doc: Doc, lists: QuantityWords) -> Iterator[list[Token]]:
    """Each number with the scale words after it ("2.5 million"), left to right."""
    like_num = flagged(doc, LIKE_NUM)
    named = positions(doc, LOWER, lists.numbers)
    after = 0  # the end of the last phrase: a phrase never starts inside another
    for i in sorted({*like_num, *named}):  # the only tokens _is_number can accept
        if i < after or not _is_number(doc[i], lists):
            continue
        end = i + 1
        while end < len(doc) and doc[end].lower_ in lists.scales:
            end += 1
        yield list(doc[i:end])
        after = end


def _phrase_root(phrase: list[Token]) -> Token:
    ids = {t.i for t in phrase}
    return next((t for t in phrase if t.head.i not in ids or t.head.i == t.i), phrase[-1])


def _unit_and_total(root: Token, lists: QuantityWords) -> tuple[Token, list[Token]] | None:
    """The counted noun, and the number of the whole when written "X of the Y nouns"."""
    if root.dep_ == "nummod" and root.head.pos_ == "NOUN" and root.head.is_lower:
        return root.head, []
    for prep in (c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"):
        nouns = (c for c in prep.children if c.dep_ == "pobj" and c.pos_ == "NOUN")
        for noun in (n for n in nouns if n.is_lower):
            total = [c for c in noun.children if c.dep_ == "nummod"]
            whole = [t for c in total for t in c.subtree if t.like_num or t.lower_ in lists.scales]
            return noun, whole
    return None


def _qualifier(doc: Doc, start: int, lists: QuantityWords) -> tuple[str, str, int] | None:
    for n in (3, 2, 1):
        if start - n < doc[start].sent.start:
            continue
        words = doc[start - n : start].text.lower()
        if words in lists.qualifiers:
            return words, lists.qualifiers[words], start - n
    return None


def _place(unit: Token) -> tuple[str | None, int]:
    """The place the counted things are in ("troops in Mali"), and where its words end."""
    for prep in (c for c in unit.rights if c.dep_ == "prep" and c.lower_ in ("in", "at", "across")):
        for obj in (c for c in prep.children if c.dep_ == "pobj"):
            key = entity_at(obj)
            if key is not None and key.startswith("Place:"):
                end = obj.i
                while end + 1 < len(obj.doc) and entity_at(obj.doc[end + 1]) == key:
                    end += 1
                return key, end
    return None, unit.i


def _event(root: Token, triggers: dict[int, str]) -> str | None:
    """The event whose trigger governs the number within its own clause."""
    token = root
    while token.idx not in triggers:
        if token.dep_ in _CLAUSES or token.head.i == token.i:
            return None
        token = token.head
    return triggers[token.idx]


def find_quantities(doc: Doc, events: list[Event], lists: QuantityWords) -> list[Quantity]:
    """Every counted quantity in doc, linked to its event when one governs it."""
    triggers = {e.evidence.start: e.key for e in events}
    found, used = [], set()
    for phrase in _number_phrases(doc, lists):
        if phrase[0].i in used:
            continue
        quantity = _quantity(doc, phrase, triggers, lists)
        if quantity is not None:
            found.append(quantity[0])
            used.update(quantity[1])
    return found


def _quantity(
    doc: Doc, phrase: list[Token], triggers: dict[int, str], lists: QuantityWords
) -> tuple[Quantity, set[int]] | None:
    amount = parse_number([t.text for t in phrase], lists)
    root = _phrase_root(phrase)
    counted = _unit_and_total(root, lists)
    if amount is None or counted is None:
        return None
    unit, whole = counted
    total = parse_number([t.text for t in whole], lists) if whole else None
    hedge = _qualifier(doc, phrase[0].i, lists)
    start = hedge[2] if hedge is not None else phrase[0].i
    place, last = _place(unit)
    span = doc[min(start, unit.i) : max(last, unit.i, phrase[-1].i) + 1]
    key = entity_at(unit)
    event = _event(root, triggers)
    quantity = Quantity(
        text=span.text,
        amount=amount,
        unit=unit.lower_,
        evidence=evidence(span, EXTRACTOR, 0.8 if event is not None else 0.7),
        total=total,
        qualifier=hedge[0] if hedge is not None else None,
        bound=hedge[1] if hedge is not None else None,
        event=event,
        of=key if key is not None and key.startswith("Organization:") else None,
        place=place,
    )
    return quantity, {t.i for t in whole}
