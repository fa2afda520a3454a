"""The news dev set: articles with gold facts, and the mechanical checks of the gold format.

The format and its rules are those of the annotation guideline (``eval/news-dev/README.md``).
A dev-set folder holds ``articles.jsonl`` (id, title, published, text, optional ``demo``) and
one ``<id>.json`` of gold entities and facts per article.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.model import Article

__all__ = [
    "ENTITY_PREDICATES",
    "EVENT_TYPES",
    "LITERAL_PREDICATES",
    "PREDICATES",
    "GoldCase",
    "GoldEntity",
    "GoldFact",
    "check_case",
    "read_dev_set",
]

#: The guideline's ten event types plus Killing (killing or attack), which kg also extracts.
EVENT_TYPES = frozenset(
    {
        "Resignation",
        "Appointment",
        "Dismissal",
        "Announcement",
        "Retirement",
        "Election",
        "Acquisition",
        "Withdrawal",
        "Agreement",
        "Statement",
        "Killing",
    }
)
ENTITY_TYPES = frozenset({"Person", "Organization", "Place", "Post", "Event"})
_AGENTS = frozenset({"Person", "Organization"})
#: Predicate -> (subject types, object types); an empty object set means a literal object.
_SIGNATURES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "holdsPost": (frozenset({"Person"}), frozenset({"Post"})),
    "memberOf": (frozenset({"Person"}), frozenset({"Organization"})),
    "postIn": (frozenset({"Post"}), frozenset({"Organization", "Place"})),
    "locatedIn": (frozenset({"Organization", "Place", "Event"}), frozenset({"Place"})),
    "eventType": (frozenset({"Event"}), frozenset()),
    "agent": (frozenset({"Event"}), _AGENTS),
    "affected": (frozenset({"Event"}), ENTITY_TYPES),
    "announcedBy": (frozenset({"Event"}), _AGENTS),
    "date": (frozenset({"Event"}), frozenset()),
    "reason": (frozenset({"Event"}), frozenset()),
    "quote": (_AGENTS, frozenset()),
}
PREDICATES: tuple[str, ...] = tuple(_SIGNATURES)
LITERAL_PREDICATES = frozenset({"eventType", "date", "reason", "quote"})
ENTITY_PREDICATES = frozenset(PREDICATES) - LITERAL_PREDICATES - {"affected"}


@dataclass(frozen=True, slots=True)
class GoldEntity:
    """A gold entity: id, type, fullest name and the surface strings that denote it."""

    id: str
    type: str
    name: str
    mentions: tuple[str, ...]
    wikidata: str | None = None


@dataclass(frozen=True, slots=True)
class GoldFact:
    """A gold fact; ``o`` is an entity id or a literal (see :meth:`GoldCase.is_entity`)."""

    s: str
    p: str
    o: str
    evidence: str


@dataclass(frozen=True, slots=True)
class GoldCase:
    """One article of the dev set with its gold entities and facts."""

    article: Article
    entities: tuple[GoldEntity, ...]
    facts: tuple[GoldFact, ...]
    demo: bool = False

    def entity(self, entity_id: str) -> GoldEntity | None:
        """The entity with this id, if any."""
        return next((e for e in self.entities if e.id == entity_id), None)

    def is_entity(self, fact: GoldFact) -> bool:
        """Whether the fact's object is an entity (else a literal)."""
        return fact.p not in LITERAL_PREDICATES and self.entity(fact.o) is not None


def read_dev_set(folder: Path) -> list[GoldCase]:
    """Read ``articles.jsonl`` and each article's ``<id>.json`` from a dev-set folder.

    Raises:
        InputError: the folder, a file or a record is missing or malformed.
    """
    path = folder / "articles.jsonl"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines if line.strip()]
        return [_case(folder, record) for record in records]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise InputError(f"cannot read the news dev set in {folder}: {err}") from err


