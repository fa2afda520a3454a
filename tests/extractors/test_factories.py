"""The registered kg_* factories and the pipeline's components, in order."""

from __future__ import annotations

from spacy.language import Language

from kg.extractors import FACTORIES, PIPELINE, register
from kg.rule_components import STAND_INS

EXPECTED = [
    "kg_causes",
    "kg_entities",
    "kg_events",
    "kg_paragraphs",
    "kg_posts",
    "kg_quantities",
    "kg_quotes",
    "kg_relations",
]


def _kg_factories() -> list[str]:
    """kg's extractor factories registered with spaCy (not the stand-ins for the model's rule
    components, registered when a pipeline first uses them)."""
    return sorted(n for n in Language.factories if n.startswith("kg_") and n not in STAND_INS)


def test_factories_registered_match_expected_list() -> None:
    register()
    registered = _kg_factories()
    assert registered == EXPECTED
    assert sorted(FACTORIES) == EXPECTED


def test_factories_register_is_idempotent() -> None:
    register()
    register()
    assert _kg_factories() == EXPECTED


def test_factories_pipeline_order(nlp: Language) -> None:
    names = nlp.pipe_names
    kg = [n for n in names if n.startswith("kg_")]
    assert kg == ["kg_paragraphs", *PIPELINE]
    assert list(PIPELINE) == [
        "kg_entities",
        "kg_posts",
        "kg_quotes",
        "kg_events",
        "kg_relations",
        "kg_quantities",
        "kg_causes",
    ]
    assert names.index("kg_paragraphs") < names.index("parser")
    assert names.index("ner") < names.index("kg_entities")
