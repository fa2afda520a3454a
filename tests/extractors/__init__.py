"""Extractor tests: the real pipeline (the session `nlp` fixture) on sentences written for them."""

from __future__ import annotations

from datetime import date

from spacy.language import Language

from kg.model import Article, Fact
from kg.nlp import extract


def facts_of(nlp: Language, text: str, published: date | None = None) -> list[Fact]:
    """The facts kg extracts from text, as one article."""
    return next(extract(nlp, [Article(id="t", text=text, published=published)]))[2]
