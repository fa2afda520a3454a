"""kg's stand-ins for spaCy's attribute ruler and rule lemmatizer give spaCy's annotations.

The model's own components are the reference: the same texts go through the stock model and
through one whose rule components :func:`kg.rule_components.speed_up` replaced, and every
token's tag, POS, morphology, lemma, dependency and head must be equal. Rules that the
model's ruler does not have (negative indices, multi-token patterns, later rules overriding
earlier ones) are checked on a blank pipeline against spaCy's ``AttributeRuler``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from kg.config import Settings
from kg.rule_components import AttributeTable, CachedLemmatizer, speed_up

ROOT = Path(__file__).resolve().parents[1]
ATTRS = [TAG, POS, MORPH, LEMMA, DEP, HEAD]

# Text that exercises the model's rarer rules: contractions and their regular expressions
# (n't, nothin', y'), "gets"/"got", whitespace tokens, "that"/"if" as subordinators, negation.
EDGE_TEXTS = [
    "",
    " ",
    "\n\n",
    "  Two  spaces \t and a tab.\n\n\nThree newlines.",
    "Y' know, he gets what he got, don't he? Nothin' doin', ain't it so.",
    "If that is so, whether or not he'd come, it's not because he wasn't asked.",
    "I'd've gone, but 'twas late; y'all had n't left 'til noon.",
    "UPPER CASE HEADLINE: MINISTER QUITS OVER ROW",
]


@pytest.fixture(scope="module")
def pipelines() -> tuple[Language, Language]:
    """The stock model, and the same model with its rule components replaced."""
    name = Settings().spacy_model
    stock, faster = spacy.load(name), spacy.load(name)
    assert speed_up(faster) == ["attribute_ruler", "lemmatizer"]
    return stock, faster


def _texts() -> list[str]:
    texts = [(ROOT / "data" / "mattis-resignation.txt").read_text(encoding="utf-8")]
    for line in (ROOT / "eval" / "news-dev" / "articles.jsonl").read_text("utf-8").splitlines():
        texts.append(json.loads(line)["text"])
    for path in sorted((ROOT / "tests" / "data" / "articles").rglob("*")):
        if path.suffix in {".txt", ".html"}:
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return texts + EDGE_TEXTS


def _annotations(docs: Iterable[Doc]) -> list[tuple[object, ...]]:
    return [
        (d.to_array(ATTRS).tolist(), [t.lemma_ for t in d], [str(t.morph) for t in d]) for d in docs
    ]


def test_the_model_gives_the_same_annotations_with_the_stand_ins(
    pipelines: tuple[Language, Language],
) -> None:
    stock, faster = pipelines
    texts = _texts()
    assert len(texts) > 20
    expected = _annotations(stock.pipe(texts, batch_size=8))
    assert _annotations(faster.pipe(texts, batch_size=8)) == expected
    # Twice over: the lemma cache, now full, gives what the first pass computed.
    assert _annotations(faster.pipe(texts, batch_size=8)) == expected


def test_speed_up_keeps_the_pipeline_in_order(pipelines: tuple[Language, Language]) -> None:
    stock, faster = pipelines
    assert faster.component_names == stock.component_names
    assert faster.disabled == stock.disabled
    assert isinstance(faster.get_pipe("attribute_ruler"), AttributeTable)
    assert isinstance(faster.get_pipe("lemmatizer"), CachedLemmatizer)


def test_kg_pipeline_uses_the_stand_ins(nlp: Language) -> None:
    assert isinstance(nlp.get_pipe("attribute_ruler"), AttributeTable)
    assert isinstance(nlp.get_pipe("lemmatizer"), CachedLemmatizer)


def _blank_docs(nlp: Language) -> list[Doc]:
    words = ["The", "old", "man", "the", "boats", ".", "\n", "He", "got", "n't", "far", "."]
    tags = ["DT", "JJ", "NN", "DT", "NNS", ".", "_SP", "PRP", "VBD", "RB", "RB", "."]
    deps = ["det", "nsubj", "ROOT", "det", "dobj", "punct", "dep", "nsubj", "ROOT", "neg"]
    deps += ["advmod", "punct"]
    heads = [1, 2, 2, 4, 2, 2, 5, 8, 8, 8, 8, 8]
    doc = Doc(nlp.vocab, words=words, tags=tags, deps=deps, heads=heads)
    short = Doc(nlp.vocab, words=["man"], tags=["NN"], deps=["ROOT"], heads=[0])
    return [doc, short, Doc(nlp.vocab, words=[])]


RULES = [
    {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
    {"patterns": [[{"TAG": {"IN": ["NNS", "NN"]}}]], "attrs": {"LEMMA": "thing"}},
    # A later rule overrides an earlier one on the same token and attribute.
    {"patterns": [[{"LOWER": "man"}]], "attrs": {"POS": "VERB", "TAG": "VBP"}},
    # Multi-token patterns, with positive and negative indices.
    {"patterns": [[{"LOWER": "the"}, {"TAG": "JJ"}]], "attrs": {"POS": "NOUN"}, "index": 1},
    {"patterns": [[{"TAG": "DT"}, {"LOWER": "boats"}]], "attrs": {"LEMMA": "boat"}, "index": -1},
    {"patterns": [[{"LOWER": {"REGEX": "^n'?t$"}}]], "attrs": {"LEMMA": "not", "POS": "PART"}},
    {"patterns": [[{"TAG": {"NOT_IN": ["DT", "NN", "."]}, "DEP": "nsubj"}]], "attrs": {"POS": "X"}},
    {"patterns": [[{"IS_SPACE": True}]], "attrs": {"TAG": "_SP", "POS": "SPACE", "MORPH": "_"}},
    {"patterns": [[{"IS_SPACE": True, "DEP": "dep"}]], "attrs": {"DEP": "dep_space"}},
    {"patterns": [[{"LOWER": "got"}], [{"LOWER": "get"}]], "attrs": {"LEMMA": "get"}},
]


def test_compiled_rules_act_as_spacys_attribute_ruler() -> None:
    nlp = spacy.blank("en")
    ruler = AttributeRuler(nlp.vocab)
    ruler.add_patterns(RULES)
    table = AttributeTable.compile(ruler)
    assert table is not None
    for doc in _blank_docs(nlp):
        expected, got = ruler(doc.copy()), table(doc.copy())
        assert got.to_array(ATTRS).tolist() == expected.to_array(ATTRS).tolist()
        assert [str(t.morph) for t in got] == [str(t.morph) for t in expected]
    # The rules did something: the check above is not comparing untouched docs.
    changed = table(_blank_docs(nlp)[0])
    assert [t.pos_ for t in changed][:3] == ["", "X", "VERB"]
    assert changed[6].dep_ == "dep_space" and changed[9].lemma_ == "not"


@pytest.mark.parametrize(
    "pattern",
    [
        [{"LOWER": "a", "OP": "+"}],
        [{"LOWER": {"FUZZY": "man"}}],
        [{"_": {"flag": True}}],
        [{"LENGTH": {">=": 3}}],
    ],
)
def test_a_ruler_with_rules_kg_cannot_compile_is_left_alone(pattern: list[dict]) -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add(patterns=[pattern], attrs={"POS": "NOUN"})
    assert AttributeTable.compile(ruler) is None
    assert speed_up(nlp) == []
    assert nlp.get_pipe("attribute_ruler") is ruler


def test_a_lemmatizer_not_in_rule_mode_is_left_alone() -> None:
    nlp = spacy.blank("en")
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    assert not CachedLemmatizer.applies_to(lemmatizer)
    assert speed_up(nlp) == []
    assert nlp.get_pipe("lemmatizer") is lemmatizer


def test_an_empty_doc_passes_through(pipelines: tuple[Language, Language]) -> None:
    _, faster = pipelines
    doc = faster("")
    assert len(doc) == 0
    assert np.asarray(doc.to_array(ATTRS)).size == 0
