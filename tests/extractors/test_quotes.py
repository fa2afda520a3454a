"""kg_quotes: direct quotations with their speakers; unattributed ones left out."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from kg.model import Article, Quote
from kg.nlp import extract


def quotes_of(nlp: Language, text: str) -> list[Quote]:
    article = Article(id="t", text=text, published=date(2024, 3, 14))
    return [f for f in next(extract(nlp, [article]))[2] if isinstance(f, Quote)]


CASES = [
    pytest.param(
        'Angela Merkel arrived late. "We will not give up on this country," she said.',
        "Person:angela merkel",
        "We will not give up on this country",
        None,
        id="pronoun-speaker",
    ),
    pytest.param(
        'Angela Merkel told reporters: "The situation is very serious indeed."',
        "Person:angela merkel",
        "The situation is very serious indeed.",
        "press",
        id="told-reporters-colon",
    ),
    pytest.param(
        'Siemens reported a loss. "We are disappointed by the decision of the '
        'regulator," the company said in a statement.',
        "Organization:siemens",
        "We are disappointed by the decision of the regulator",
        "statement",
        id="company-statement",
    ),
    pytest.param(
        'Jacinda Ardern said: "I no longer have enough in the tank."',
        "Person:jacinda ardern",
        "I no longer have enough in the tank.",
        None,
        id="said-colon",
    ),
    pytest.param(
        'Emmanuel Macron tweeted: "France stands with the people of Ukraine."',
        "Person:emmanuel macron",
        "France stands with the people of Ukraine.",
        "Twitter",
        id="tweeted",
    ),
    pytest.param(
        '"The economy is growing faster than expected," said Christine Lagarde.',
        "Person:christine lagarde",
        "The economy is growing faster than expected",
        None,
        id="said-inverted",
    ),
    pytest.param(
        '"We have no plans to raise prices this year," Tim Cook said in an interview.',
        "Person:tim cook",
        "We have no plans to raise prices this year",
        "interview",
        id="said-in-interview",
    ),
    pytest.param(
        "\u201cThe talks were difficult but useful,\u201d Annalena Baerbock said.",
        "Person:annalena baerbock",
        "The talks were difficult but useful",
        None,
        id="curly-quotes",
    ),
    pytest.param(
        'Prime Minister Rishi Sunak wrote on Facebook: "We are building a better future."',
        "Person:rishi sunak",
        "We are building a better future.",
        "Facebook",
        id="wrote-on-facebook",
    ),
    pytest.param(
        '"Our members will strike next month," union leader Sharon Graham told the BBC.',
        "Person:sharon graham",
        "Our members will strike next month",
        None,
        id="told-with-title",
    ),
]


@pytest.mark.parametrize(("text", "speaker", "quoted", "medium"), CASES)
def test_quotes_speaker_and_text(
    nlp: Language, text: str, speaker: str, quoted: str, medium: str | None
) -> None:
    quotes = quotes_of(nlp, text)
    assert [(q.speaker, q.text, q.medium) for q in quotes] == [(speaker, quoted, medium)]


def test_quotes_continuation_keeps_speaker(nlp: Language) -> None:
    text = '"This is a sad day for all of us," Joe Biden said. "We will keep fighting for jobs."'
    quotes = quotes_of(nlp, text)
    assert [(q.speaker, q.text) for q in quotes] == [
        ("Person:joe biden", "This is a sad day for all of us"),
        ("Person:joe biden", "We will keep fighting for jobs."),
    ]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('"Nobody knows what will happen next in this city."', id="bare"),
        pytest.param('The sign read "no parking on this side".', id="no-speech-verb"),
        pytest.param(
            'Joe Biden arrived.\n\n"Nobody knows what will happen next here."', id="new-paragraph"
        ),
        pytest.param('"Yes, we can," he said.', id="too-short-and-unresolved"),
    ],
)
def test_quotes_unattributed_are_ignored(nlp: Language, text: str) -> None:
    assert quotes_of(nlp, text) == []
