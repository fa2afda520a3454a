"""How predicted names and literals are compared with gold ones.

Names: case-folded, quotes and possessive ``'s`` removed, a leading determiner (``the``, ``its``,
``her``, ...) and leading titles
(honorifics, ranks and the gold posts' own mentions) stripped. Literals, by predicate:
``eventType`` equal; ``date`` equal or contained one in the other after dropping a leading
preposition; ``reason`` and a literal ``affected`` when token-level F1 >= 0.5; ``quote`` when
the first eight words (or all, if fewer) agree.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

__all__ = ["QUOTE_WORDS", "TOKEN_F1", "literal_matches", "name_variants", "token_f1", "words"]

TOKEN_F1 = 0.5
QUOTE_WORDS = 8
_TITLES = (
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "sir",
    "dame",
    "lord",
    "lady",
    "general",
    "gen",
    "colonel",
    "col",
    "president",
    "justice",
    "judge",
    "prime minister",
    "minister",
    "secretary",
    "senator",
    "chancellor",
)
_PREPOSITIONS = frozenset({"on", "in", "at", "by", "from", "until", "since", "during", "before"})
_DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their"})
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Case-folded word tokens of a text (punctuation and quotes dropped)."""
    return _WORD.findall(text.casefold().replace("\u2019s", "").replace("'s", ""))


def _strip_titles(tokens: list[str], titles: Iterable[str]) -> list[str]:
    ordered = sorted({tuple(words(t)) for t in titles if words(t)}, key=len, reverse=True)
    changed = True
    while changed and tokens:
        changed = False
        for title in ordered:
            if len(tokens) > len(title) and tuple(tokens[: len(title)]) == title:
                tokens, changed = tokens[len(title) :], True
                break
    return tokens


def name_variants(name: str, posts: Iterable[str] = ()) -> set[str]:
    """Normalised forms of a name: as written, and without a leading 'the' and titles."""
    tokens = words(name)
    if tokens[:1] and tokens[0] in _DETERMINERS and len(tokens) > 1:
        tokens = tokens[1:]
    stripped = _strip_titles(tokens, (*_TITLES, *posts))
    return {" ".join(t) for t in (tokens, stripped) if t}


def token_f1(predicted: str, gold: str) -> float:
    """F1 of the word multisets of two texts."""
    p, g = Counter(words(predicted)), Counter(words(gold))
    common = sum((p & g).values())
    if not common:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def _date_words(text: str) -> str:
    tokens = words(text)
    while tokens[:1] and tokens[0] in _PREPOSITIONS:
        tokens = tokens[1:]
    return " ".join(tokens)


def _dates_match(predicted: str, gold: str) -> bool:
    p, g = _date_words(predicted), _date_words(gold)
    return bool(p and g) and (p == g or f" {p} " in f" {g} " or f" {g} " in f" {p} ")


def _quotes_match(predicted: str, gold: str) -> bool:
    g = words(gold)[:QUOTE_WORDS]
    return bool(g) and words(predicted)[: len(g)] == g


def literal_matches(predicate: str, predicted: str, gold: str) -> bool:
    """Whether a predicted literal counts as the gold one, by the rules of this module."""
    if predicate == "eventType":
        return predicted.casefold() == gold.casefold()
    if predicate == "date":
        return _dates_match(predicted, gold)
    if predicate == "quote":
        return _quotes_match(predicted, gold)
    return token_f1(predicted, gold) >= TOKEN_F1
