"""The service description on a bare GET /sparql, /health, and CORS headers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from flask.testing import FlaskClient

from kg.config import Settings
from kg.server import create_app, services
from tests.server import IGNORE_LIVE_SERVER_PIPES

pytestmark = IGNORE_LIVE_SERVER_PIPES

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = rdflib.Namespace("http://www.w3.org/ns/formats/")
ENDPOINT = rdflib.URIRef("http://localhost/sparql")


@pytest.fixture
def no_cors(tmp_path: Path) -> Iterator[FlaskClient]:
    """An app over an empty store with CORS disabled."""
    app = create_app(Settings(store=tmp_path / "store", cors_origins=""))
    yield app.test_client()
    services(app).close()


def test_service_description_is_turtle(client: FlaskClient) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    assert (ENDPOINT, rdflib.RDF.type, SD.Service) in graph
    assert (ENDPOINT, SD.endpoint, ENDPOINT) in graph
    assert (ENDPOINT, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (ENDPOINT, SD.supportedLanguage, SD.SPARQL11Update) not in graph
    assert (ENDPOINT, SD.resultFormat, FORMATS.SPARQL_Results_JSON) in graph
    assert (ENDPOINT, SD.resultFormat, FORMATS.Turtle) in graph
    dataset = graph.value(ENDPOINT, SD.defaultDataset)
    assert (dataset, rdflib.RDF.type, SD.Dataset) in graph


def test_service_description_negotiates(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "application/n-triples"})
    assert response.mimetype == "application/n-triples"
    graph = rdflib.Graph().parse(data=response.data, format="nt")
    assert (ENDPOINT, rdflib.RDF.type, SD.Service) in graph


def test_health_answers(client: FlaskClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_cors_header_on_query_responses(client: FlaskClient, method: str) -> None:
    response = client.open(
        "/sparql",
        method=method,
        data={"query": "ASK {}"} if method == "POST" else None,
        query_string={"query": "ASK {}"} if method == "GET" else None,
        headers={"Origin": "https://example.org"},
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight(client: FlaskClient) -> None:
    response = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]


def test_cors_disabled_by_empty_setting(no_cors: FlaskClient) -> None:
    response = no_cors.get("/sparql", query_string={"query": "ASK {}"})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_listed_origin_is_echoed(tmp_path: Path) -> None:
    app = create_app(Settings(store=tmp_path / "store", cors_origins="https://a.example"))
    client = app.test_client()
    allowed = client.get("/sparql?query=ASK{}", headers={"Origin": "https://a.example"})
    other = client.get("/sparql?query=ASK{}", headers={"Origin": "https://b.example"})
    services(app).close()
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://a.example"
    assert "Access-Control-Allow-Origin" not in other.headers
