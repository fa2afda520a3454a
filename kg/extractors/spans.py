"""Doc extensions shared by kg's components, and helpers to turn tokens into Evidence."""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from spacy.tokens import Doc, Span, Token

from kg.model import Article, Evidence

__all__ = [
    "actor_at",
    "apposed_person",
    "entity_at",
    "evidence",
    "register_extensions",
    "sentence_at",
    "sentence_index",
    "sentence_starts",
]

_DOC_EXTENSIONS: dict[str, Any] = {
    "kg_article": None,
    "kg_titles": None,
    "kg_entities": None,
    "kg_token_entity": None,
    "kg_holders": None,
    "kg_quotations": None,
    "kg_sentence_starts": None,
    "kg_sentence_texts": None,
    "kg_facts": None,
}


def register_extensions() -> None:
    """Declare kg's Doc attributes (idempotent)."""
    for name, default in _DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


_ANONYMOUS = Article(id="doc", text="")


def article_of(doc: Doc) -> Article:
    """The Article a Doc was made from (a bare Doc gets an anonymous one)."""
    article = doc._.kg_article
    return article if article is not None else _ANONYMOUS


def sentence_index(doc: Doc, token: Token) -> int:
    """Index of the sentence holding token (sentence starts are computed once per Doc)."""
    return sentence_at(sentence_starts(doc), token.i)


def sentence_starts(doc: Doc) -> list[int]:
    """Index of the first token of each sentence of doc (computed once per Doc)."""
    starts: list[int] | None = doc._.kg_sentence_starts
    if starts is None:
        starts = doc._.kg_sentence_starts = [sent.start for sent in doc.sents]
    return starts


def sentence_at(starts: list[int], i: int) -> int:
    """Index of the sentence holding token i, given the sentence starts of its Doc."""
    return max(bisect_right(starts, i) - 1, 0)


def evidence(span: Span, extractor: str, confidence: float) -> Evidence:
    """Evidence for a fact found in span: its sentence, offsets and extractor."""
    doc = span.doc
    index = sentence_index(doc, span[0])
    return Evidence(
        article_id=article_of(doc).id,
        sentence=index,
        sentence_text=_sentence_text(doc, index, span[0]),
        start=span.start_char,
        end=span.end_char,
        extractor=extractor,
        confidence=round(confidence, 3),
    )


def _sentence_text(doc: Doc, index: int, token: Token) -> str:
    """The stripped text of sentence ``index`` (the one holding ``token``), made once per Doc."""
    texts = doc._.kg_sentence_texts
    if texts is None:
        texts = doc._.kg_sentence_texts = {}
    text = texts.get(index)
    if text is None:
        text = texts[index] = token.sent.text.strip()
    return str(text)


def entity_at(token: Token) -> str | None:
    """Key of the entity token belongs to (a name, or a resolved pronoun or description)."""
    table = token.doc._.kg_token_entity
    return None if table is None else table.get(token.i)


def actor_at(token: Token) -> str | None:
    """Who a subject names: its entity, but for a title ("Acme's chairman, X, said") the
    person in apposition with it, or no one: a post does not speak or act."""
    key = entity_at(token)
    if key is None or not key.startswith("Post:"):
        return key
    return apposed_person(token)


def apposed_person(token: Token) -> str | None:
    """The person named in apposition with token ("its finance chief, X"), if any."""
    for child in token.children:
        if child.dep_ == "appos" and (entity_at(child) or "").startswith("Person:"):
            return entity_at(child)
    return None
