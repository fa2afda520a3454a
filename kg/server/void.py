"""The VoID description of the dataset at /.well-known/void, computed by SPARQL on the store.

Counts run over every graph (the union), whatever the union default graph setting: triples,
entities (IRIs under ``KG_BASE_IRI`` that are subjects), distinct subjects and objects, articles
(named graphs), a class and a property partition, and one ``void:Linkset`` per external domain
that ``owl:sameAs``/``skos:exactMatch`` point to. void:triples and the property partition count
the statements of every graph (a triple that two articles state counts twice); distinct
subjects and objects and the entities of a class count each resource once, however many
articles mention it. The triples are cached per app, keyed on the store's write generation (the
writes made through the app's store handle; nothing else can change the store while it is open)
and the URL they were computed for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
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

__all__ = ["VOID_PATH", "VoidCache", "dataset_iri", "describe_dataset", "void"]

VOID_PATH = ".well-known/void"
_VOID = "http://rdfs.org/ns/void#"
_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_LINK_PREDICATES = (
    "http://www.w3.org/2002/07/owl#sameAs",
    "http://www.w3.org/2004/02/skos/core#exactMatch",
)
# Three scans of the store: distinct objects; distinct subjects, among them the entities; and
# the property partition, whose counts add up to void:triples and void:properties. The entities
# are counted over distinct subjects because STR() reads an IRI's text from the store (once per
# subject, not once per triple: 79 s of the description on 1.5M quads before); a FILTER would
# be pushed down to every triple, hence SUM(IF(...)).
_OBJECTS = "SELECT (COUNT(DISTINCT ?o) AS ?distinctObjects) WHERE { ?s ?p ?o }"
_SUBJECTS = """SELECT (COUNT(*) AS ?distinctSubjects)
  (SUM(IF(isIRI(?s) && STRSTARTS(STR(?s), ?base), 1, 0)) AS ?entities)
WHERE { SELECT DISTINCT ?s WHERE { ?s ?p ?o } }"""
_CLASSES = "SELECT ?key (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?key } GROUP BY ?key ORDER BY ?key"
_PROPERTIES = "SELECT ?key (COUNT(*) AS ?n) WHERE { ?s ?key ?o } GROUP BY ?key ORDER BY ?key"
_LINKS = f"""SELECT ?domain ?p (COUNT(*) AS ?n) WHERE {{
  VALUES ?p {{ {" ".join(f"<{p}>" for p in _LINK_PREDICATES)} }}
  ?s ?p ?o
  FILTER(isIRI(?o) && !STRSTARTS(STR(?o), ?base))
  BIND(REPLACE(STR(?o), "^([A-Za-z][A-Za-z0-9+.-]*://[^/?#]*).*$", "$1/") AS ?domain)
}} GROUP BY ?domain ?p ORDER BY ?domain ?p"""

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


def _select(store: GraphStore, query: str, base: str) -> list[dict[str, Any]]:
    """Rows of a SELECT over the union of all graphs, with ?base replaced by base (a string)."""
    result = store.query(query.replace("?base", str(ox.Literal(base))))
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: row[n] for n in names if row[n] is not None} for row in result]


def _integer(value: object) -> ox.Literal:
    number = value.value if isinstance(value, ox.Literal) else str(value)
    return ox.Literal(number, datatype=_XSD_INTEGER)


def _totals(
    store: GraphStore, dataset: ox.NamedNode, base: str, properties: list[dict[str, Any]]
) -> Iterator[ox.Triple]:
    for query in (_OBJECTS, _SUBJECTS):
        for row in _select(store, query, base):
            for name, value in row.items():
                yield ox.Triple(dataset, _void(name), _integer(value))
    triples = sum(int(str(row["n"].value)) for row in properties)
    yield ox.Triple(dataset, _void("triples"), _integer(triples))
    yield ox.Triple(dataset, _void("properties"), _integer(len(properties)))
    yield ox.Triple(dataset, _void("documents"), _integer(len(store.named_graphs())))


def _partitions(
    dataset: ox.NamedNode, rows: list[dict[str, Any]], kind: str
) -> Iterator[ox.Triple]:
    """void:classPartition (void:entities per class) or void:propertyPartition (void:triples)."""
    link, count = ("class", "entities") if kind == "class" else ("property", "triples")
    for row in rows:
        key = row["key"]
        part = ox.NamedNode(f"{dataset.value}-{kind}-{quote(str(key.value), safe='')}")
        yield ox.Triple(dataset, _void(f"{kind}Partition"), part)
        yield ox.Triple(part, _void(link), key)
        yield ox.Triple(part, _void(count), _integer(row["n"]))


def _linksets(store: GraphStore, dataset: ox.NamedNode, base: str) -> Iterator[ox.Triple]:
    """One void:Linkset per external domain linked by owl:sameAs or skos:exactMatch."""
    seen: set[str] = set()
    totals: dict[str, int] = {}
    for row in _select(store, _LINKS, base):
        domain = str(row["domain"].value)
        linkset = ox.NamedNode(f"{dataset.value}-links-{quote(domain, safe='')}")
        target = ox.NamedNode(f"{dataset.value}-target-{quote(domain, safe='')}")
        totals[domain] = totals.get(domain, 0) + int(str(row["n"].value))
        yield ox.Triple(linkset, _void("linkPredicate"), row["p"])
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
    base = settings.base_iri
    properties = _select(store, _PROPERTIES, base)
    triples = [
        ox.Triple(dataset, _RDF_TYPE, _void("Dataset")),
        ox.Triple(dataset, _void("sparqlEndpoint"), ox.NamedNode(f"{root}sparql")),
        ox.Triple(dataset, _void("uriSpace"), ox.Literal(base)),
        *_totals(store, dataset, base, properties),
        *_partitions(dataset, _select(store, _CLASSES, base), "class"),
        *_partitions(dataset, properties, "property"),
        *_linksets(store, dataset, base),
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