def _case(folder: Path, record: dict[str, Any]) -> GoldCase:
    published = record.get("published")
    article = Article(
        id=str(record["id"]),
        text=str(record["text"]),
        title=record.get("title"),
        published=date.fromisoformat(published) if published else None,
        origin=str(folder / "articles.jsonl"),
    )
    gold = json.loads((folder / f"{article.id}.json").read_text(encoding="utf-8"))
    entities = tuple(
        GoldEntity(e["id"], e["type"], e["name"], tuple(e["mentions"]), e.get("wikidata"))
        for e in gold["entities"]
    )
    facts = tuple(GoldFact(f["s"], f["p"], f["o"], f["evidence"]) for f in gold["facts"])
    return GoldCase(article, entities, facts, bool(record.get("demo", False)))


def check_case(case: GoldCase) -> list[str]:
    """Violations of the guideline's mechanical rules (empty when the gold file is sound)."""
    problems = _check_entities(case)
    for number, fact in enumerate(case.facts):
        problems += [f"fact {number} ({fact.s} {fact.p}): {p}" for p in _check_fact(case, fact)]
    problems += _check_event_types(case) + _check_member_of(case)
    return [f"{case.article.id}: {p}" for p in problems]


def _check_entities(case: GoldCase) -> list[str]:
    problems: list[str] = []
    ids = [e.id for e in case.entities]
    if len(ids) != len(set(ids)):
        problems.append("entity ids are not unique")
    for e in case.entities:
        if e.type not in ENTITY_TYPES:
            problems.append(f"{e.id}: unknown type {e.type!r}")
        if not e.mentions:
            problems.append(f"{e.id}: no mentions")
        problems += [
            f"{e.id}: mention {m!r} not in the text"
            for m in e.mentions
            if m not in case.article.text
        ]
    return problems


def _check_fact(case: GoldCase, fact: GoldFact) -> list[str]:
    if fact.p not in _SIGNATURES:
        return [f"unknown predicate {fact.p!r}"]
    problems = [] if fact.evidence in case.article.text else ["evidence not verbatim in the text"]
    subject_types, object_types = _SIGNATURES[fact.p]
    subject = case.entity(fact.s)
    if subject is None or subject.type not in subject_types:
        problems.append(f"subject must be one of {sorted(subject_types)}")
    target = case.entity(fact.o)
    if fact.p in LITERAL_PREDICATES:
        problems += _check_literal(fact)
    elif target is not None and target.type not in object_types:
        problems.append(f"object {fact.o} must be one of {sorted(object_types)}")
    elif target is None and fact.p != "affected":
        problems.append(f"object {fact.o!r} is not an entity id")
    return problems


def _check_literal(fact: GoldFact) -> list[str]:
    if fact.p == "eventType" and fact.o not in EVENT_TYPES:
        return [f"event type {fact.o!r} is not one of {sorted(EVENT_TYPES)}"]
    if fact.p == "quote" and fact.o not in fact.evidence:
        return ["quote not verbatim in its evidence"]
    if fact.p in ("date", "reason") and fact.o not in fact.evidence:
        return [f"{fact.p} not verbatim in its evidence"]
    return []


def _check_event_types(case: GoldCase) -> list[str]:
    problems: list[str] = []
    for e in case.entities:
        count = sum(1 for f in case.facts if f.s == e.id and f.p == "eventType")
        if e.type == "Event" and count != 1:
            problems.append(f"{e.id}: {count} eventType facts, expected exactly one")
    return problems


def _check_member_of(case: GoldCase) -> list[str]:
    stated = {(f.s, f.p, f.o) for f in case.facts}
    problems: list[str] = []
    for holds in (f for f in case.facts if f.p == "holdsPost"):
        for post_in in (f for f in case.facts if f.p == "postIn" and f.s == holds.o):
            org = case.entity(post_in.o)
            member = (holds.s, "memberOf", post_in.o)
            if org is not None and org.type == "Organization" and member not in stated:
                problems.append(f"{holds.s} holds {holds.o} in {post_in.o} but no memberOf")
    return problems
