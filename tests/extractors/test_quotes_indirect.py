"""Reported speech: "X said that ..." becomes an indirect Quote of X."""

from __future__ import annotations

import pytest
from spacy.language import Language

from kg.model import Quote
from tests.extractors import facts_of


def indirect_quotes(nlp: Language, text: str) -> list[Quote]:
    facts = facts_of(nlp, text)
    return [f for f in facts if isinstance(f, Quote) and not f.direct]


CASES = [
    pytest.param(
        "Chancellor Olaf Scholz said that the talks with the unions had failed completely.",
        "Person:olaf scholz",
        "the talks with the unions had failed completely",
        "said",
        None,
        id="said-that",
    ),
    pytest.param(
        "Prime Minister Justin Trudeau announced on Twitter that Canada would send more troops "
        "to Latvia.",
        "Person:justin trudeau",
        "Canada would send more troops to Latvia",
        "announced",
        "Twitter",
        id="announced-on-twitter",
    ),
    pytest.param(
        "Sarah Connor, a spokeswoman for Cyberdyne Systems, said the factory would close by March.",
        "Person:sarah connor",
        "the factory would close by March",
        "said",
        None,
        id="said-without-that",
    ),
    pytest.param(
        "Pope Francis warned that the war in Sudan was becoming a humanitarian catastrophe.",
        "Person:francis",
        "the war in Sudan was becoming a humanitarian catastrophe",
        "warned",
        None,
        id="warned",
    ),
    pytest.param(
        "Apple said in a statement that it would appeal the ruling of the European Commission.",
        "Organization:apple",
        "it would appeal the ruling of the European Commission",
        "said",
        "statement",
        id="organisation-statement",
    ),
    pytest.param(
        "Senator Elizabeth Warren argued that the merger would raise prices for consumers.",
        "Person:elizabeth warren",
        "the merger would raise prices for consumers",
        "argued",
        None,
        id="argued",
    ),
    pytest.param(
        "Jacinda Ardern told reporters she would not seek another term as prime minister.",
        "Person:jacinda ardern",
        "she would not seek another term as prime minister",
        "told",
        "press",
        id="told-reporters",
    ),
    pytest.param(
        "Governor Gavin Newsom insisted that the state budget was balanced.",
        "Person:gavin newsom",
        "the state budget was balanced",
        "insisted",
        None,
        id="insisted",
    ),
    pytest.param(
        "Angela Merkel wrote in a letter that Germany would honour its commitments.",
        "Person:angela merkel",
        "Germany would honour its commitments",
        "wrote",
        "letter",
        id="wrote-in-letter",
    ),
    pytest.param(
        "Satya Nadella confirmed that Microsoft would cut ten thousand jobs.",
        "Person:satya nadella",
        "Microsoft would cut ten thousand jobs",
        "confirmed",
        None,
        id="confirmed",
    ),
]


@pytest.mark.parametrize(("text", "speaker", "quoted", "verb", "medium"), CASES)
def test_indirect_quote_speaker_text_verb_medium(
    nlp: Language, text: str, speaker: str, quoted: str, verb: str, medium: str | None
) -> None:
    found = [(q.speaker, q.text, q.verb, q.medium) for q in indirect_quotes(nlp, text)]
    assert (speaker, quoted, verb, medium) in found


def test_quoted_clause_is_not_also_reported_speech(nlp: Language) -> None:
    text = '"We will not give up on the workers," Maria Lopez said.'
    assert indirect_quotes(nlp, text) == []


def test_reported_speech_needs_a_known_speaker(nlp: Language) -> None:
    assert indirect_quotes(nlp, "Officials said that the bridge would reopen in May.") == []
