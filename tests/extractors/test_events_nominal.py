"""Nominal events whose possessor undergoes them, and killings that need a victim."""

from __future__ import annotations

import pytest
from spacy.language import Language

from kg.model import Event, EventType
from tests.extractors import facts_of


def events_of(nlp: Language, text: str, kind: EventType) -> list[Event]:
    facts = facts_of(nlp, text)
    return [f for f in facts if isinstance(f, Event) and f.type is kind]


@pytest.mark.parametrize(
    ("text", "kind", "affected"),
    [
        pytest.param(
            "Police are investigating the murder of Anna Berg, who was found in Malmo.",
            EventType.KILLING,
            "Person:anna berg",
            id="murder-of-x",
        ),
        pytest.param(
            "The dismissal of Peter Hall surprised investors.",
            EventType.DISMISSAL,
            "Person:peter hall",
            id="dismissal-of-x",
        ),
        pytest.param(
            "The appointment of Maria Costa was announced on Monday.",
            EventType.APPOINTMENT,
            "Person:maria costa",
            id="appointment-of-x",
        ),
        pytest.param(
            "Rebels claimed the assassination of General Omar Diallo.",
            EventType.KILLING,
            "Person:omar diallo",
            id="assassination-of-x",
        ),
    ],
)
def test_nominal_event_possessor_is_affected_not_agent(
    nlp: Language, text: str, kind: EventType, affected: str
) -> None:
    found = events_of(nlp, text, kind)
    assert found, f"no {kind} event"
    assert affected in found[0].affected
    assert found[0].agent != affected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Regulators could kill the merger of the two airlines.", id="kill-a-merger"),
        pytest.param("The senator vowed to kill the bill in committee.", id="kill-a-bill"),
    ],
)
def test_killing_needs_a_victim(nlp: Language, text: str) -> None:
    assert events_of(nlp, text, EventType.KILLING) == []


def test_killing_of_people_is_kept(nlp: Language) -> None:
    found = events_of(
        nlp, "Gunmen killed 12 villagers in northern Nigeria on Sunday.", EventType.KILLING
    )
    assert found


@pytest.mark.parametrize(
    ("text", "agent"),
    [
        pytest.param(
            "Air France will merge with KLM next year, the companies said.",
            "Organization:air france",
            id="merge-verb",
        ),
        pytest.param(
            "Disney agreed to merge its Indian business with Reliance.",
            "Organization:disney",
            id="agreed-to-merge",
        ),
    ],
)
def test_mergers_are_acquisitions(nlp: Language, text: str, agent: str) -> None:
    found = events_of(nlp, text, EventType.ACQUISITION)
    assert [e.agent for e in found] == [agent]
