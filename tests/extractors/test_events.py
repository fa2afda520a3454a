"""kg_events: departures, appointments and dismissals, withdrawals and announcements, modality."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from kg.model import Article, Event, EventType, Modality
from kg.nlp import extract

R, T, A, D, W = (
    EventType.RESIGNATION,
    EventType.RETIREMENT,
    EventType.APPOINTMENT,
    EventType.DISMISSAL,
    EventType.WITHDRAWAL,
)


def events_of(nlp: Language, text: str, event_type: EventType) -> list[Event]:
    article = Article(id="t", text=text, published=date(2024, 3, 14))
    facts = next(extract(nlp, [article]))[2]
    return [f for f in facts if isinstance(f, Event) and f.type is event_type]


DEPARTURES = [
    pytest.param(
        "Chief Executive Jack Dorsey resigned on Monday.",
        R,
        "Person:jack dorsey",
        "Post:chief executive",
        "Monday",
        id="resigned-title-name",
    ),
    pytest.param(
        "Boris Johnson stepped down as prime minister in July.",
        R,
        "Person:boris johnson",
        "Post:prime minister",
        "July",
        id="stepped-down-as",
    ),
    pytest.param(
        "Angela Merkel will retire at the end of the year.",
        T,
        "Person:angela merkel",
        None,
        "the end of the year",
        id="will-retire",
    ),
    pytest.param(
        "Jacinda Ardern quit as prime minister of New Zealand last week.",
        R,
        "Person:jacinda ardern",
        "Post:prime minister",
        "last week",
        id="quit-as",
    ),
    pytest.param(
        "The governor, Andrew Cuomo, resigned in August.",
        R,
        "Person:andrew cuomo",
        "Post:governor",
        "August",
        id="apposed-title",
    ),
    pytest.param(
        "Liz Truss resigned as prime minister after 45 days.",
        R,
        "Person:liz truss",
        "Post:prime minister",
        "45 days",
        id="resigned-as",
    ),
    pytest.param(
        "Ambassador Kim Darroch resigned over leaked cables.",
        R,
        "Person:kim darroch",
        "Post:ambassador",
        None,
        id="ambassador-resigned",
    ),
    pytest.param(
        "Chief Executive Bob Iger is considering retiring next year.",
        T,
        "Person:bob iger",
        "Post:chief executive",
        "next year",
        id="considering-retiring",
    ),
    pytest.param(
        "Shinzo Abe stepped down due to ill health.",
        R,
        "Person:shinzo abe",
        None,
        None,
        id="stepped-down",
    ),
    pytest.param(
        "Governor Gavin Newsom will stand down in January.",
        R,
        "Person:gavin newsom",
        "Post:governor",
        "January",
        id="stand-down",
    ),
    pytest.param(
        "Chairwoman Susan Wojcicki retired from the company in 2023.",
        T,
        "Person:susan wojcicki",
        "Post:chairwoman",
        "2023",
        id="retired-from",
    ),
]


@pytest.mark.parametrize(("text", "event_type", "agent", "post", "time"), DEPARTURES)
def test_events_departures(
    nlp: Language,
    text: str,
    event_type: EventType,
    agent: str,
    post: str | None,
    time: str | None,
) -> None:
    events = events_of(nlp, text, event_type)
    assert [e.agent for e in events] == [agent]
    if post is not None:
        assert post in events[0].affected
    assert (events[0].time.text if events[0].time else None) == time


CHANGES = [
    pytest.param(
        "Emmanuel Macron appointed Gabriel Attal as prime minister on Tuesday.",
        A,
        "Person:emmanuel macron",
        "Person:gabriel attal",
        "Tuesday",
        id="appointed",
    ),
    pytest.param(
        "Microsoft hired Sam Altman to lead a new research team.",
        A,
        "Organization:microsoft",
        "Person:sam altman",
        None,
        id="hired",
    ),
    pytest.param(
        "Joe Biden nominated Merrick Garland as attorney general.",
        A,
        "Person:joe biden",
        "Person:merrick garland",
        None,
        id="nominated",
    ),
    pytest.param(
        "Keir Starmer appointed Rachel Reeves as chancellor.",
        A,
        "Person:keir starmer",
        "Person:rachel reeves",
        None,
        id="appointed-as",
    ),
    pytest.param(
        "Netflix named Greg Peters as its new chief executive.",
        A,
        "Organization:netflix",
        "Person:greg peters",
        None,
        id="named",
    ),
    pytest.param(
        "The board fired Sam Altman on Friday.",
        D,
        None,
        "Person:sam altman",
        "Friday",
        id="fired-no-named-agent",
    ),
    pytest.param(
        "Rishi Sunak sacked Suella Braverman as home secretary on Monday.",
        D,
        "Person:rishi sunak",
        "Person:suella braverman",
        "Monday",
        id="sacked",
    ),
    pytest.param(
        "Finance Minister Christian Lindner was fired on Wednesday.",
        D,
        None,
        "Person:christian lindner",
        "Wednesday",
        id="passive-fired",
    ),
    pytest.param(
        "Joe Biden dismissed Christian Lindner in November.",
        D,
        "Person:joe biden",
        "Person:christian lindner",
        "November",
        id="dismissed",
    ),
    pytest.param(
        "Elon Musk was ousted by the board in 2008.",
        D,
        None,
        "Person:elon musk",
        "2008",
        id="ousted-passive",
    ),
]


@pytest.mark.parametrize(("text", "event_type", "agent", "affected", "time"), CHANGES)
def test_events_appointments_and_dismissals(
    nlp: Language,
    text: str,
    event_type: EventType,
    agent: str | None,
    affected: str,
    time: str | None,
) -> None:
    events = events_of(nlp, text, event_type)
    assert len(events) == 1
    assert events[0].agent == agent
    assert affected in events[0].affected
    assert (events[0].time.text if events[0].time else None) == time


REPORTED = [
    pytest.param(
        "Elon Musk announced on Twitter that he would step down as chief executive.",
        R,
        ("Person:elon musk", "Person:elon musk", "Twitter", None, Modality.ASSERTED),
        id="announced-on-twitter",
    ),
    pytest.param(
        "Justin Trudeau said in a statement that he would resign as prime minister.",
        R,
        ("Person:justin trudeau", "Person:justin trudeau", "statement", None, Modality.ASSERTED),
        id="said-in-statement",
    ),
    pytest.param(
        "The Netherlands will withdraw its troops from Iraq by June, Prime Minister "
        "Mark Rutte said.",
        W,
        ("Place:netherlands", "Person:mark rutte", None, "Place:iraq", Modality.ASSERTED),
        id="withdraw-reported-after",
    ),
    pytest.param(
        "France is considering withdrawing its forces from Niger.",
        W,
        ("Place:france", None, None, "Place:niger", Modality.PLANNED),
        id="considering-withdrawing",
    ),
    pytest.param(
        "The government denied reports it was withdrawing troops from Iraq.",
        W,
        (None, None, None, "Place:iraq", Modality.NEGATED),
        id="denied-reports",
    ),
    pytest.param(
        "Russia withdrew its forces from Kherson in November.",
        W,
        ("Place:russia", None, None, "Place:kherson", Modality.ASSERTED),
        id="withdrew-from",
    ),
    pytest.param(
        "Finance Minister Christian Lindner did not resign.",
        R,
        ("Person:christian lindner", None, None, None, Modality.NEGATED),
        id="did-not-resign",
    ),
    pytest.param(
        "Scott Morrison is considering stepping down after the election.",
        R,
        ("Person:scott morrison", None, None, None, Modality.PLANNED),
        id="considering-stepping-down",
    ),
    pytest.param(
        "Joe Biden denied reports that he was planning to retire.",
        T,
        ("Person:joe biden", None, None, None, Modality.NEGATED),
        id="denial-beats-planning",
    ),
    pytest.param(
        "Canada plans to pull out its diplomats from India.",
        W,
        ("Place:canada", None, None, "Place:india", Modality.PLANNED),
        id="plans-to-pull-out",
    ),
    pytest.param(
        "Emmanuel Macron tweeted that France would withdraw from Mali by December.",
        W,
        ("Place:france", "Person:emmanuel macron", "Twitter", "Place:mali", Modality.ASSERTED),
        id="tweeted-that",
    ),
]


@pytest.mark.parametrize(("text", "event_type", "roles"), REPORTED)
def test_events_announcer_medium_place_and_modality(
    nlp: Language,
    text: str,
    event_type: EventType,
    roles: tuple[str | None, str | None, str | None, str | None, Modality],
) -> None:
    agent, announcer, medium, place, modality = roles
    events = events_of(nlp, text, event_type)
    assert len(events) == 1
    event = events[0]
    assert (event.agent, event.announcer, event.medium) == (agent, announcer, medium)
    assert (event.place, event.modality) == (place, modality)


def test_events_withdrawal_affects_a_named_force(nlp: Language) -> None:
    text = "Washington will withdraw American troops from Iraq next year."
    events = events_of(nlp, text, W)
    assert len(events) == 1
    assert events[0].affected_text == "American troops"
    assert any(key.startswith("Organization:american troops") for key in events[0].affected)
