"""kg_causes: the reason an event cites, attached to that event."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from kg.model import Article, Cause, Event
from kg.nlp import extract

CASES = [
    pytest.param(
        "Boris Johnson resigned because he had lost the support of his party.",
        "Resignation",
        "because",
        "he had lost the support of his party",
        id="because",
    ),
    pytest.param(
        "Shinzo Abe stepped down due to ill health.",
        "Resignation",
        "due to",
        "ill health",
        id="due-to",
    ),
    pytest.param(
        "Jacinda Ardern resigned, citing burnout after five years in office.",
        "Resignation",
        "citing",
        "burnout after five years in office",
        id="citing",
    ),
    pytest.param(
        "Robin Cook resigned in protest at the invasion of Iraq.",
        "Resignation",
        "in protest",
        "the invasion of Iraq",
        id="in-protest-at",
    ),
    pytest.param(
        "Jeremy Corbyn quit over the handling of the dispute.",
        "Resignation",
        "over",
        "the handling of the dispute",
        id="over",
    ),
    pytest.param(
        "Ambassador Kim Darroch resigned over leaked cables.",
        "Resignation",
        "over",
        "leaked cables",
        id="over-title",
    ),
    pytest.param(
        "Germany withdrew its troops from Mali due to security concerns.",
        "Withdrawal",
        "due to",
        "security concerns",
        id="withdrawal-due-to",
    ),
    pytest.param(
        "Chief Executive Carlos Ghosn was fired because he had hidden his income.",
        "Dismissal",
        "because",
        "he had hidden his income",
        id="passive-because",
    ),
    pytest.param(
        "Gordon Brown resigned because of the election defeat.",
        "Resignation",
        "because of",
        "the election defeat",
        id="because-of",
    ),
    pytest.param(
        "Angela Merkel will retire owing to her age.",
        "Retirement",
        "owing to",
        "her age",
        id="owing-to",
    ),
    pytest.param(
        "Ambassador Karen Pierce resigned in protest over the new policy.",
        "Resignation",
        "in protest",
        "the new policy",
        id="in-protest-over",
    ),
    pytest.param(
        "The bank's chairman, Klaus Richter, resigned on Friday for health reasons.",
        "Resignation",
        "for",
        "health reasons",
        id="for-reasons",
    ),
    pytest.param(
        "Volvo fired its chief financial officer, Anders Berg, on Thursday after an internal "
        "investigation found accounting errors.",
        "Dismissal",
        "after",
        "an internal investigation found accounting errors",
        id="after-clause",
    ),
    pytest.param(
        "The governor of Texas, Greg Abbott, resigned in March to run for the Senate.",
        "Resignation",
        "to",
        "run for the Senate",
        id="purpose-of-departure",
    ),
]


@pytest.mark.parametrize(("text", "event_type", "marker", "reason"), CASES)
def test_causes_reason_of_event(
    nlp: Language, text: str, event_type: str, marker: str, reason: str
) -> None:
    article = Article(id="t", text=text, published=date(2024, 3, 14))
    facts = next(extract(nlp, [article]))[2]
    events = {f.key: f for f in facts if isinstance(f, Event)}
    causes = [f for f in facts if isinstance(f, Cause)]
    assert [(c.marker, c.text) for c in causes] == [(marker, reason)]
    assert events[causes[0].event].type.value == event_type


def test_causes_mentions_keep_entities(nlp: Language) -> None:
    text = "Robin Cook resigned in protest at the invasion of Iraq."
    facts = next(extract(nlp, [Article(id="t", text=text)]))[2]
    causes = [f for f in facts if isinstance(f, Cause)]
    assert causes[0].mentions == ("Place:iraq",)


def test_causes_over_needs_a_departure_or_similar(nlp: Language) -> None:
    text = "Microsoft hired Sam Altman over the weekend."
    facts = next(extract(nlp, [Article(id="t", text=text)]))[2]
    assert not [f for f in facts if isinstance(f, Cause)]


@pytest.mark.parametrize(
    "text",
    [
        "Helen Clark retired after 30 years in parliament.",
        "The minister stepped down after leaving the party.",
        "Volvo withdrew its staff from the plant to protect them.",
    ],
)
def test_causes_after_and_to_need_a_clause_or_a_departure(nlp: Language, text: str) -> None:
    facts = next(extract(nlp, [Article(id="t", text=text)]))[2]
    assert not [f for f in facts if isinstance(f, Cause)]


def test_date_before_an_after_clause_is_the_events(nlp: Language) -> None:
    text = (
        "Volvo fired its chief financial officer, Anders Berg, on Thursday after an internal "
        "investigation found accounting errors."
    )
    facts = next(extract(nlp, [Article(id="t", text=text)]))[2]
    [event] = [f for f in facts if isinstance(f, Event)]
    assert event.time is not None
    assert event.time.text == "Thursday"
