"""Quotations and who said them: “...,” the president tweeted; Mattis said: "...".

A quotation is a span between paired quotation marks of at least four words. Its speaker is
the subject of a verb of saying in the same sentence, outside the quotation; a quotation in
the paragraph right after an attributed one, with no attribution of its own, keeps that speaker.
Unattributed quotations are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.attrs import ORTH, POS
from spacy.tokens import Doc, Span, Token

from kg.extractors.lexicon import Lexicon
from kg.extractors.scan import positions
from kg.extractors.spans import actor_at, evidence
from kg.model import Fact, Quote

__all__ = [
    "EXTRACTOR",
    "Quotation",
    "find_quotations",
    "indirect_quote_facts",
    "medium_of",
    "quote_facts",
]

EXTRACTOR = "kg_quotes"
_OPEN = {"\u201c": "\u201d", '"': '"', "\u2018\u2018": "\u2019\u2019", "``": "''"}
_MARKS = frozenset({*_OPEN, *_OPEN.values()})
_MIN_WORDS = 4


@dataclass(frozen=True, slots=True)
class Quotation:
    """Quoted tokens (start, end exclusive, marks excluded) and their attribution."""

    start: int
    end: int
    verb: Token | None
    speaker: str | None


def _spans(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) of the tokens between each pair of quotation marks."""
    at = positions(doc, ORTH, _MARKS)
    marks = [(i, doc[i].text) for i in at]  # only quotation marks can open or close a quote
    spans, k = [], 0
    while k < len(marks):
        i, text = marks[k]
        close = _OPEN.get(text)
        if close is None:
            k += 1
            continue
        k += 1
        while k < len(marks) and marks[k][1] != close and not (close == "”" and marks[k][1] == "“"):
            k += 1
        if k < len(marks):
            spans.append((i + 1, marks[k][0]))
        k += 1
    return spans


def _speech_verb(doc: Doc, start: int, end: int, lexicon: Lexicon) -> Token | None:
    """A verb of saying with a subject, in the sentences the quote touches, outside it."""
    first, last = doc[start].sent, doc[end - 1].sent
    outside = [t for t in doc[first.start : last.end] if not start - 1 <= t.i <= end]
    for token in sorted(outside, key=lambda t: abs(t.i - end)):
        if (
            token.lemma_.lower() in lexicon.speech_verbs
            and token.pos_ in ("VERB", "AUX")
            and any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)
        ):
            return token
    return None


def _speaker(verb: Token) -> str | None:
    subject = next(c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass"))
    return actor_at(subject)


def find_quotations(doc: Doc, lexicon: Lexicon) -> list[Quotation]:
    """Every quotation of at least four words, attributed where the text says who spoke."""
    found: list[Quotation] = []
    for start, end in _spans(doc):
        if sum(1 for t in doc[start:end] if t.is_alpha) < _MIN_WORDS:
            continue
        verb = _speech_verb(doc, start, end, lexicon)
        speaker = _speaker(verb) if verb is not None else None
        if verb is None and found and _continues(doc, found[-1], start):
            verb, speaker = found[-1].verb, found[-1].speaker
        found.append(Quotation(start, end, verb, speaker))
    return found


def _continues(doc: Doc, previous: Quotation, start: int) -> bool:
    """The quote follows an attributed one in the same paragraph."""
    between = doc[previous.end : start].text
    return previous.speaker is not None and "\n\n" not in between


def medium_of(verb: Token, lexicon: Lexicon) -> str | None:
    """The medium a verb of saying names ("tweeted") or its phrases mention ("in a letter")."""
    media = lexicon.verb_media.get(verb.lemma_.lower())
    if media is not None and verb.lemma_.lower() != "write":
        return media
    for token in verb.subtree:
        if token.dep_ not in ("pobj", "dobj"):
            continue
        for word in (token.lemma_.lower(), token.lower_):
            if word in lexicon.noun_media:
                return lexicon.noun_media[word]
    return None


def quote_facts(doc: Doc, quotations: list[Quotation], lexicon: Lexicon) -> list[Fact]:
    """A Quote fact for each attributed quotation."""
    facts: list[Fact] = []
    for quote in quotations:
        if quote.speaker is None or quote.verb is None:
            continue
        span: Span = doc[quote.start : quote.end]
        text = span.text.strip().rstrip(",").strip()
        proof = evidence(span, EXTRACTOR, 0.9 if quote.verb.sent == span[0].sent else 0.75)
        facts.append(
            Quote(
                quote.speaker, text, quote.verb.text, proof, medium=medium_of(quote.verb, lexicon)
            )
        )
    return facts


def indirect_quote_facts(doc: Doc, quotations: list[Quotation], lexicon: Lexicon) -> list[Fact]:
    """Reported speech: a verb of saying whose subject is an entity and whose clausal
    complement lies outside any quotation marks ("the minister said that talks had failed")."""
    quoted = {i for q in quotations for i in range(q.start - 1, q.end + 1)}
    facts: list[Fact] = []
    for verb in (doc[i] for i in positions(doc, POS, ["VERB"])):
        if verb.lemma_.lower() not in lexicon.speech_verbs:
            continue
        clause = _reported_clause(verb, lexicon)
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        speaker = actor_at(subject) if subject is not None else None
        if clause is None or speaker is None or clause.i in quoted:
            continue
        start = clause.left_edge.i
        if doc[start].dep_ == "mark":
            start += 1
        span = doc[start : clause.right_edge.i + 1]
        if sum(1 for t in span if t.is_alpha) < _MIN_WORDS:
            continue
        proof = evidence(span, EXTRACTOR, 0.7)
        medium = medium_of(verb, lexicon)
        facts.append(Quote(speaker, span.text, verb.text, proof, medium=medium, direct=False))
    return facts


def _reported_clause(verb: Token, lexicon: Lexicon) -> Token | None:
    """The verb's complement clause; also "wrote in a letter that ...", which the parser often
    hangs on the medium noun as a relative clause introduced by the marker "that"."""
    clause = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    if clause is not None:
        return clause
    for noun in (t for t in verb.subtree if t.dep_ == "pobj" and t.head.head.i == verb.i):
        if noun.lemma_.lower() not in lexicon.noun_media:
            continue
        for relcl in (c for c in noun.children if c.dep_ == "relcl"):
            if any(c.dep_ == "mark" and c.lower_ == "that" for c in relcl.children):
                return relcl
    return None
