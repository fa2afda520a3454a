"""The /sparql views through Flask's test client: request forms, negotiation, errors, dataset."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from kg.config import Settings
from kg.server import create_app, services
from kg.store import GraphStore
from tests.server import IGNORE_LIVE_SERVER_PIPES

pytestmark = IGNORE_LIVE_SERVER_PIPES

KG = "https://w3id.org/kg-news/ontology#"
PREFIXES = f"PREFIX kg: <{KG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
POSTS = PREFIXES + (
    "SELECT ?name ?post WHERE { ?p kg:holdsPost ?x ; rdfs:label ?name . ?x rdfs:label ?post }"
)
CONSTRUCT = PREFIXES + "CONSTRUCT { ?p kg:holdsPost ?x } WHERE { ?p kg:holdsPost ?x }"
ASK = PREFIXES + 'ASK { ?p rdfs:label "James Mattis" }'
GRAPH_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def assert_error(response: TestResponse, status: int, fragment: str = "") -> dict[str, object]:
    """The one error shape, with status, and a message containing fragment."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error", "message", "status"}
    assert body["status"] == status
    assert fragment.lower() in body["message"].lower()
    assert "Traceback" not in body["message"]
    return dict(body)


def rows(response: TestResponse) -> list[dict[str, str]]:
    """SPARQL JSON bindings as plain values."""
    bindings = response.get_json()["results"]["bindings"]
    return [{k: v["value"] for k, v in b.items()} for b in bindings]


@pytest.fixture
def app_with(demo_store_path: Path) -> Iterator[list[Flask]]:
    """Apps over the demo store with changed settings; closed (queries stopped) afterwards."""
    apps: list[Flask] = []
    yield apps
    for made in apps:
        services(made).close()


def make_app(apps: list[Flask], path: Path, **changes: object) -> FlaskClient:
    app = create_app(Settings(store=path).replace(**changes))
    app.config["TESTING"] = True
    apps.append(app)
    return app.test_client()


# --- request forms ---------------------------------------------------------------------------


def test_sparql_get_select_returns_demo_rows(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": POSTS})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert {"name": "James Mattis", "post": "Secretary of Defense"} in rows(response)


def test_sparql_post_form_and_direct_body_agree(client: FlaskClient) -> None:
    form = client.post("/sparql", data={"query": POSTS})
    direct = client.post(
        "/sparql", data=POSTS.encode(), content_type="application/sparql-query; charset=utf-8"
    )
    assert form.status_code == direct.status_code == 200
    assert sorted(map(str, rows(form))) == sorted(map(str, rows(direct)))


def test_sparql_ask_answers_boolean(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ASK})
    assert response.get_json()["boolean"] is True


# --- errors ----------------------------------------------------------------------------------


def test_sparql_malformed_query_is_400_with_parser_message(client: FlaskClient) -> None:
    body = assert_error(client.get("/sparql?query=SELEKT+*+WHERE+{}"), 400, "malformed")
    assert body["error"] == "QueryError"


@pytest.mark.parametrize(
    "query_string",
    [
        "query=",
        "default-graph-uri=http://x/g",
        "query=ASK{}&update=CLEAR+ALL",
        "query=ASK{}&query=ASK{}",
    ],
)
def test_sparql_get_without_exactly_one_query_is_400(
    client: FlaskClient, query_string: str
) -> None:
    assert_error(client.get(f"/sparql?{query_string}"), 400)


