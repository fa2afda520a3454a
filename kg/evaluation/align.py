"""Aligning kg's entities and events with gold ones, so that their facts can be compared.

An entity aligns with the gold entity one of whose mentions (or name) equals its label or one
of its alternative labels, after :func:`kg.evaluation.match.name_variants`; a label match beats
an alternative-label match, and a gold entity of the same type beats one of another type.
A predicted event aligns with the gold event it scores best with, at least 3 points: its
trigger is a gold mention (2), the event type agrees (2), it shares a sentence with the gold
event's evidence (1), its agent aligns with the gold agent (1). Several predicted entities or
events may align with one gold one (a split cluster is then merged, not penalised twice).
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.evaluation.gold import GoldCase, GoldEntity
from kg.evaluation.match import name_variants
from kg.evaluation.triples import EventInfo
from kg.model import Entity

__all__ = ["MIN_EVENT_SCORE", "align_entities", "align_events"]

MIN_EVENT_SCORE = 3


def _gold_names(case: GoldCase) -> dict[str, set[str]]:
    posts = [m for e in case.entities if e.type == "Post" for m in e.mentions]
    return {
        e.id: {v for m in (e.name, *e.mentions) for v in name_variants(m, posts)}
        for e in case.entities
        if e.type != "Event"
    }


def _entity_score(entity: Entity, gold: GoldEntity, names: set[str], posts: list[str]) -> int:
    if name_variants(entity.label, posts) & names:
        score = 2
    elif any(name_variants(alt, posts) & names for alt in entity.alt_labels):
        score = 1
    else:
        return 0
    return score + (2 if entity.type.value == gold.type else 0)


def align_entities(case: GoldCase, entities: Sequence[Entity]) -> dict[str, str]:
    """Predicted entity key -> gold entity id, for the entities that align."""
    names = _gold_names(case)
    posts = [m for e in case.entities if e.type == "Post" for m in e.mentions]
    golds = [e for e in case.entities if e.id in names]
    aligned: dict[str, str] = {}
    for entity in entities:
        scored = [(_entity_score(entity, g, names[g.id], posts), -i) for i, g in enumerate(golds)]
        best = max(scored, default=(0, 0))
        if best[0] > 0:
            aligned[entity.key] = golds[-best[1]].id
    return aligned


def _gold_event(case: GoldCase, event_id: str) -> tuple[str, set[str], set[str], set[str]]:
    facts = [f for f in case.facts if f.s == event_id]
    types = [f.o for f in facts if f.p == "eventType"]
    agents = {f.o for f in facts if f.p == "agent"}
    evidence = {f.evidence for f in facts}
    entity = case.entity(event_id)
    mentions = {m.casefold() for m in entity.mentions} if entity else set()
    return (types[0] if types else "", mentions, agents, evidence)


def _event_score(
    info: EventInfo, gold: tuple[str, set[str], set[str], set[str]], entities: dict[str, str]
) -> int:
    gold_type, mentions, agents, evidence = gold
    score = 2 if info.triggers & mentions else 0
    score += 2 if gold_type in info.types else 0
    score += 1 if any(s in e or e in s for s in info.sentences for e in evidence) else 0
    return score + (1 if {entities.get(a) for a in info.agents} & agents else 0)


def align_events(
    case: GoldCase, infos: dict[str, EventInfo], entities: dict[str, str]
) -> dict[str, str]:
    """Predicted event node -> gold event id, for the events that score at least 3."""
    golds = [(e.id, _gold_event(case, e.id)) for e in case.entities if e.type == "Event"]
    aligned: dict[str, str] = {}
    for node, info in infos.items():
        scored = [(_event_score(info, g, entities), -i) for i, (_, g) in enumerate(golds)]
        best = max(scored, default=(0, 0))
        if best[0] >= MIN_EVENT_SCORE:
            aligned[node] = golds[-best[1]][0]
    return aligned
