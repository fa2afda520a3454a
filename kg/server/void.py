"""The VoID description of the dataset at /.well-known/void, from the store's counts.

The counts (kg.void_stats: triples, entities, distinct subjects and objects, articles, the class
and property partitions, the links per external domain) are computed by SPARQL over every graph
and saved in the store until its next write; the description adds the dataset's IRI, endpoint
and one ``void:Linkset`` per external domain. The triples are cached per app, keyed on the
store's write generation (the writes made through the app's store handle; nothing else can
change the store while it is open) and the URL they were computed for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, request
from flask.blueprints import BlueprintSetupState

from kg.config import Settings
from kg.export import prefixes_for
from kg.server.cors import add_cors_headers
from kg.server.negotiation import Negotiation
from kg.server.results import write_graph
from kg.server.services import services
from kg.store import GraphStore
from kg.vocab import PREFIXES
from kg.void_stats import void_statistics

__all__ = ["VOID_PATH", "VoidCache", "dataset_iri", "describe_dataset", "void"]

VOID_PATH = ".well-known/void"
_VOID = "http://rdfs.org/ns/void#"
_Term = ox.NamedNode | ox.BlankNode | ox.Literal
_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
void = Blueprint("void", __name__)


@dataclass
class VoidCache:
    """The last description computed by one app, keyed on store generation and dataset IRI."""

    key: tuple[int, str] | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: tuple[int, str], compute: Callable[[], list[ox.Triple]]) -> list[ox.Triple]:
        """The cached triples for key, computing them when the key changed."""
        with self.lock:
            if self.key != key:
                self.triples, self.key = compute(), key
            return self.triples


@void.record_once
def _install_cache(state: BlueprintSetupState) -> None:
    state.app.extensions["kg_void"] = VoidCache()


def _void(name: str) -> ox.NamedNode:
    return ox.NamedNode(_VOID + name)


def dataset_iri(root: str) -> str:
    """The IRI of the dataset described at root (the server's URL, ending with '/')."""
    return f"{root}{VOID_PATH}#dataset"


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_XSD_INTEGER)


def _term(ntriples: str) -> _Term:
    """The RDF term written in N-Triples syntax."""
    [quad] = ox.parse(f"<urn:kg:s> <urn:kg:p> {ntriples} .", format=ox.RdfFormat.N_TRIPLES)
    term: _Term = quad.object
    return term


def _partitions(
    dataset: ox.NamedNode,
    rows: Sequence[tuple[_Term, int]],
    kind: str,
) -> Iterator[ox.Triple]:
    """void:classPartition (void:entities per class) or void:propertyPartition (void:triples)."""
    link, count = ("class", "entities") if kind == "class" else ("property", "triples")
    for key, n in rows:
        part = ox.NamedNode(f"{dataset.value}-{kind}-{quote(str(key.value), safe='')}")
        yield ox.Triple(dataset, _void(f"{kind}Partition"), part)
        yield ox.Triple(part, _void(link), key)
        yield ox.Triple(part, _void(count), _integer(n))


def _linksets(dataset: ox.NamedNode, links: list[tuple[str, str, int]]) -> Iterator[ox.Triple]:
    """One void:Linkset per external domain linked by owl:sameAs or skos:exactMatch."""
    seen: set[str] = set()
    totals: dict[str, int] = {}
    for domain, predicate, n in links:
        linkset = ox.NamedNode(f"{dataset.value}-links-{quote(domain, safe='')}")
        target = ox.NamedNode(f"{dataset.value}-target-{quote(domain, safe='')}")
        totals[domain] = totals.get(domain, 0) + n
        yield ox.Triple(linkset, _void("linkPredicate"), ox.NamedNode(predicate))
        if domain not in seen:
            seen.add(domain)
            yield ox.Triple(dataset, _void("subset"), linkset)
            yield ox.Triple(linkset, _RDF_TYPE, _void("Linkset"))
            yield ox.Triple(linkset, _void("subjectsTarget"), dataset)
            yield ox.Triple(linkset, _void("objectsTarget"), target)
            yield ox.Triple(target, _RDF_TYPE, _void("Dataset"))
            yield ox.Triple(target, _void("uriSpace"), ox.Literal(domain))
    for domain, total in totals.items():
        linkset = ox.NamedNode(f"{dataset.value}-links-{quote(domain, safe='')}")
        yield ox.Triple(linkset, _void("triples"), _integer(total))


def _vocabularies(triples: list[ox.Triple]) -> set[str]:
    used = {
        t.object.value
        for t in triples
        if t.predicate.value in (_VOID + "class", _VOID + "property")
        and isinstance(t.object, ox.NamedNode)
    }
    return {ns for ns in PREFIXES.values() if any(term.startswith(ns) for term in used)}


def describe_dataset(store: GraphStore, settings: Settings, root: str) -> list[ox.Triple]:
    """VoID triples for the store served at root (the server's URL, ending with '/')."""
    dataset = ox.NamedNode(dataset_iri(root))
    counts = void_statistics(store, settings.base_iri)
    classes = [(_term(key), n) for key, n in counts.classes]
    properties = [(ox.NamedNode(key), n) for key, n in counts.properties]
    triples = [
        ox.Triple(dataset, _RDF_TYPE, _void("Dataset")),
        ox.Triple(dataset, _void("sparqlEndpoint"), ox.NamedNode(f"{root}sparql")),
        ox.Triple(dataset, _void("uriSpace"), ox.Literal(settings.base_iri)),
        *(ox.Triple(dataset, _void(name), _integer(n)) for name, n in counts.totals.items()),
        *_partitions(dataset, classes, "class"),
        *_partitions(dataset, properties, "property"),
        *_linksets(dataset, counts.links),
    ]
    vocabularies = sorted(_vocabularies(triples))
    triples += [ox.Triple(dataset, _void("vocabulary"), ox.NamedNode(v)) for v in vocabularies]
    return triples


def _cache(app: Flask) -> VoidCache:
    cache: VoidCache = app.extensions["kg_void"]
    return cache


@void.route(f"/{VOID_PATH}")
def void_description() -> Response:
    """The dataset's VoID description, in the negotiated RDF format (Turtle by default)."""
    kg = services(current_app)
    choice = Negotiation(request.accept_mimetypes, tuple(request.args.getlist("format")))
    chosen = choice.choose("graph")
    root, cache = request.url_root, _cache(current_app)

    def compute(cancelled: threading.Event) -> list[ox.Triple]:
        key = (kg.store.generation, root)  # not len(store): Oxigraph counts every quad
        return cache.get(key, lambda: describe_dataset(kg.store, kg.settings, root))

    triples = kg.runner.run(compute)
    prefixes = {"void": _VOID, **prefixes_for(kg.settings.base_iri)}
    body = write_graph(triples, chosen.native, prefixes)
    response = Response(body, content_type=f"{chosen.media_type}; charset=utf-8")
    response.vary.add("Accept")
    return response


@void.after_request
def _cors(response: Response) -> Response:
    allowed = services(current_app).settings.cors_origins
    return add_cors_headers(response, allowed, request.headers.get("Origin"), request.method)
