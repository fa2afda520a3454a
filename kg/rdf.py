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
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from kg import iri
from kg.model import (
    Article,
    BasedIn,
    Cause,
    Characterization,
    ContainedIn,
    Entity,
    Event,
    EventType,
    Evidence,
    Fact,
    HoldsPost,
    Link,
    LinkRelation,
    LivesIn,
    LocatedIn,
    MemberOf,
    Modality,
    PostIn,
    Quantity,
    Quote,
)
from kg.vocab import KG, SCHEMA

__all__ = ["LINK_PREDICATES", "Triple", "article_triples", "link_triples", "nquads"]

Triple = tuple[URIRef, URIRef, Node]

LINK_PREDICATES: dict[LinkRelation, URIRef] = {
    LinkRelation.SAME_AS: OWL.sameAs,
    LinkRelation.EXACT_MATCH: SKOS.exactMatch,
    LinkRelation.CLOSE_MATCH: SKOS.closeMatch,
}

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


@dataclass(slots=True)
class _Context:
    base: str
    article: Article
    article_iri: URIRef
    entities: dict[str, URIRef]
    identities: dict[str, str]
    events: dict[str, URIRef] = field(default_factory=dict)
    proofs: dict[Evidence, list[tuple[URIRef, Node]]] = field(default_factory=dict)
    """Evidence -> the predicates and objects of its provenance nodes, built once per article."""
    extractors: set[str] = field(default_factory=set)
    """Extractors whose type and label the graph already states."""


