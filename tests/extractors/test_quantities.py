"""kg_quantities: counted amounts with total, unit, hedge, bound, place and event."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal
from rdflib.namespace import XSD
from spacy.language import Language

from kg.extractors.quantities import load_quantity_words, parse_number
from kg.model import Article, Event, EventType, Quantity
from kg.nlp import extract
from kg.rdf import article_triples
from kg.vocab import KG

ROOT = Path(__file__).resolve().parents[2]


def quantities_of(nlp: Language, text: str) -> tuple[list[Quantity], list[Event]]:
    facts = next(extract(nlp, [Article(id="q", text=text)]))[2]
    events = [f for f in facts if isinstance(f, Event)]
    return [f for f in facts if isinstance(f, Quantity)], events


# text, amount, total, unit, qualifier, bound, place, event type (None: no event)
CASES = [
    (
        "The government is weighing withdrawing as many as 2,000 of the 5,100 troops in Mali.",
        2000,
        5100,
        "troops",
        "as many as",
        "upper",
        "Place:mali",
        EventType.WITHDRAWAL,
    ),
    (
        "Acme Corp. will cut up to 1,200 of its 9,000 jobs.",
        1200,
        9000,
        "jobs",
        "up to",
        "upper",
        None,
        None,
    ),
    (
        "At least 40 people were killed in the blast.",
        40,
        None,
        "people",
        "at least",
        "lower",
        None,
        None,
    ),
    (
        "Germany will send about 500 soldiers to Lithuania.",
        500,
        None,
        "soldiers",
        "about",
        "approximate",
        None,
        None,
    ),
    (
        "More than 1.5 million people fled the fighting.",
        1_500_000,
        None,
        "people",
        "more than",
        "lower",
        None,
        None,
    ),
    (
        "The company bought 12 factories in Poland.",
        12,
        None,
        "factories",
        None,
        None,
        None,
        EventType.ACQUISITION,
    ),
    (
        "Nearly two thousand workers in Detroit went on strike.",
        2000,
        None,
        "workers",
        "nearly",
        "approximate",
        "Place:detroit",
        None,
    ),
    (
        "The ministry said 300 of the 800 prisoners in Kosovo were released.",
        300,
        800,
        "prisoners",
        None,
        None,
        "Place:kosovo",
        None,
    ),
    (
        "Officials withdrew 150 diplomats from the embassy.",
        150,
        None,
        "diplomats",
        None,
        None,
        None,
        EventType.WITHDRAWAL,
    ),
    (
        "Fewer than 20 lawmakers voted against the bill.",
        20,
        None,
        "lawmakers",
        "fewer than",
        "upper",
        None,
        None,
    ),
    (
        "The airline will hire some 4,000 pilots next year.",
        4000,
        None,
        "pilots",
        "some",
        "approximate",
        None,
        EventType.APPOINTMENT,
    ),
    (
        "Police arrested 35 protesters in Minsk on Sunday.",
        35,
        None,
        "protesters",
        None,
        None,
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("text", "amount", "total", "unit", "qualifier", "bound", "place", "event_type"), CASES
)
def test_quantities_structured_value(
    nlp: Language,
    text: str,
    amount: float,
    total: float | None,
    unit: str,
    qualifier: str | None,
    bound: str | None,
    place: str | None,
    event_type: EventType | None,
) -> None:
    found, events = quantities_of(nlp, text)
    assert len(found) == 1
    q = found[0]
    assert (q.amount, q.total, q.unit) == (amount, total, unit)
    assert (q.qualifier, q.bound, q.place) == (qualifier, bound, place)
    types = {e.key: e.type for e in events}
    assert (types[q.event] if q.event is not None else None) == event_type


@pytest.mark.parametrize(
    "text",
    [
        "The plant opened in 1998 and employs 15 percent of the town.",
        "Peter Novak, 34, of Prague, paid $3 billion for the stake.",
    ],
)
def test_quantities_dates_ages_money_and_percentages_are_not_counts(
    nlp: Language, text: str
) -> None:
    assert quantities_of(nlp, text)[0] == []


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("3,000", 3000.0),
        ("1.5 million", 1_500_000.0),
        ("two hundred", 200.0),
        ("dozen", 12.0),
        ("many", None),
        ("twenty five", None),
    ],
)
def test_quantities_parse_number(words: str, value: float | None) -> None:
    assert parse_number(words.split(), load_quantity_words()) == value


def test_quantities_rdf_and_shapes(nlp: Language) -> None:
    text = "The government is weighing withdrawing as many as 2,000 of the 5,100 troops in Mali."
    article, entities, facts = next(extract(nlp, [Article(id="q", text=text)]))
    graph = Graph()
    for triple in article_triples("http://kg.example.org/", article, entities, facts, "h"):
        graph.add(triple)
    ((event, q),) = list(graph.subject_objects(KG.quantity))
    assert (event, KG.modality, KG.Planned) in graph
    assert (q, KG.amount, Literal("2000", datatype=XSD.decimal)) in graph
    assert (q, KG.upperBound, Literal("2000", datatype=XSD.decimal)) in graph
    assert (q, KG.total, Literal("5100", datatype=XSD.decimal)) in graph
    assert (q, KG.unit, Literal("troops")) in graph
    assert (q, KG.qualifier, Literal("as many as")) in graph
    assert len(list(graph.objects(q, KG.locatedIn))) == 1
    assert len(list(graph.objects(q, KG.quantityOf))) == 1
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    ontology = Graph().parse(ROOT / "ontology" / "kg.ttl")
    conforms, _, report = validate(graph, shacl_graph=shapes, ont_graph=ontology)
    assert conforms, report
