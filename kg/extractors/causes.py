"""Causes and reasons: "resigned because ...", "due to ...", "citing ...", "in protest at ...",
"for personal reasons", "after an audit found ...", "resigned to run for ...".

The reason's text is kept as written (with a following "particularly ..." elaboration), with
the entities it mentions, and attached to the event whose trigger governs the marker.
"""

from __future__ import annotations

from spacy.attrs import DEP, LEMMA, LOWER
from spacy.tokens import Doc, Span, Token

from kg.extractors.scan import positions
from kg.extractors.spans import entity_at, evidence
from kg.model import Cause, Event, Fact

__all__ = ["EXTRACTOR", "find_causes"]

EXTRACTOR = "kg_causes"
_ELABORATION = {"particularly", "especially", "notably", "including", "mainly", "chiefly"}
_PROTEST_PREPS = {"at", "over", "against"}
_OVER_EVENTS = {"Resignation", "Dismissal", "Retirement", "Statement", "Withdrawal"}
_PURPOSE_EVENTS = {"Resignation", "Retirement"}
_MARKER_WORDS = frozenset({"because", "due", "owing", "protest", "over", "for", "after"})


def find_causes(doc: Doc, events: list[Event]) -> list[Fact]:
    """A Cause for each reason marker governed by an event trigger."""
    by_token = {e.evidence.start: e for e in events}
    facts: list[Fact] = []
    for i in _candidates(doc):
        found = _marker(doc[i])
        if found is None:
            continue
        marker, head, span = found
        event = _event_above(head, by_token)
        if event is None or not _marker_fits(marker, event):
            continue
        span = _with_elaboration(span, event, by_token)
        mentions = tuple(dict.fromkeys(k for t in span if (k := entity_at(t)) is not None))
        text = span.text.strip().rstrip(",.;")
        facts.append(Cause(event.key, text, marker, mentions, evidence(span, EXTRACTOR, 0.8)))
    return facts


def _candidates(doc: Doc) -> list[int]:
    """Positions of the only tokens :func:`_marker` can take: its marker words, "cite", and
    the clauses a purpose can be."""
    words = positions(doc, LOWER, _MARKER_WORDS)
    cited = positions(doc, LEMMA, ["cite"])
    clauses = positions(doc, DEP, ["advcl", "xcomp"])
    return sorted({*words, *cited, *clauses})


def _marker_fits(marker: str, event: Event) -> bool:
    """ "over ..." gives reasons to departures and the like; a purpose clause only to
    departures ("resigned to run for the Senate")."""
    if marker == "over":
        return event.type.value in _OVER_EVENTS
    return marker != "to" or event.type.value in _PURPOSE_EVENTS


def _marker(token: Token) -> tuple[str, Token, Span] | None:
    doc = token.doc
    lower = token.lower_
    if lower == "because" and token.dep_ == "mark":
        clause = token.head
        return "because", clause.head, doc[token.i + 1 : clause.right_edge.i + 1]
    if lower in ("due", "owing") and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
        return _object_of(f"{lower} to", token, doc[token.i + 1])
    if lower == "because" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "of":
        return _object_of("because of", token, doc[token.i + 1])
    if token.lemma_ == "cite" and token.dep_ in ("advcl", "xcomp", "conj"):
        return _cited(token)
    if lower == "protest" and token.head.lower_ == "in":
        prep = next((c for c in token.children if c.dep_ == "prep"), None)
        if prep is None and token.i + 1 < len(doc) and doc[token.i + 1].lower_ in _PROTEST_PREPS:
            prep = doc[token.i + 1]
        if prep is not None:
            return _object_of("in protest", token.head, prep)
    if lower == "over" and token.dep_ == "prep" and doc[token.i - 1].lower_ != "protest":
        return _object_of("over", token, token)
    return _reason_or_sequel(token)


def _reason_or_sequel(token: Token) -> tuple[str, Token, Span] | None:
    """ "for personal reasons", "after an audit found ...", "resigned to run for ..."."""
    if token.lower_ == "for" and token.dep_ == "prep" and _reasons_noun(token):
        return _object_of("for", token, token)
    if token.lower_ == "after" and token.dep_ == "mark" and _finite_with_subject(token.head):
        clause = token.head
        return "after", clause.head, token.doc[token.i + 1 : clause.right_edge.i + 1]
    return _purpose(token)


def _reasons_noun(prep: Token) -> bool:
    """ "for personal reasons", "for health reasons"."""
    return any(c.dep_ == "pobj" and c.lemma_.lower() == "reason" for c in prep.children)


def _finite_with_subject(verb: Token) -> bool:
    """ "after an audit found irregularities": a clause with its own subject and tense (not
    "after 11 years", not "after leaving")."""
    return verb.tag_ in ("VBD", "VBN", "VBZ", "VBP") and any(
        c.dep_ in ("nsubj", "nsubjpass") for c in verb.children
    )


def _purpose(token: Token) -> tuple[str, Token, Span] | None:
    """ "resigned to run for the presidency": a purpose clause of a departure."""
    if token.dep_ not in ("advcl", "xcomp") or token.tag_ != "VB":
        return None
    to = next((c for c in token.children if c.dep_ == "aux" and c.lower_ == "to"), None)
    if to is None:
        return None
    return "to", token.head, token.doc[to.i + 1 : token.right_edge.i + 1]


def _cited(token: Token) -> tuple[str, Token, Span] | None:
    """What "citing" governs: its object, or (when mis-parsed) the words after it."""
    doc = token.doc
    obj = next((c for c in token.children if c.dep_ in ("dobj", "ccomp")), None)
    if obj is not None:
        return "citing", token.head, doc[obj.left_edge.i : obj.right_edge.i + 1]
    end = token.right_edge.i + 1
    while end > token.i + 1 and doc[end - 1].is_punct:
        end -= 1
    return ("citing", token.head, doc[token.i + 1 : end]) if end > token.i + 1 else None


def _object_of(marker: str, anchor: Token, prep: Token) -> tuple[str, Token, Span] | None:
    obj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
    if obj is None:
        obj = next((c for c in prep.head.children if c.dep_ == "pobj" and c.i > prep.i), None)
    if obj is None:
        return None
    doc = anchor.doc
    return marker, anchor.head, doc[obj.left_edge.i : obj.right_edge.i + 1]


def _event_above(token: Token, by_token: dict[int, Event]) -> Event | None:
    for candidate in [token, *token.ancestors][:4]:
        event = by_token.get(candidate.idx)
        if event is not None:
            return event
    return None


def _with_elaboration(span: Span, event: Event, by_token: dict[int, Event]) -> Span:
    doc = span.doc
    end = span.end
    while end < len(doc) and doc[end].is_punct and doc[end].text == ",":
        end += 1
    if end < len(doc) and doc[end].lower_ in _ELABORATION:
        sentence_end = doc[end].sent.end
        while sentence_end > end and (
            doc[sentence_end - 1].is_punct or doc[sentence_end - 1].is_space
        ):
            sentence_end -= 1
        return doc[span.start : sentence_end]
    return span