def article_triples(
    base: str, article: Article, entities: list[Entity], facts: list[Fact], content_hash: str
) -> list[Triple]:
    """All triples of an article's named graph, without duplicates, in a stable order."""
    iris, identities = _identified(base, entities, facts)
    ctx = _Context(
        base=base,
        article=article,
        article_iri=URIRef(iri.article_iri(base, article.id)),
        entities=iris,
        identities=identities,
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


def _post_organisations(entities: list[Entity], facts: list[Fact]) -> dict[str, Entity]:
    """Post key -> the one organisation or country the article places it in ("chief
    executive" of A is not that of B); posts placed in none or several are left out."""
    by_key = {e.key: e for e in entities}
    orgs: dict[str, set[str]] = {}
    for fact in facts:
        if isinstance(fact, PostIn) and fact.organization in by_key and fact.post in by_key:
            orgs.setdefault(fact.post, set()).add(fact.organization)
    return {post: by_key[min(keys)] for post, keys in orgs.items() if len(keys) == 1}


def _identified(
    base: str, entities: list[Entity], facts: list[Fact]
) -> tuple[dict[str, URIRef], dict[str, str]]:
    """Each entity's IRI and identity key across articles."""
    iris = {e.key: URIRef(iri.entity_iri(base, e.type.value, e.label)) for e in entities}
    keys = {e.key: iri.identity_key(e.type.value, e.label) for e in entities}
    by_key = {e.key: e for e in entities}
    for post, org in _post_organisations(entities, facts).items():
        label, org_type = by_key[post].label, org.type.value
        iris[post] = URIRef(iri.post_iri(base, label, org_type, org.label))
        keys[post] = iri.post_identity_key(label, org_type, org.label)
    return iris, keys


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
    yield e, KG.identityKey, Literal(ctx.identities[entity.key])


def _stated(ctx: _Context, s: URIRef, p: URIRef, o: Node, proof: Evidence) -> Iterator[Triple]:
    """The triple itself and its provenance node."""
    yield s, p, o
    f = URIRef(
        iri.fact_iri(ctx.base, ctx.article.id, s, p, o.n3(), str(proof.start), str(proof.end))
    )
    yield f, RDF.type, KG.Fact
    yield f, RDF.subject, s
    yield f, RDF.predicate, p
    yield f, RDF.object, o
    provenance = ctx.proofs.get(proof)
    if provenance is None:  # the same evidence backs several statements: its terms are built once
        provenance = ctx.proofs[proof] = _provenance(ctx, proof)
    for predicate, value in provenance:
        yield f, predicate, value
    if proof.extractor not in ctx.extractors:
        ctx.extractors.add(proof.extractor)
        extractor = URIRef(iri.extractor_iri(ctx.base, proof.extractor))
        yield extractor, RDF.type, KG.Extractor
        yield extractor, RDFS.label, Literal(proof.extractor)


def _provenance(ctx: _Context, proof: Evidence) -> list[tuple[URIRef, Node]]:
    """The predicates and objects of a provenance node."""
    extractor = URIRef(iri.extractor_iri(ctx.base, proof.extractor))
    return [
        (PROV.wasDerivedFrom, ctx.article_iri),
        (KG.sentence, Literal(proof.sentence_text)),
        (KG.sentenceIndex, Literal(proof.sentence)),
        (KG.startOffset, Literal(proof.start)),
        (KG.endOffset, Literal(proof.end)),
        (KG.confidence, Literal(float(proof.confidence), datatype=XSD.double)),
        (KG.extractedBy, extractor),
    ]


_LINKS: dict[type, tuple[URIRef, str, str]] = {
    HoldsPost: (KG.holdsPost, "person", "post"),
    PostIn: (KG.postIn, "post", "organization"),
    MemberOf: (KG.memberOf, "person", "organization"),
    LocatedIn: (KG.locatedIn, "subject", "place"),
    LivesIn: (KG.livesIn, "person", "place"),
    BasedIn: (KG.basedIn, "organization", "place"),
    ContainedIn: (KG.containedIn, "place", "container"),
}


def _link(ctx: _Context, fact: Fact) -> Iterator[Triple]:
    """A fact between two entities: one triple, stated when both entities are known."""
    predicate, subject, obj = _LINKS[type(fact)]
    s, o = getattr(fact, subject), getattr(fact, obj)
    if s in ctx.entities and o in ctx.entities:
        yield from _stated(ctx, ctx.entities[s], predicate, ctx.entities[o], fact.evidence)


def _fact(ctx: _Context, fact: Fact) -> Iterator[Triple]:
    if type(fact) in _LINKS:
        yield from _link(ctx, fact)
        return
    match fact:
        case Event():
            yield from _event(ctx, fact)
        case Characterization():
            yield from _characterization(ctx, fact)
        case Cause():
            yield from _cause(ctx, fact)
        case Quote():
            yield from _quote(ctx, fact)
        case Quantity():
            yield from _quantity(ctx, fact)
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
    roles += [(KG.agent, key) for key in event.co_agents]
    roles += [(_affect_role(event, key), key) for key in event.affected]
    for predicate, key in roles:
        if key is not None and key in ent:
            yield from _stated(ctx, ev, predicate, ent[key], proof)
    yield from _killed_by(ctx, event)
    if event.affected_text and not event.affected:
        yield from _stated(ctx, ev, KG.affectedText, Literal(event.affected_text), proof)
    if event.announcer is not None and event.announcer in ent:
        yield from _announcement(ctx, event)
    elif event.medium:
        yield from _stated(ctx, ev, KG.medium, Literal(event.medium), proof)
    if event.time is not None:
        yield from _stated(ctx, ev, KG.dateText, Literal(event.time.text), proof)
        if event.time.value:
            date = Literal(event.time.value, datatype=_date_type(event.time.value))
            yield from _stated(ctx, ev, KG.date, date, proof)


def _announcement(ctx: _Context, event: Event) -> Iterator[Triple]:
    """The act of making an event public: who announced it, about what, through which medium.

    Kept apart from the event so that two announcers ("the president tweeted", "he wrote in
    his letter") keep their own media.
    """
    announcer = event.announcer or ""
    key = f"announce|{event.key}|{announcer}|{event.medium or ''}"
    node = URIRef(iri.event_iri(ctx.base, ctx.article.id, "Announcement", key))
    yield node, RDF.type, KG.Event
    yield node, RDF.type, KG.Announcement
    yield node, KG.trigger, Literal(event.announce_verb or "announced")
    yield node, KG.modality, KG.Asserted
    yield node, KG.about, ctx.events[event.key]
    yield from _stated(ctx, node, KG.agent, ctx.entities[announcer], event.evidence)
    if event.medium:
        yield from _stated(ctx, node, KG.medium, Literal(event.medium), event.evidence)


def _affect_role(event: Event, key: str) -> URIRef:
    """kg:victim for the people a killing affects, kg:affects otherwise."""
    if event.type is EventType.KILLING and key.startswith("Person:"):
        return KG.victim
    return KG.affects


def _killed_by(ctx: _Context, event: Event) -> Iterator[Triple]:
    """``victim kg:killedBy agent`` (wdt:P157) for an asserted killing by a person."""
    ent, agent = ctx.entities, event.agent
    if event.type is not EventType.KILLING or event.modality is not Modality.ASSERTED:
        return
    if agent is None or not agent.startswith("Person:") or agent not in ent:
        return
    for key in event.affected:
        if key.startswith("Person:") and key in ent and key != agent:
            yield from _stated(ctx, ent[key], KG.killedBy, ent[agent], event.evidence)


def _decimal(value: float) -> Literal:
    text = str(int(value)) if value == int(value) else repr(value)
    return Literal(text, datatype=XSD.decimal)


def _quantity(ctx: _Context, quantity: Quantity) -> Iterator[Triple]:
    proof = quantity.evidence
    q = URIRef(iri.quantity_iri(ctx.base, ctx.article.id, proof.start, proof.end))
    yield q, RDF.type, KG.Quantity
    yield q, RDFS.label, Literal(quantity.text)
    yield from _stated(ctx, q, KG.amount, _decimal(quantity.amount), proof)
    yield q, KG.unit, Literal(quantity.unit)
    if quantity.total is not None:
        yield q, KG.total, _decimal(quantity.total)
    if quantity.qualifier is not None:
        yield q, KG.qualifier, Literal(quantity.qualifier)
    bound = {"upper": KG.upperBound, "lower": KG.lowerBound}.get(quantity.bound or "")
    if bound is not None:
        yield q, bound, _decimal(quantity.amount)
    for predicate, key in ((KG.locatedIn, quantity.place), (KG.quantityOf, quantity.of)):
        if key is not None and key in ctx.entities:
            yield q, predicate, ctx.entities[key]
    if quantity.event is not None and quantity.event in ctx.events:
        yield from _stated(ctx, ctx.events[quantity.event], KG.quantity, q, proof)


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


def link_triples(base: str, links: list[Link], entities: dict[str, str]) -> list[Triple]:
    """The triples of links (entity key -> IRI in entities): the link and its kg:Link node."""
    triples: dict[Triple, None] = {}
    for link in links:
        if link.entity not in entities:
            continue
        s, p, o = URIRef(entities[link.entity]), LINK_PREDICATES[link.relation], URIRef(link.target)
        node = URIRef(iri.link_iri(base, str(s), link.target))
        for triple in (
            (s, p, o),
            (node, RDF.type, KG.Link),
            (node, RDF.subject, s),
            (node, RDF.predicate, p),
            (node, RDF.object, o),
            (node, KG.linkScore, Literal(float(link.score), datatype=XSD.double)),
            (node, KG.linkMethod, Literal(link.method)),
        ):
            triples[triple] = None
    return list(triples)


def _date_type(value: str) -> URIRef:
    """xsd:gYear for "1963", xsd:gYearMonth for "2023-07", xsd:date for a day."""
    return {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(value), XSD.date)


def nquads(triples: list[Triple], graph: str | None = None) -> str:
    """Triples as N-Quads lines in graph (N-Triples without a graph); also valid SPARQL data."""
    end = f" <{graph}> .\n" if graph else " .\n"
    return "".join(f"{_term(s)} {_term(p)} {_term(o)}{end}" for s, p, o in triples)


def _term(term: Node) -> str:
    if type(term) is URIRef:  # most terms: checked first, and without isinstance
        return f"<{term}>"
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{text}^^<{term.datatype}>"
        return text
    return f"<{term}>"
