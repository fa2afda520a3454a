"""Who holds which post: titles before names, appositions, copulas and "served as".

"Secretary of Defense James Mattis", "Tim Cook, Apple's chief executive,", "She is the
mayor of Paris", "after serving as foreign minister". A post's organisation, when written
("of Apple", "Apple's"), gives ``postIn`` and the holder's ``memberOf``.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from kg.extractors.lexicon import Lexicon
from kg.extractors.spans import entity_at, evidence
from kg.extractors.titles import Title
from kg.model import EntityType, Fact, HoldsPost, MemberOf, PostIn

__all__ = ["EXTRACTOR", "Holder", "find_holders", "holder_facts"]

EXTRACTOR = "kg_posts"
_SERVE_VERBS = {"serve", "work", "act", "remain", "continue", "stay", "be", "become"}
_CONFIDENCE = {"prefix": 0.95, "appos": 0.85, "copula": 0.8, "as": 0.75}


@dataclass(frozen=True, slots=True)
class Holder:
    """A person linked to a title, and how the text links them."""

    person: str
    title: Title
    kind: str
    start: int
    end: int


def _is_person(key: str | None) -> bool:
    return key is not None and key.startswith(EntityType.PERSON.value + ":")


def find_holders(doc: Doc, titles: list[Title], lexicon: Lexicon) -> list[Holder]:
    """Every (person, title) link the syntax states."""
    holders = []
    for title in titles:
        link = _prefix(doc, title) or _apposition(doc, title) or _copula_or_as(doc, title, lexicon)
        if link is not None:
            holders.append(link)
    return holders


def _prefix(doc: Doc, title: Title) -> Holder | None:
    i = title.end
    if i < len(doc) and doc[i].lower_ in ("gen.", "general", "mr", "mr.", "ms", "ms.", "dr."):
        i += 1
    key = entity_at(doc[i]) if i < len(doc) else None
    if not _is_person(key) or key is None:
        return None
    end = i
    while end < len(doc) and entity_at(doc[end]) == key:
        end += 1
    return Holder(key, title, "prefix", title.start, end)


def _title_head(doc: Doc, title: Title) -> Token:
    span = doc[title.start : title.end]
    return span.root


def _apposition(doc: Doc, title: Title) -> Holder | None:
    head = _title_head(doc, title)
    person: Token | None = head.head
    if head.dep_ != "appos" or person is None or not _is_person(entity_at(person)):
        person = next((c for c in head.children if c.dep_ == "appos"), None)
    if person is None or not _is_person(entity_at(person)):
        return None
    key = entity_at(person)
    assert key is not None
    start, end = min(person.i, title.start), max(person.i + 1, title.end)
    return Holder(key, title, "appos", start, end)


def _copula_or_as(doc: Doc, title: Title, lexicon: Lexicon) -> Holder | None:
    head = _title_head(doc, title)
    verb = head.head
    if head.dep_ == "pobj" and verb.lower_ == "as":
        kind, verb = "as", verb.head
        if verb.dep_ == "prt":
            verb = verb.head
    elif head.dep_ in ("attr", "oprd"):
        kind = "copula"
    else:
        return None
    if not _serves(verb, kind, lexicon):
        return None
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    key = entity_at(subject) if subject is not None else None
    if subject is None or key is None or not _is_person(key):
        return None
    start, end = min(subject.i, title.start), max(subject.i + 1, title.end)
    return Holder(key, title, kind, start, end)


def _serves(verb: Token, kind: str, lexicon: Lexicon) -> bool:
    """Verbs that say their subject holds (or held) the post: "served as", "stepped down as"."""
    if any(c.dep_ == "neg" for c in verb.children):
        return False
    if verb.lemma_ in _SERVE_VERBS:
        return True
    if kind != "as":
        return False
    lemma = verb.lemma_.lower()
    phrases = [
        lemma,
        *(f"{lemma} {c.lower_}" for c in verb.children if c.dep_ in ("prt", "advmod")),
    ]
    types = {lexicon.event_verbs.get(p) for p in phrases}
    return bool(types & lexicon.departure_types)


def holder_facts(
    doc: Doc, holders: list[Holder], org_key: dict[tuple[int, int], str]
) -> list[Fact]:
    """HoldsPost, and PostIn and MemberOf when the title's organisation is written."""
    facts: list[Fact] = []
    for holder in holders:
        proof = evidence(doc[holder.start : holder.end], EXTRACTOR, _CONFIDENCE[holder.kind])
        post = f"Post:{holder.title.key}"
        facts.append(HoldsPost(holder.person, post, proof))
        org = org_key.get(holder.title.org) if holder.title.org else None
        org = org or _possessor(doc, holder.title)
        if org is not None:
            facts.append(PostIn(post, org, proof))
            if org.startswith(EntityType.ORGANIZATION.value):
                facts.append(MemberOf(holder.person, org, proof))
    return facts


_POSSESSIVE_PRONOUNS = {"its", "their"}
_KINDS_WITH_POSTS = (EntityType.ORGANIZATION.value + ":", EntityType.PLACE.value + ":")


def _possessor(doc: Doc, title: Title) -> str | None:
    """The organisation or country written before a title: "Britain's transport minister",
    "PA leader", or "its chief executive" (the organisation last named in this sentence or
    the one before)."""
    j = title.start - 1
    if j < 0:
        return None
    if doc[j].lower_ in _POSSESSIVE_PRONOUNS:
        return _recent_organisation(doc, j)
    if doc[j].tag_ == "POS" and j > 0:
        j -= 1
    key = entity_at(doc[j])
    return key if key is not None and key.startswith(_KINDS_WITH_POSTS) else None


def _recent_organisation(doc: Doc, before: int) -> str | None:
    """The organisation a possessive pronoun refers to: the nearest one that is a subject,
    else the nearest one, in this sentence or the one before."""
    sentence = doc[before].sent
    window_start = doc[sentence.start - 1].sent.start if sentence.start > 0 else 0
    candidates = [doc[i] for i in range(before - 1, window_start - 1, -1)]
    organisations = [
        t for t in candidates if (entity_at(t) or "").startswith(EntityType.ORGANIZATION.value)
    ]
    subjects = [t for t in organisations if _in_subject(t)]
    chosen = subjects or organisations
    return entity_at(chosen[0]) if chosen else None


def _in_subject(token: Token) -> bool:
    return token.dep_ in ("nsubj", "nsubjpass") or (
        token.dep_ in ("compound", "det") and token.head.dep_ in ("nsubj", "nsubjpass")
    )
