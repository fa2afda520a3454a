"""kg_entities (with kg_posts' coreference): clusters, cluster types, labels, references."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from kg.model import Article, Entity, Event, Fact, Quote
from kg.nlp import extract


def run(nlp: Language, text: str) -> tuple[list[Entity], list[Fact]]:
    article = Article(id="t", text=text, published=date(2024, 3, 14))
    _, entities, facts = next(extract(nlp, [article]))
    return entities, facts


CLUSTERS = [
    pytest.param(
        "Joseph Biden spoke first. Later Joe Biden and Biden left.",
        "Person:joseph biden",
        {"Joe Biden", "Biden"},
        id="nickname-and-surname",
    ),
    pytest.param(
        "Robert Iger returned. Bob Iger said Iger would stay.",
        "Person:robert iger",
        {"Bob Iger", "Iger"},
        id="bob-robert",
    ),
    pytest.param(
        "Prime Minister Justin Trudeau spoke. Trudeau said he was confident.",
        "Person:justin trudeau",
        {"Trudeau", "Prime Minister Justin Trudeau"},
        id="title-kept-in-alt-label",
    ),
    pytest.param(
        "Elizabeth Warren spoke. Senator Liz Warren replied.",
        "Person:elizabeth warren",
        {"Liz Warren", "Senator Liz Warren"},
        id="liz-elizabeth-with-title",
    ),
    pytest.param(
        "Dr. Anthony Fauci testified. Fauci said the virus was spreading.",
        "Person:anthony fauci",
        {"Fauci", "Dr. Anthony Fauci"},
        id="honorific",
    ),
    pytest.param(
        "William Burns met Bill Burns's deputy. Burns said nothing.",
        "Person:william burns",
        {"Bill Burns", "Burns"},
        id="bill-william",
    ),
    pytest.param(
        "Michael Bloomberg spoke. Mike Bloomberg later added that Bloomberg would run.",
        "Person:michael bloomberg",
        {"Mike Bloomberg", "Bloomberg"},
        id="mike-michael",
    ),
    pytest.param(
        "Governor Gavin Newsom signed the bill. Newsom said it was overdue.",
        "Person:gavin newsom",
        {"Newsom", "Governor Gavin Newsom"},
        id="governor-then-surname",
    ),
    pytest.param(
        "Katherine Tai visited Tokyo. Kathy Tai said trade was improving.",
        "Person:katherine tai",
        {"Kathy Tai"},
        id="kathy-katherine",
    ),
    pytest.param(
        "Richard Branson launched a rocket. Branson called it a dream.",
        "Person:richard branson",
        {"Branson"},
        id="surname-only-second",
    ),
]


@pytest.mark.parametrize(("text", "key", "alt_labels"), CLUSTERS)
def test_entities_one_cluster_per_person(
    nlp: Language, text: str, key: str, alt_labels: set[str]
) -> None:
    entities, _ = run(nlp, text)
    people = [e for e in entities if e.key == key]
    assert len(people) == 1
    assert alt_labels <= set(people[0].alt_labels)
    assert not [
        e
        for e in entities
        if e.key != key and e.key.startswith("Person:") and e.key.split()[-1] == key.split()[-1]
    ]


def test_entities_same_surname_different_given_names_stay_apart(nlp: Language) -> None:
    entities, _ = run(nlp, "Hillary Clinton met Chelsea Clinton in New York.")
    keys = {e.key for e in entities}
    assert {"Person:hillary clinton", "Person:chelsea clinton"} <= keys


def test_entities_cluster_vote_types_a_mislabelled_surname(nlp: Language) -> None:
    text = "Kamala Harris spoke in Ohio. Harris said the plan would work. Harris left."
    entities, _ = run(nlp, text)
    harris = [e for e in entities if e.label.endswith("Harris")]
    assert [(e.key, len(e.mentions)) for e in harris] == [("Person:kamala harris", 3)]


def test_entities_platform_is_not_a_person(nlp: Language) -> None:
    entities, _ = run(nlp, "Elon Musk announced on Twitter that he would step down.")
    assert "Person:twitter" not in {e.key for e in entities}


@pytest.mark.parametrize(
    ("text", "agent"),
    [
        pytest.param(
            "Angela Merkel served as chancellor of Germany. The chancellor resigned on Friday.",
            "Person:angela merkel",
            id="description",
        ),
        pytest.param(
            "Finance Minister Christian Lindner spoke in Berlin. He resigned on Friday.",
            "Person:christian lindner",
            id="pronoun",
        ),
        pytest.param(
            "Liz Truss met the king. She resigned the next day.", "Person:liz truss", id="she"
        ),
        pytest.param(
            "Mayor Sadiq Khan spoke. The mayor said he would retire in May.",
            "Person:sadiq khan",
            id="description-then-pronoun",
        ),
    ],
)
def test_entities_references_resolved(nlp: Language, text: str, agent: str) -> None:
    _, facts = run(nlp, text)
    assert [f.agent for f in facts if isinstance(f, Event)] == [agent]


def test_entities_company_description_resolved(nlp: Language) -> None:
    text = 'Siemens cut jobs. "We regret this step deeply," the company said.'
    _, facts = run(nlp, text)
    assert [q.speaker for q in facts if isinstance(q, Quote)] == ["Organization:siemens"]
