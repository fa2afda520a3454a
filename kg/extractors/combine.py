"""Rules and the statistical model agreeing: one fact, with the higher of their confidences.

When the model finds a fact a rule already gave (the same relation between the same entities,
or a killing with the same key: type, agent, victim and modality), the rule's fact stays (its
evidence and roles are richer) and takes the model's confidence if that is higher. Facts only
the model finds are added as they are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Sequence

from kg.model import BasedIn, ContainedIn, Event, EventType, Fact, LivesIn, MemberOf

__all__ = ["combine_facts", "fact_identity"]


def fact_identity(fact: Fact) -> Hashable | None:
    """What makes two facts the same statement, for the kinds both rules and model give."""
    match fact:
        case MemberOf(person=s, organization=o):
            return ("MemberOf", s, o)
        case LivesIn(person=s, place=o):
            return ("LivesIn", s, o)
        case BasedIn(organization=s, place=o):
            return ("BasedIn", s, o)
        case ContainedIn(place=s, container=o):
            return ("ContainedIn", s, o)
        case Event(type=EventType.KILLING, key=key):
            return ("Killing", key)
        case _:
            return None


def _raised(fact: Fact, confidence: float) -> Fact:
    if fact.evidence.confidence >= confidence:
        return fact
    proof = dataclasses.replace(fact.evidence, confidence=confidence)
    return dataclasses.replace(fact, evidence=proof)


def combine_facts(rules: Sequence[Fact], model: Sequence[Fact]) -> list[Fact]:
    """The rules' facts, raised to the model's confidence where both agree, plus the model's own."""
    out = list(rules)
    index: dict[Hashable, list[int]] = {}
    for i, fact in enumerate(out):
        key = fact_identity(fact)
        if key is not None:
            index.setdefault(key, []).append(i)
    for fact in model:
        same = index.get(fact_identity(fact), [])
        for i in same:
            out[i] = _raised(out[i], fact.evidence.confidence)
        if not same:
            out.append(fact)
    return out
