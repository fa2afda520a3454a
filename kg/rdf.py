"""Facts to RDF, in one place: an article's entities and facts become the triples of its graph.

Every extracted statement is asserted directly (``:mattis kg:holdsPost :secdef``) and also
described by a provenance node (a ``kg:Fact``, an ``rdf:Statement`` with PROV-O links) that
gives its article, sentence, character offsets, extractor and confidence. Reification nodes
are plain RDF 1.1, so rdflib and Oxigraph store, serialise and parse them alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from kg import iri
from kg.model import (
    Article,
    Cause,
    Characterization,
    Entity,
    Event,
    Evidence,
    Fact,
    HoldsPost,
    LocatedIn,
    MemberOf,
    PostIn,
    Quote,
)
from kg.vocab import KG, SCHEMA

__all__ = ["Triple", "article_triples", "nquads"]

Triple = tuple[URIRef, URIRef, Node]

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


@dataclass(slots=True)
class _Context:
    base: str
    article: Article
    article_iri: URIRef
    entities: dict[str, URIRef]
    events: dict[str, URIRef] = field(default_factory=dict)


def article_triples(
    base: str, article: Article, entities: list[Entity], facts: list[Fact], content_hash: str
) -> list[Triple]:
    """All triples of an article's named graph, without duplicates, in a stable order."""
    ctx = _Context(
        base=base,
        article=article,
        article_iri=URIRef(iri.article_iri(base, article.id)),
        entities={e.key: URIRef(iri.entity_iri(base, e.type.value, e.label)) for e in entities},
    )
    ctx.events = {
        f.key: URIRef(iri.event_iri(base, article.id, f.type.value, f.key))
        for f in facts
        if isinstance(f, Event)
    }
    triples: dict[Triple, None] = {}
    for triple in _article(ctx, content_hash):
        triples[triple] = None
    for entity in entities:
        triples.update(dict.fromkeys(_entity(ctx, entity)))
    for fact in facts:
        triples.update(dict.fromkeys(_fact(ctx, fact)))
    return list(triples)


def _article(ctx: _Context, content_hash: str) -> Iterator[Triple]:
    a, article = ctx.article_iri, ctx.article
    yield a, RDF.type, KG.Article
    yield a, SCHEMA.identifier, Literal(article.id)
    yield a, KG.contentHash, Literal(content_hash)
    if article.url:
        yield a, SCHEMA.url, URIRef(article.url)
    if article.published:
        yield a, SCHEMA.datePublished, Literal(article.published.isoformat(), datatype=XSD.date)
    if article.title:
        yield a, SCHEMA.headline, Literal(article.title)
    if article.source:
        yield a, SCHEMA.publisher, Literal(article.source)


def _entity(ctx: _Context, entity: Entity) -> Iterator[Triple]:
    e = ctx.entities[entity.key]
    yield e, RDF.type, KG[entity.type.value]
    yield e, RDFS.label, Literal(entity.label)
    for alt in entity.alt_labels:
        yield e, SKOS.altLabel, Literal(alt)
    yield e, KG.mentionedIn, ctx.article_iri


def _stated(ctx: _Context, s: URIRef, p: URIRef, o: Node, proof: Evidence) -> Iterator[Triple]:
    """The triple itself and its provenance node."""
    yield s, p, o
    f = URIRef(
        iri.fact_iri(ctx.base, ctx.article.id, s, p, o.n3(), str(proof.start), str(proof.end))
    )
    extractor = URIRef(iri.extractor_iri(ctx.base, proof.extractor))
    yield f, RDF.type, KG.Fact
    yield f, RDF.subject, s
    yield f, RDF.predicate, p
    yield f, RDF.object, o
    yield f, PROV.wasDerivedFrom, ctx.article_iri
    yield f, KG.sentence, Literal(proof.sentence_text)
    yield f, KG.sentenceIndex, Literal(proof.sentence)
    yield f, KG.startOffset, Literal(proof.start)
    yield f, KG.endOffset, Literal(proof.end)
    yield f, KG.confidence, Literal(float(proof.confidence), datatype=XSD.double)
    yield f, KG.extractedBy, extractor
    yield extractor, RDF.type, KG.Extractor
    yield extractor, RDFS.label, Literal(proof.extractor)


