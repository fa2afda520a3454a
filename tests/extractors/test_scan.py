"""kg.extractors.scan: the positions read off Doc arrays are those a scan of every token finds."""

from __future__ import annotations

import pytest
from spacy.attrs import DEP, IS_ALPHA, LEMMA, LIKE_NUM, LOWER, ORTH, POS
from spacy.language import Language

from kg.extractors.scan import flagged, positions

TEXT = (
    "Because of the cuts, 2,000 workers and twelve managers left Acme on Friday, "
    '"citing the pay," she said; the mayor resigned over it, and “Nobody saw it coming.”'
)
CASES = [
    (LOWER, "lower_", {"because", "over", "for", "the", "twelve"}),
    (ORTH, "text", {'"', "“", "”", "Acme"}),
    (LEMMA, "lemma_", {"cite", "resign", "say"}),
    (DEP, "dep_", {"advcl", "nsubj", "prep"}),
    (POS, "pos_", {"VERB", "NUM"}),
]


@pytest.mark.slow
@pytest.mark.parametrize(("attr", "name", "values"), CASES)
def test_positions_are_those_every_token_scan_finds(
    nlp: Language, attr: int, name: str, values: set[str]
) -> None:
    doc = nlp(TEXT)
    expected = [t.i for t in doc if getattr(t, name) in values]
    assert expected, "the text must hold some of the values"
    assert positions(doc, attr, values) == expected
    assert positions(doc, attr, {"no-such-word"}) == []


@pytest.mark.slow
def test_positions_where_and_flags(nlp: Language) -> None:
    doc = nlp(TEXT)
    alpha = positions(doc, LOWER, {"the", ",", "twelve"}, where=(IS_ALPHA, 1))
    assert alpha == [t.i for t in doc if t.lower_ in {"the", "twelve"}]
    assert flagged(doc, LIKE_NUM) == [t.i for t in doc if t.like_num]
    assert [doc[i].text for i in flagged(doc, LIKE_NUM)] == ["2,000", "twelve"]


def test_positions_of_an_empty_doc(nlp: Language) -> None:
    doc = nlp.make_doc("")
    assert positions(doc, LOWER, {"the"}) == []
    assert flagged(doc, LIKE_NUM) == []
