"""Rules and the statistical model agreeing: one fact, with the higher of their confidences.

When the model finds a fact a rule already gave (the same relation between the same entities,
or a killing with the same key: type, agent, victim and modality), the rule's fact stays (its
evidence and roles are richer) and takes the model's confidence if that is higher. A killing
the rules found in the same sentence with roles that fit the model's (no agent, or the victim
taken for the agent; no victim, or the same one) is the same killing: it takes the model's
agent and victim and keeps its own trigger, modality, time and place. Facts only the model
finds are added as they are.
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


def _fits(rule: Event, model: Event) -> bool:
    """A rule's killing in the model's sentence whose roles the model's agent and victim fill."""
    if rule.type is not EventType.KILLING or rule.evidence.sentence != model.evidence.sentence:
        return False
    if rule.evidence.article_id != model.evidence.article_id:
        return False
    agent, victims = model.agent, set(model.affected)
    agent_fits = rule.agent in (None, agent) or (rule.agent in victims and not rule.affected)
    return agent_fits and set(rule.affected) <= victims


def _filled(rule: Event, model: Event) -> Event:
    proof = rule.evidence
    if proof.confidence < model.evidence.confidence:
        proof = dataclasses.replace(proof, confidence=model.evidence.confidence)
    return dataclasses.replace(rule, agent=model.agent, affected=model.affected, evidence=proof)


def _merge_killing(out: list[Fact], model: Event) -> bool:
    """Fill the roles of every mention of a rule killing the model's killing fits."""
    match = next((f for f in out if isinstance(f, Event) and _fits(f, model)), None)
    if match is None:
        return False
    for i, fact in enumerate(out):
        if isinstance(fact, Event) and fact.type is EventType.KILLING and fact.key == match.key:
            out[i] = _filled(fact, model)
    return True


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
        if not same and not (isinstance(fact, Event) and _merge_killing(out, fact)):
            out.append(fact)
    return out