def test_sparql_post_form_with_query_and_update_is_400(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": "ASK {}", "update": "CLEAR ALL"})
    assert_error(response, 400, "both")


@pytest.mark.parametrize("data", [{}, {"default-graph-uri": "http://example.org/g"}])
def test_sparql_post_without_query_is_400(client: FlaskClient, data: dict[str, str]) -> None:
    assert_error(client.post("/sparql", data=data), 400, "missing")


def test_sparql_post_wrong_content_type_is_415(client: FlaskClient) -> None:
    response = client.post("/sparql", data="ASK {}", content_type="text/plain")
    assert_error(response, 415, "text/plain")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_sparql_other_methods_are_405_with_allow(client: FlaskClient, method: str) -> None:
    response = client.open("/sparql", method=method)
    assert_error(response, 405)
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_unknown_path_is_404_in_the_error_shape(client: FlaskClient) -> None:
    assert_error(client.get("/nowhere"), 404)


@pytest.mark.parametrize(("query", "accept"), [(POSTS, "text/html"), (CONSTRUCT, "image/png")])
def test_sparql_unacceptable_accept_is_406(client: FlaskClient, query: str, accept: str) -> None:
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert_error(response, 406, "no acceptable format")


def test_sparql_format_that_does_not_fit_the_result_is_406(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": POSTS, "format": "turtle"})
    assert_error(response, 406, "turtle")


def test_sparql_bad_graph_iri_is_400(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ASK, "default-graph-uri": "not an iri"})
    assert_error(response, 400, "default-graph-uri")


# --- content negotiation ---------------------------------------------------------------------

SELECT_MEDIA = [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("text/tab-separated-values;q=1.0, text/csv;q=0.2", "text/tab-separated-values"),
    ("text/html, */*;q=0.1", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
]


@pytest.mark.parametrize(("accept", "expected"), SELECT_MEDIA)
def test_sparql_select_negotiates_accept(client: FlaskClient, accept: str, expected: str) -> None:
    response = client.get("/sparql", query_string={"query": POSTS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == expected
    assert "James Mattis" in response.get_data(as_text=True)


def test_sparql_select_without_accept_is_json(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": POSTS}, headers={"Accept": ""})
    assert response.mimetype == "application/sparql-results+json"


def _parse_results(body: bytes, media: str) -> set[tuple[str, str]]:
    fmt = {
        "application/sparql-results+json": ox.QueryResultsFormat.JSON,
        "application/sparql-results+xml": ox.QueryResultsFormat.XML,
        "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    }[media]
    solutions = ox.parse_query_results(body, fmt)
    assert isinstance(solutions, ox.QuerySolutions)
    return {(str(s["name"].value), str(s["post"].value)) for s in solutions}


@pytest.mark.parametrize(
    ("name", "media"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_sparql_format_parameter_overrides_accept(
    client: FlaskClient, name: str, media: str
) -> None:
    response = client.get(
        "/sparql", query_string={"query": POSTS, "format": name}, headers={"Accept": "text/csv"}
    )
    assert response.mimetype == media
    assert ("James Mattis", "Secretary of Defense") in _parse_results(response.data, media)


def test_sparql_csv_has_header_and_rows(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": POSTS, "format": "csv"})
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "name,post"
    assert "James Mattis,Secretary of Defense" in lines


GRAPH_MEDIA = [
    ("text/turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "xml"),
    ("application/ld+json", "json-ld"),
    ("application/trig", "trig"),
    ("application/n-quads", "nquads"),
]


def _holders(body: bytes, rdflib_format: str) -> set[str]:
    graph = rdflib.Dataset() if rdflib_format in ("trig", "nquads") else rdflib.Graph()
    graph.parse(data=body, format=rdflib_format)
    return {str(s) for s, _, _ in graph.triples((None, rdflib.URIRef(KG + "holdsPost"), None))}


@pytest.mark.parametrize(("media", "rdflib_format"), GRAPH_MEDIA)
def test_sparql_construct_negotiates_accept(
    client: FlaskClient, media: str, rdflib_format: str
) -> None:
    response = client.get(
        "/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": f"{media}, */*;q=0.1"}
    )
    assert response.status_code == 200
    assert response.mimetype == media
    assert len(_holders(response.data, rdflib_format)) >= 2


@pytest.mark.parametrize(
    ("name", "media"),
    [
        ("turtle", "text/turtle"),
        ("ntriples", "application/n-triples"),
        ("rdfxml", "application/rdf+xml"),
        ("jsonld", "application/ld+json"),
    ],
)
def test_sparql_construct_format_parameter(client: FlaskClient, name: str, media: str) -> None:
    response = client.get(
        "/sparql", query_string={"query": CONSTRUCT, "format": name}, headers={"Accept": "text/x"}
    )
    assert response.mimetype == media


@pytest.mark.parametrize("accept", ["", "*/*"])
def test_sparql_construct_default_is_turtle(client: FlaskClient, accept: str) -> None:
    response = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.mimetype == "text/turtle"
    assert len(_holders(response.data, "turtle")) >= 2


def test_sparql_construct_quality_values_pick_the_best(client: FlaskClient) -> None:
    accept = "text/turtle;q=0.2, application/n-triples;q=0.8, application/rdf+xml;q=0.5"
    response = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.mimetype == "application/n-triples"


# --- dataset parameters ----------------------------------------------------------------------


def test_sparql_default_graph_uri_selects_the_default_graph(
    client: FlaskClient, app: Flask
) -> None:
    store = services(app).store
    [graph] = [g for g in store.named_graphs() if not g.endswith("/graph/links")]
    in_graph = len(list(store.native.quads_for_pattern(None, None, None, ox.NamedNode(graph))))
    union = client.get("/sparql", query_string={"query": GRAPH_COUNT})
    chosen = client.get("/sparql", query_string={"query": GRAPH_COUNT, "default-graph-uri": graph})
    other = client.get(
        "/sparql",
        query_string={"query": GRAPH_COUNT, "default-graph-uri": "http://example.org/none"},
    )
    assert int(rows(chosen)[0]["n"]) == in_graph > 0
    assert int(rows(union)[0]["n"]) > in_graph  # the union also holds the links graph
    assert rows(other)[0]["n"] == "0"


def test_sparql_named_graph_uri_limits_graph_patterns(client: FlaskClient, app: Flask) -> None:
    graph = services(app).store.named_graphs()[0]
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    named = client.get("/sparql", query_string={"query": query, "named-graph-uri": graph})
    none = client.get(
        "/sparql", query_string={"query": query, "named-graph-uri": "http://example.org/none"}
    )
    assert rows(named) == [{"g": graph}]
    assert rows(none) == []


def test_sparql_post_form_passes_graph_parameters(client: FlaskClient) -> None:
    response = client.post(
        "/sparql", data={"query": GRAPH_COUNT, "default-graph-uri": "http://example.org/none"}
    )
    assert rows(response)[0]["n"] == "0"


def test_sparql_direct_post_reads_graph_parameters_from_the_url(client: FlaskClient) -> None:
    response = client.post(
        "/sparql?default-graph-uri=http://example.org/none",
        data=GRAPH_COUNT,
        content_type="application/sparql-query",
    )
    assert rows(response)[0]["n"] == "0"


# --- limits ----------------------------------------------------------------------------------


def test_sparql_too_many_rows_is_413(app_with: list[Flask], demo_store_path: Path) -> None:
    client = make_app(app_with, demo_store_path, max_rows=5)
    ok = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"})
    assert ok.status_code == 200
    assert len(rows(ok)) == 5
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 6"
    assert_error(client.get("/sparql", query_string={"query": query}), 413, "KG_MAX_ROWS")
    construct = "CONSTRUCT WHERE { ?s ?p ?o }"
    assert_error(client.get("/sparql", query_string={"query": construct}), 413, "triples")


def test_sparql_query_past_timeout_is_503_and_health_answers(
    app_with: list[Flask], demo_store_path: Path
) -> None:
    client = make_app(app_with, demo_store_path, query_timeout_s=0.2, max_rows=10**9)
    slow = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    body = assert_error(client.get("/sparql", query_string={"query": slow}), 503, "timeout")
    assert body["error"] == "QueryTimeout"
    assert client.get("/health").status_code == 200


def test_sparql_runaway_queries_are_capped(app_with: list[Flask], tmp_path: Path) -> None:
    with GraphStore(tmp_path / "store") as store:
        store.update(
            "INSERT DATA { "
            + " ".join(f"<http://example.org/{i}> <http://example.org/p> {i} ." for i in range(250))
            + " }"
        )
    client = make_app(app_with, tmp_path / "store", query_timeout_s=0.1, max_running_queries=1)
    # An aggregate computes before its first row, so its thread outlives the timeout (~2 s).
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    assert_error(client.get("/sparql", query_string={"query": slow}), 503, "timeout")
    busy = client.get("/sparql", query_string={"query": "ASK {}"})
    assert_error(busy, 503, "too many queries")
    assert "Retry-After" in busy.headers
