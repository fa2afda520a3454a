"""kg's facts as the gold relations: one (subject, predicate, object) triple per stated link.

Subjects and objects are kg entity keys or ``event:<key>`` for events; literal objects are
flagged. Negated events (and their causes) are left out, as the guideline leaves out denied
events; planned and considered ones stay. Characterisations ("the president called it a
retirement") and media have no gold relation and are not scored.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kg.model import (
    BasedIn,
    Cause,
    ContainedIn,
    Event,
    Fact,
    HoldsPost,
    LocatedIn,
    MemberOf,
    Modality,
    PostIn,
    Quote,
)

__all__ = ["EventInfo", "Triple", "event_infos", "event_node", "kg_triples"]


@dataclass(frozen=True, slots=True, order=True)
class Triple:
    """A predicted or gold link; ``literal`` tells whether ``o`` is text or a node."""

    s: str
    p: str
    o: str
    literal: bool = False


@dataclass(slots=True)
class EventInfo:
    """What alignment needs to know of one predicted event (all mentions of one key)."""

    types: set[str] = field(default_factory=set)
    triggers: set[str] = field(default_factory=set)
    agents: set[str] = field(default_factory=set)
    sentences: set[str] = field(default_factory=set)


def event_node(key: str) -> str:
    """The node name of a predicted event."""
    return f"event:{key}"


def _asserted(facts: Iterable[Fact]) -> list[Event]:
    return [f for f in facts if isinstance(f, Event) and f.modality is not Modality.NEGATED]


def event_infos(facts: Iterable[Fact]) -> dict[str, EventInfo]:
    """Types, triggers, agents and sentences of each non-negated predicted event, by node."""
    infos: dict[str, EventInfo] = {}
    for event in _asserted(facts):
        info = infos.setdefault(event_node(event.key), EventInfo())
        info.types.add(event.type.value)
        info.triggers.add(event.trigger.casefold())
        info.sentences.add(event.evidence.sentence_text)
        if event.agent:
            info.agents.add(event.agent)
    return infos


def _event_triples(event: Event) -> Iterator[Triple]:
    node = event_node(event.key)
    yield Triple(node, "eventType", event.type.value, literal=True)
    roles = (("agent", event.agent), ("announcedBy", event.announcer), ("locatedIn", event.place))
    yield from (Triple(node, p, o) for p, o in roles if o)
    yield from (Triple(node, "agent", o) for o in event.co_agents)
    yield from (Triple(node, "affected", o) for o in event.affected)
    if not event.affected and event.affected_text:
        yield Triple(node, "affected", event.affected_text, literal=True)
    if event.time is not None:
        yield Triple(node, "date", event.time.text, literal=True)


def _fact_triples(fact: Fact, events: set[str]) -> Iterator[Triple]:
    match fact:
        case HoldsPost(person=s, post=o):
            yield Triple(s, "holdsPost", o)
        case PostIn(post=s, organization=o):
            yield Triple(s, "postIn", o)
        case MemberOf(person=s, organization=o):
            yield Triple(s, "memberOf", o)
        case LocatedIn(subject=s, place=o) | BasedIn(organization=s, place=o):
            yield Triple(s, "locatedIn", o)
        case ContainedIn(place=s, container=o):
            # The guideline's locatedIn covers "Woodbridge, Suffolk" (a place in a place).
            yield Triple(s, "locatedIn", o)
        case Cause(event=key, text=text) if event_node(key) in events:
            yield Triple(event_node(key), "reason", text, literal=True)
        case Quote(speaker=s, text=text, direct=True):
            # The gold format annotates direct quotations only; reported speech is not scored.
            yield Triple(s, "quote", text, literal=True)


def kg_triples(facts: Iterable[Fact]) -> list[Triple]:
    """The distinct triples kg's facts state, in first-seen order."""
    facts = list(facts)
    asserted = _asserted(facts)
    events = {event_node(e.key) for e in asserted}
    found: dict[Triple, None] = {}
    for event in asserted:
        found.update(dict.fromkeys(_event_triples(event)))
    for fact in facts:
        found.update(dict.fromkeys(_fact_triples(fact, events)))
    return list(found)
