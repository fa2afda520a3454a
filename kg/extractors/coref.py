"""Within-article coreference: pronouns and definite descriptions ("the president").

Deliberately cautious: a description resolves only to a person holding a post with that
title (or head word); a personal pronoun to the most recent person mentioned within the last
two sentences. Anything else stays unresolved.
"""

from __future__ import annotations

from spacy.attrs import LOWER
from spacy.tokens import Doc, Token

from kg.extractors.posts import Holder
from kg.extractors.scan import positions
from kg.extractors.spans import sentence_at, sentence_starts
from kg.extractors.titles import Title

__all__ = ["resolve_organisations", "resolve_references"]

_PRONOUNS = frozenset({"he", "him", "his", "himself", "she", "her", "hers", "herself"})
_DETERMINERS = {"the", "this", "that"}
_WINDOW_SENTENCES = 2


def resolve_references(
    doc: Doc, titles: list[Title], holders: list[Holder], tokens: dict[int, str]
) -> dict[int, str]:
    """Token index → entity key for resolved pronouns and descriptions (names excluded)."""
    by_title: dict[str, set[str]] = {}
    for holder in holders:
        by_title.setdefault(holder.title.key, set()).add(holder.person)
        by_title.setdefault(holder.title.head, set()).add(holder.person)
    description_at = {t.end - 1: t for t in titles if _is_description(doc, t)}
    resolved: dict[int, str] = {}
    recent: list[tuple[int, str]] = []
    starts = sentence_starts(doc)
    # Only names, descriptions and pronouns can be resolved: the other tokens are skipped.
    for i in sorted({*tokens, *description_at, *positions(doc, LOWER, _PRONOUNS)}):
        token = doc[i]
        key = tokens.get(token.i) or _resolve(token, description_at, by_title, recent, starts)
        if key is None:
            continue
        if token.i not in tokens:
            resolved[token.i] = key
            if token.i in description_at:
                title = description_at[token.i]
                resolved.update(dict.fromkeys(range(title.start, title.end), key))
        if key.startswith("Person:"):
            recent.append((token.i, key))
    return resolved


def _is_description(doc: Doc, title: Title) -> bool:
    return (
        not title.capitalised
        and title.start > 0
        and doc[title.start - 1].lower_ in _DETERMINERS
        and title.org is None
    )


def _resolve(
    token: Token,
    description_at: dict[int, Title],
    by_title: dict[str, set[str]],
    recent: list[tuple[int, str]],
    starts: list[int],
) -> str | None:
    if token.i in description_at:
        title = description_at[token.i]
        people = by_title.get(title.key) or by_title.get(title.head) or set()
        return next(iter(people)) if len(people) == 1 else None
    if token.lower_ in _PRONOUNS and recent:
        index, key = recent[-1]
        apart = sentence_at(starts, token.i) - sentence_at(starts, index)
        if apart <= _WINDOW_SENTENCES:
            return key
    return None


def resolve_organisations(
    doc: Doc, nouns: frozenset[str], tokens: dict[int, str]
) -> dict[int, str]:
    """ "the company", "the ministry" → the organisation named last, within two sentences, or
    anywhere before when the article has named only one organisation."""
    resolved: dict[int, str] = {}
    recent: tuple[int, str] | None = None
    seen: set[str] = set()
    starts = sentence_starts(doc)
    # Only names and the nouns can matter: the other tokens are skipped.
    for i in sorted({*tokens, *positions(doc, LOWER, nouns)}):
        token = doc[i]
        key = tokens.get(token.i)
        if key is not None and key.startswith("Organization:"):
            recent = (token.i, key)
            seen.add(key)
        elif (
            key is None
            and recent is not None
            and token.lower_ in nouns
            and token.i > 0
            and doc[token.i - 1].lower_ == "the"
        ):
            apart = sentence_at(starts, token.i) - sentence_at(starts, recent[0])
            near = apart <= _WINDOW_SENTENCES
            if near or len(seen) == 1:  # farther away only when the article names just one
                resolved[token.i] = recent[1]
    return resolved
