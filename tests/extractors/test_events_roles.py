"""Event roles the parse states indirectly: pronoun subjects of reported clauses, coordinated
and passive agents, trailing reporting clauses, appositive people, loose departure verbs, and
organisations the text refers to as "it"."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph
from spacy.language import Language

from kg.model import Article, Event, EventType, Quote
from kg.nlp import extract
from kg.rdf import article_triples
from kg.vocab import KG
from tests.extractors import facts_of


def _events(nlp: Language, text: str, event_type: EventType) -> list[Event]:
    return [f for f in facts_of(nlp, text) if isinstance(f, Event) and f.type is event_type]


def _agents(event: Event) -> set[str]:
    return {a for a in (event.agent, *event.co_agents) if a}


@pytest.mark.parametrize(
    ("text", "event_type", "agents"),
    [
        pytest.param(
            "Microsoft said on Tuesday it would buy the Danish shipping firm Maersk Tankers.",
            EventType.ACQUISITION,
            {"Organization:microsoft"},
            id="it-in-reported-clause",
        ),
        pytest.param(
            "Boeing and Lockheed Martin announced on Thursday that they would merge their "
            "space businesses.",
            EventType.ACQUISITION,
            {"Organization:boeing", "Organization:lockheed"},
            id="they-coordinated-speakers",
        ),
        pytest.param(
            "The deal was signed by the foreign ministers, Annalena Baerbock and Catherine "
            "Colonna.",
            EventType.AGREEMENT,
            {"Person:annalena baerbock", "Person:catherine colonna"},
            id="passive-coordinated-by-phrase",
        ),
        pytest.param(
            "The football club said on Sunday that its manager, Carlo Ancelotti, will retire at "
            "the end of the season.",
            EventType.RETIREMENT,
            {"Person:carlo ancelotti"},
            id="title-subject-with-apposed-name",
        ),
    ],
)
def test_agents(nlp: Language, text: str, event_type: EventType, agents: set[str]) -> None:
    [event] = _events(nlp, text, event_type)
    assert _agents(event) == agents


def test_trailing_reporting_clause_names_the_announcer(nlp: Language) -> None:
    text = (
        "The rebels will withdraw their fighters from the northern province by March, the "
        "defence minister, John Smith, told lawmakers on Wednesday."
    )
    [event] = _events(nlp, text, EventType.WITHDRAWAL)
    assert event.announcer == "Person:john smith"


def test_dismissed_person_in_apposition_is_affected_not_the_post(nlp: Language) -> None:
    text = "Shell said it had fired its finance chief, Jessica Uhl, after an audit."
    [event] = _events(nlp, text, EventType.DISMISSAL)
    assert event.agent == "Organization:shell"
    assert event.affected == ("Person:jessica uhl",)


def test_indefinite_passive_subject_is_no_event(nlp: Language) -> None:
    text = "A successor will be appointed once the review is complete, the board said."
    assert _events(nlp, text, EventType.APPOINTMENT) == []


def test_specific_departure_verb_wins_over_leave(nlp: Language) -> None:
    text = (
        "Norsk Hydro said on Monday that its chief executive, Hilde Merete Aasheim, will retire "
        "in June. Ms Aasheim said she was leaving for family reasons."
    )
    facts = facts_of(nlp, text)
    departures = [
        f for f in facts if isinstance(f, Event) and f.agent == "Person:hilde merete aasheim"
    ]
    assert {e.type for e in departures} == {EventType.RETIREMENT}
    # "Norsk Hydro ... its chief executive": an organisation, though the model tags a person.
    assert {e.announcer for e in departures} >= {"Organization:norsk hydro"}
    assert not any(isinstance(f, Quote) and f.speaker == "Person:norsk hydro" for f in facts)


def test_every_agent_is_a_kg_agent_in_rdf(nlp: Language) -> None:
    text = (
        "Boeing and Lockheed Martin announced on Thursday that they would merge their space "
        "businesses."
    )
    article, entities, facts = next(extract(nlp, [Article(id="m", text=text)]))
    graph = Graph()
    for triple in article_triples("http://kg.example.org/", article, entities, facts, "h"):
        graph.add(triple)
    [merger] = graph.subjects(RDF.type, KG.Acquisition)
    labels = {str(graph.value(agent, RDFS.label)) for agent in graph.objects(merger, KG.agent)}
    assert labels == {"Boeing", "Lockheed"}


def test_public_body_named_by_a_common_noun_acts(nlp: Language) -> None:
    text = (
        "The Dutch government will withdraw its 200 police officers from Mali by the end of the "
        "year, the defence minister, John Smith, told parliament on Thursday. The government "
        "will also withdraw its diplomats from Niger."
    )
    withdrawals = _events(nlp, text, EventType.WITHDRAWAL)
    assert {e.agent for e in withdrawals} == {"Organization:dutch government"}
    assert len(withdrawals) == 2
    # the parser hangs "told" on "withdraw" and "the defence minister" without a verb
    assert withdrawals[0].announcer == "Person:john smith"


def test_appointee_current_post_is_not_the_post_taken(nlp: Language) -> None:
    text = "The board appointed its finance chief, Remco Steenbergen, as interim chief executive."
    [event] = _events(nlp, text, EventType.APPOINTMENT)
    assert "Person:remco steenbergen" in event.affected
    assert "Post:finance chief" not in event.affected


def test_the_company_far_from_the_only_organisation_named(nlp: Language) -> None:
    text = (
        "Lufthansa's chief executive, Carsten Spohr, resigned on Wednesday. He had led the "
        "carrier since 2014. Pilots had threatened to strike for weeks. Talks broke down on "
        "Monday. Separately, the company said it would buy a stake in a regional carrier."
    )
    [event] = _events(nlp, text, EventType.ACQUISITION)
    assert event.agent == "Organization:lufthansa"
