"""The VoID description at /.well-known/void and its link from the service description."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient

from kg.config import Settings
from kg.server import create_app, services
from kg.store import GraphStore

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
KG = rdflib.Namespace("https://w3id.org/kg-news/ontology#")
DATASET = rdflib.URIRef("http://localhost/.well-known/void#dataset")
BASE = Settings().base_iri
LINKS = f"""PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
INSERT DATA {{ GRAPH <{BASE}graph/a1> {{
  <{BASE}entity/person/ann> a <{KG}Person> ; owl:sameAs <http://www.wikidata.org/entity/Q1> .
  <{BASE}entity/person/bob> a <{KG}Person> ; owl:sameAs <http://www.wikidata.org/entity/Q2> ;
      skos:exactMatch <https://dbpedia.org/resource/Bob> , <http://www.wikidata.org/entity/Q2> .
  <{BASE}entity/place/x> a <{KG}Place> ; owl:sameAs <{BASE}entity/place/y> .
}} }}"""


def _void(client: FlaskClient) -> rdflib.Graph:
    response = client.get("/.well-known/void")
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    return rdflib.Graph().parse(data=response.data, format="turtle")


def _int(graph: rdflib.Graph, subject: rdflib.term.Node, predicate: rdflib.URIRef) -> int:
    value = graph.value(subject, predicate)
    assert isinstance(value, rdflib.Literal), (subject, predicate)
    return int(value)


@pytest.fixture
def linked(tmp_path: Path) -> Iterator[tuple[Flask, FlaskClient]]:
    """An app over a small store with links to two external domains."""
    with GraphStore(tmp_path / "store") as store:
        store.update(LINKS)
    app = create_app(Settings(store=tmp_path / "store"))
    yield app, app.test_client()
    services(app).close()


def test_void_counts_match_the_store(client: FlaskClient, demo_store_path: Path) -> None:
    graph = _void(client)
    assert (DATASET, rdflib.RDF.type, VOID.Dataset) in graph
    store = services(client.application).store
    triples = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))  # type: ignore[call-overload]
    assert _int(graph, DATASET, VOID.triples) == int(triples["n"].value)
    assert _int(graph, DATASET, VOID.documents) == len(store.named_graphs())
    assert _int(graph, DATASET, VOID.entities) > 0
    assert _int(graph, DATASET, VOID.distinctSubjects) >= _int(graph, DATASET, VOID.entities)
    assert _int(graph, DATASET, VOID.distinctObjects) > 0
    assert graph.value(DATASET, VOID.sparqlEndpoint) == rdflib.URIRef("http://localhost/sparql")
    assert str(graph.value(DATASET, VOID.uriSpace)) == BASE
    assert rdflib.URIRef(str(KG)) in set(graph.objects(DATASET, VOID.vocabulary))


def test_void_partitions(client: FlaskClient) -> None:
    graph = _void(client)
    classes = {
        graph.value(part, VOID["class"]): _int(graph, part, VOID.entities)
        for part in graph.objects(DATASET, VOID.classPartition)
    }
    properties = {
        graph.value(part, VOID.property): _int(graph, part, VOID.triples)
        for part in graph.objects(DATASET, VOID.propertyPartition)
    }
    assert classes[KG.Article] >= 1
    assert classes[KG.Person] >= 1
    assert properties[rdflib.RDF.type] >= sum(classes.values()) > 0
    assert _int(graph, DATASET, VOID.properties) == len(properties)


def test_void_linksets_per_domain(linked: tuple[Flask, FlaskClient]) -> None:
    graph = _void(linked[1])
    linksets = {
        str(graph.value(graph.value(ls, VOID.objectsTarget), VOID.uriSpace)): ls
        for ls in graph.subjects(rdflib.RDF.type, VOID.Linkset)
    }
    assert set(linksets) == {"http://www.wikidata.org/", "https://dbpedia.org/"}
    assert _int(graph, linksets["http://www.wikidata.org/"], VOID.triples) == 3
    assert _int(graph, linksets["https://dbpedia.org/"], VOID.triples) == 1
    assert set(graph.objects(linksets["http://www.wikidata.org/"], VOID.linkPredicate)) == {
        rdflib.OWL.sameAs,
        rdflib.SKOS.exactMatch,
    }
    assert (DATASET, VOID.subset, linksets["https://dbpedia.org/"]) in graph
    assert _int(graph, DATASET, VOID.documents) == 1


def test_void_follows_store_changes(linked: tuple[Flask, FlaskClient]) -> None:
    app, client = linked
    before = _int(_void(client), DATASET, VOID.triples)
    services(app).store.update(
        "INSERT DATA { GRAPH <http://example.org/g2> { <http://example.org/a> "
        "<http://example.org/p> 1 } }"
    )
    after = _void(client)
    assert _int(after, DATASET, VOID.triples) == before + 1
    assert _int(after, DATASET, VOID.documents) == 2


def test_void_negotiates(client: FlaskClient) -> None:
    response = client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    assert response.mimetype == "application/n-triples"
    graph = rdflib.Graph().parse(data=response.data, format="nt")
    assert (DATASET, rdflib.RDF.type, VOID.Dataset) in graph


def test_service_description_links_the_void_dataset(client: FlaskClient) -> None:
    described = rdflib.Graph().parse(data=client.get("/sparql").data, format="turtle")
    endpoint = rdflib.URIRef("http://localhost/sparql")
    assert described.value(endpoint, SD.defaultDataset) == DATASET
    assert (DATASET, rdflib.RDF.type, VOID.Dataset) in described
    assert (DATASET, VOID.sparqlEndpoint, endpoint) in _void(client)