def _fact(ctx: _Context, fact: Fact) -> Iterator[Triple]:
    ent = ctx.entities
    match fact:
        case HoldsPost(person=s, post=o) if s in ent and o in ent:
            yield from _stated(ctx, ent[s], KG.holdsPost, ent[o], fact.evidence)
        case PostIn(post=s, organization=o) if s in ent and o in ent:
            yield from _stated(ctx, ent[s], KG.postIn, ent[o], fact.evidence)
        case MemberOf(person=s, organization=o) if s in ent and o in ent:
            yield from _stated(ctx, ent[s], KG.memberOf, ent[o], fact.evidence)
        case LocatedIn(subject=s, place=o) if s in ent and o in ent:
            yield from _stated(ctx, ent[s], KG.locatedIn, ent[o], fact.evidence)
        case Event():
            yield from _event(ctx, fact)
        case Characterization():
            yield from _characterization(ctx, fact)
        case Cause():
            yield from _cause(ctx, fact)
        case Quote():
            yield from _quote(ctx, fact)
        case _:
            return


def _event(ctx: _Context, event: Event) -> Iterator[Triple]:
    ev, proof, ent = ctx.events[event.key], event.evidence, ctx.entities
    yield ev, RDF.type, KG.Event
    yield from _stated(ctx, ev, RDF.type, KG[event.type.value], proof)
    yield ev, KG.trigger, Literal(event.trigger)
    yield ev, KG.modality, KG[event.modality.value]
    roles = [
        (KG.agent, event.agent),
        (KG.announcedBy, event.announcer),
        (KG.locatedIn, event.place),
    ]
    roles += [(KG.affects, key) for key in event.affected]
    for predicate, key in roles:
        if key is not None and key in ent:
            yield from _stated(ctx, ev, predicate, ent[key], proof)
    if event.affected_text and not event.affected:
        yield from _stated(ctx, ev, KG.affectedText, Literal(event.affected_text), proof)
    if event.medium:
        yield from _stated(ctx, ev, KG.medium, Literal(event.medium), proof)
    if event.time is not None:
        yield from _stated(ctx, ev, KG.dateText, Literal(event.time.text), proof)
        if event.time.value:
            date = Literal(event.time.value, datatype=XSD.date)
            yield from _stated(ctx, ev, KG.date, date, proof)


def _characterization(ctx: _Context, view: Characterization) -> Iterator[Triple]:
    if view.event not in ctx.events or view.speaker not in ctx.entities:
        return
    key = f"view|{view.event}|{view.speaker}|{view.as_type.value}"
    s = URIRef(iri.event_iri(ctx.base, ctx.article.id, "Statement", key))
    yield s, RDF.type, KG.Event
    yield s, RDF.type, KG.Statement
    yield s, KG.about, ctx.events[view.event]
    yield from _stated(ctx, s, KG.agent, ctx.entities[view.speaker], view.evidence)
    yield from _stated(ctx, s, KG.describedAs, KG[view.as_type.value], view.evidence)


def _cause(ctx: _Context, cause: Cause) -> Iterator[Triple]:
    if cause.event not in ctx.events:
        return
    r = URIRef(iri.reason_iri(ctx.base, ctx.article.id, cause.event, cause.text))
    yield r, RDF.type, KG.Reason
    yield r, KG.reasonText, Literal(cause.text)
    yield r, KG.causeMarker, Literal(cause.marker)
    for key in cause.mentions:
        if key in ctx.entities:
            yield r, KG.mentions, ctx.entities[key]
    yield from _stated(ctx, ctx.events[cause.event], KG.hasCause, r, cause.evidence)


def _quote(ctx: _Context, quote: Quote) -> Iterator[Triple]:
    if quote.speaker not in ctx.entities:
        return
    q = URIRef(iri.quote_iri(ctx.base, ctx.article.id, quote.evidence.start))
    yield q, RDF.type, KG.Quote
    yield q, KG.quotedText, Literal(quote.text)
    yield q, KG.verb, Literal(quote.verb)
    yield q, KG.directQuote, Literal(quote.direct)
    if quote.medium:
        yield q, KG.medium, Literal(quote.medium)
    yield from _stated(ctx, q, KG.speaker, ctx.entities[quote.speaker], quote.evidence)


def nquads(triples: list[Triple], graph: str | None = None) -> str:
    """Triples as N-Quads lines in graph (N-Triples without a graph); also valid SPARQL data."""
    end = f" <{graph}> .\n" if graph else " .\n"
    return "".join(f"{_term(s)} {_term(p)} {_term(o)}{end}" for s, p, o in triples)


def _term(term: Node) -> str:
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{text}^^<{term.datatype}>"
        return text
    return f"<{term}>"
