"""Posts whose organisation or country is written before the title, and title labels."""

from __future__ import annotations

import pytest
from spacy.language import Language

from kg.model import HoldsPost, MemberOf, PostIn
from tests.extractors import facts_of

CASES = [
    pytest.param(
        "Spain's finance minister, Carlos Ruiz, resigned on Monday.",
        "Person:carlos ruiz",
        "Post:finance minister",
        "Place:spain",
        id="country-possessive",
    ),
    pytest.param(
        "Siemens said on Friday that its chief executive, Roland Busch, would stay until 2030.",
        "Person:roland busch",
        "Post:chief executive",
        "Organization:siemens",
        id="its-refers-to-subject-company",
    ),
    pytest.param(
        "Toyota's chairman, Akio Toyoda, apologised to customers.",
        "Person:akio toyoda",
        "Post:chairman",
        "Organization:toyota",
        id="company-possessive",
    ),
    pytest.param(
        "Netflix named Greg Peters, its chief operating officer, as co-chief executive.",
        "Person:greg peters",
        "Post:chief operating officer",
        "Organization:netflix",
        id="its-in-apposition",
    ),
    pytest.param(
        "Italy's interior minister, Marco Rossi, defended the new rules.",
        "Person:marco rossi",
        "Post:interior minister",
        "Place:italy",
        id="interior-minister",
    ),
    pytest.param(
        "Canada's health minister, Mark Holland, announced the funding in Ottawa.",
        "Person:mark holland",
        "Post:health minister",
        "Place:canada",
        id="health-minister",
    ),
]


@pytest.mark.parametrize(("text", "person", "post", "owner"), CASES)
def test_posts_owner_written_before_title(
    nlp: Language, text: str, person: str, post: str, owner: str
) -> None:
    facts = facts_of(nlp, text)
    assert HoldsPost in {type(f) for f in facts}
    assert (person, post) in {(f.person, f.post) for f in facts if isinstance(f, HoldsPost)}
    assert (post, owner) in {(f.post, f.organization) for f in facts if isinstance(f, PostIn)}
    members = {(f.person, f.organization) for f in facts if isinstance(f, MemberOf)}
    assert ((person, owner) in members) == owner.startswith("Organization:")


@pytest.mark.parametrize(
    ("text", "person", "post"),
    [
        pytest.param(
            "Former education minister Ana Silva joined the board.",
            "Person:ana silva",
            "Post:education minister",
            id="former-is-not-part-of-the-post",
        ),
        pytest.param(
            "The airline's policy chief, Omar Haddad, left in May.",
            "Person:omar haddad",
            "Post:policy chief",
            id="compound-noun-modifier",
        ),
        pytest.param(
            "Housing minister Lisa Nandy visited the estate.",
            "Person:lisa nandy",
            "Post:housing minister",
            id="lower-compound-before-minister",
        ),
        pytest.param(
            "Transport secretary Louise Haigh resigned on Thursday.",
            "Person:louise haigh",
            "Post:transport secretary",
            id="transport-secretary",
        ),
    ],
)
def test_posts_title_label_keeps_modifiers(
    nlp: Language, text: str, person: str, post: str
) -> None:
    holds = {(f.person, f.post) for f in facts_of(nlp, text) if isinstance(f, HoldsPost)}
    assert (person, post) in holds
