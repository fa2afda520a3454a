"""kg's extractors as spaCy components, all registered here, idempotently.

``register()`` declares the Doc extensions and the factories ``kg_paragraphs``,
``kg_entities``, ``kg_posts``, ``kg_quotes``, ``kg_events``, ``kg_relations`` (the CoNLL04
relation model; config ``mode``: on, off or ensemble), ``kg_quantities`` and ``kg_causes``.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language

from kg.extractors.components import (
    CauseFinder,
    EntityFinder,
    EventFinder,
    ParagraphSplitter,
    PostFinder,
    QuantityFinder,
    QuoteFinder,
    RelationFinder,
)
from kg.extractors.spans import register_extensions

__all__ = ["CONFIGS", "FACTORIES", "PIPELINE", "register"]

FACTORIES: dict[str, tuple[type, list[str], list[str]]] = {
    "kg_paragraphs": (ParagraphSplitter, [], ["token.is_sent_start"]),
    "kg_entities": (
        EntityFinder,
        ["doc.ents", "token.dep", "token.pos"],
        ["doc._.kg_entities", "doc._.kg_titles", "doc._.kg_token_entity"],
    ),
    "kg_posts": (PostFinder, ["doc._.kg_entities"], ["doc._.kg_facts", "doc._.kg_holders"]),
    "kg_quotes": (QuoteFinder, ["doc._.kg_entities"], ["doc._.kg_facts", "doc._.kg_quotations"]),
    "kg_events": (EventFinder, ["doc._.kg_entities"], ["doc._.kg_facts"]),
    "kg_relations": (
        RelationFinder,
        ["doc._.kg_entities", "doc._.kg_facts"],
        ["doc._.kg_facts", "doc._.kg_entities"],
    ),
    "kg_quantities": (QuantityFinder, ["doc._.kg_facts"], ["doc._.kg_facts"]),
    "kg_causes": (CauseFinder, ["doc._.kg_facts"], ["doc._.kg_facts"]),
}

# Components after ``ner``, in order; ``kg_paragraphs`` goes before the parser.
PIPELINE = (
    "kg_entities",
    "kg_posts",
    "kg_quotes",
    "kg_events",
    "kg_relations",
    "kg_quantities",
    "kg_causes",
)

# Factories that take a config: their defaults (the component is built with ``nlp.vocab`` too).
CONFIGS: dict[str, dict[str, Any]] = {"kg_relations": {"mode": "on"}}


def _factory(cls: type) -> Any:
    def make(nlp: Language, name: str) -> Any:
        return cls()

    return make


def _configured_factory(cls: type) -> Any:
    def make(nlp: Language, name: str, mode: str) -> Any:
        return cls(nlp.vocab, mode)

    return make


def register() -> None:
    """Register the Doc extensions and every kg factory with spaCy (idempotent)."""
    register_extensions()
    for name, (cls, requires, assigns) in FACTORIES.items():
        if Language.has_factory(name):
            continue
        if name in CONFIGS:
            func = _configured_factory(cls)
            Language.factory(
                name, default_config=CONFIGS[name], requires=requires, assigns=assigns, func=func
            )
        else:
            Language.factory(name, requires=requires, assigns=assigns, func=_factory(cls))
