"""kg_posts: titles before names, appositions, copulas and "served as" / "stepped down as"."""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import RDF, RDFS, Graph
from spacy.language import Language

from kg.model import Article, Fact, HoldsPost, MemberOf, PostIn, Quote
from kg.nlp import extract
from kg.rdf import article_triples
from kg.vocab import KG
from tests.extractors import facts_of as shared_facts_of


def facts_of(nlp: Language, text: str) -> list[Fact]:
    return shared_facts_of(nlp, text, date(2024, 3, 14))


CASES = [
    pytest.param(
        "Foreign Minister Annalena Baerbock said the talks would continue.",
        "Person:annalena baerbock",
        "Post:foreign minister",
        None,
        id="title-before-name",
    ),
    pytest.param(
        "German Chancellor Olaf Scholz arrived in Washington on Friday.",
        "Person:olaf scholz",
        "Post:chancellor",
        None,
        id="nationality-title-name",
    ),
    pytest.param(
        "Prime Minister Rishi Sunak met the king on Tuesday.",
        "Person:rishi sunak",
        "Post:prime minister",
        None,
        id="two-word-title",
    ),
    pytest.param(
        "Satya Nadella, the chief executive of Microsoft, spoke at the conference.",
        "Person:satya nadella",
        "Post:chief executive",
        "Organization:microsoft",
        id="apposition-of-org",
    ),
    pytest.param(
        "Tim Cook, Apple's chief executive, unveiled a new phone.",
        "Person:tim cook",
        "Post:chief executive",
        "Organization:apple",
        id="apposition-possessive-org",
    ),
    pytest.param(
        "Mary Barra, chairman of General Motors, said sales had risen.",
        "Person:mary barra",
        "Post:chairman",
        "Organization:general motors",
        id="apposition-org-starting-with-rank-word",
    ),
    pytest.param(
        "Jens Stoltenberg, the secretary general of NATO, visited Kyiv.",
        "Person:jens stoltenberg",
        "Post:secretary general",
        "Organization:nato",
        id="apposition-acronym-org",
    ),
    pytest.param(
        "Anne Hidalgo is the mayor of Paris.",
        "Person:anne hidalgo",
        "Post:mayor",
        "Place:paris",
        id="copula-city",
    ),
    pytest.param(
        "Kristalina Georgieva is the managing director of the International Monetary Fund.",
        "Person:kristalina georgieva",
        "Post:managing director",
        "Organization:international monetary fund",
        id="copula-org-with-article",
    ),
    pytest.param(
        "Christine Lagarde served as finance minister of France before moving to Frankfurt.",
        "Person:christine lagarde",
        "Post:finance minister",
        "Place:france",
        id="served-as",
    ),
    pytest.param(
        "Antony Blinken served as secretary of state under President Joe Biden.",
        "Person:antony blinken",
        "Post:secretary of state",
        None,
        id="served-as-department",
    ),
    pytest.param(
        "Jacinda Ardern quit as prime minister of New Zealand last week.",
        "Person:jacinda ardern",
        "Post:prime minister",
        "Place:new zealand",
        id="quit-as",
    ),
    pytest.param(
        "Liz Truss resigned as prime minister after 45 days.",
        "Person:liz truss",
        "Post:prime minister",
        None,
        id="resigned-as",
    ),
    pytest.param(
        "Sundar Pichai, chief executive of Google, testified before Congress.",
        "Person:sundar pichai",
        "Post:chief executive",
        "Organization:google",
        id="apposition-without-article",
    ),
    pytest.param(
        "The governor, Andrew Cuomo, resigned in August.",
        "Person:andrew cuomo",
        "Post:governor",
        None,
        id="title-then-apposed-name",
    ),
]


@pytest.mark.parametrize(("text", "person", "post", "organisation"), CASES)
def test_posts_holder_and_organisation(
    nlp: Language, text: str, person: str, post: str, organisation: str | None
) -> None:
    facts = facts_of(nlp, text)
    holds = {(f.person, f.post) for f in facts if isinstance(f, HoldsPost)}
    assert (person, post) in holds
    if organisation is not None:
        assert (post, organisation) in {
            (f.post, f.organization) for f in facts if isinstance(f, PostIn)
        }
        members = {(f.person, f.organization) for f in facts if isinstance(f, MemberOf)}
        assert ((person, organisation) in members) == organisation.startswith("Organization:")


def test_posts_titles_do_not_swallow_a_preposition(nlp: Language) -> None:
    facts = facts_of(nlp, "Antony Blinken served as secretary of state under President Joe Biden.")
    holds = {(f.person, f.post) for f in facts if isinstance(f, HoldsPost)}
    assert ("Person:joe biden", "Post:president") in holds


def test_posts_negated_copula_gives_no_post(nlp: Language) -> None:
    facts = facts_of(nlp, "Anne Hidalgo is not the mayor of Lyon.")
    assert not [f for f in facts if isinstance(f, HoldsPost)]


def _post_nodes(nlp: Language, article_id: str, text: str) -> dict[str, set[str]]:
    """rdfs:label of each kg:Post node -> its IRIs, in the article's graph."""
    article, entities, facts = next(extract(nlp, [Article(id=article_id, text=text)]))
    graph = Graph()
    for triple in article_triples("http://kg.example.org/", article, entities, facts, "h"):
        graph.add(triple)
    nodes: dict[str, set[str]] = {}
    for node in graph.subjects(RDF.type, KG.Post):
        nodes.setdefault(str(graph.value(node, RDFS.label)), set()).add(str(node))
    return nodes


def test_post_iri_is_per_title_and_organisation(nlp: Language) -> None:
    volvo = _post_nodes(nlp, "a", "Volvo's chief executive, Jim Rowan, resigned on Monday.")
    ikea = _post_nodes(nlp, "b", "Ikea's chief executive, Jesper Brodin, spoke on Monday.")
    volvo_again = _post_nodes(nlp, "c", "Jim Rowan, Volvo's chief executive, left on Friday.")
    unplaced = _post_nodes(nlp, "d", "The chief executive, Jim Rowan, resigned on Monday.")
    assert volvo["chief executive"] != ikea["chief executive"]
    assert volvo["chief executive"] == volvo_again["chief executive"]
    assert unplaced["chief executive"] not in (volvo["chief executive"], ikea["chief executive"])


@pytest.mark.parametrize(
    ("text", "organisation"),
    [
        # the small model finds no organisation in either
        ("Vila Nova's chairwoman, Luiza Prado, called the merger a lifeline.", "vila nova"),
        ("Gdańsk Market's chief executive, Agnieszka Nowicka, runs it.", "gdansk market"),
    ],
)
def test_possessor_of_an_organisation_title_is_an_organisation(
    nlp: Language, text: str, organisation: str
) -> None:
    facts = facts_of(nlp, text)
    assert [f.organization for f in facts if isinstance(f, PostIn)] == [
        f"Organization:{organisation}"
    ]
    assert [f.organization for f in facts if isinstance(f, MemberOf)] == [
        f"Organization:{organisation}"
    ]


def test_possessor_place_stays_a_place_and_the_person_speaks(nlp: Language) -> None:
    facts = facts_of(nlp, "Bavaria's premier, Markus Söder, said his government was not told.")
    assert [f.organization for f in facts if isinstance(f, PostIn)] == ["Place:bavaria"]
    assert [f.speaker for f in facts if isinstance(f, Quote)] == ["Person:markus soder"]
