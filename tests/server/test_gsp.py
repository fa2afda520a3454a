"""The Graph Store HTTP Protocol at /store, through Flask's client and a real `kg serve`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from flask.testing import FlaskClient
from rdflib.compare import isomorphic

from kg.config import Settings
from kg.export import FORMATS
from kg.server import create_app, services
from kg.store import GraphStore
from tests.conftest import _start_server, _stop
from tests.server import IGNORE_LIVE_SERVER_PIPES

pytestmark = IGNORE_LIVE_SERVER_PIPES

TOKEN = "gsp-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
G = "http://example.org/graph/one"
EX = rdflib.Namespace("http://example.org/")
INT = "^^<http://www.w3.org/2001/XMLSchema#integer>"
FIRST = f'<{EX.a}> <{EX.p}> "1"{INT} .\n<{EX.a}> <{EX.q}> "é"@fr .\n'
SECOND = f'<{EX.b}> <{EX.p}> "2"{INT} .\n'
NT = {"Content-Type": "application/n-triples"}


def _app_client(path: Path, **settings: object) -> Iterator[FlaskClient]:
    app = create_app(Settings(store=path, update_token=TOKEN, **settings))  # type: ignore[arg-type]
    app.config["TESTING"] = True
    yield app.test_client()
    services(app).close()


@pytest.fixture
def store_client(tmp_path: Path) -> Iterator[FlaskClient]:
    """An app over an empty store with the update token set (union default graph on)."""
    yield from _app_client(tmp_path / "store")


def _graph(data: bytes, fmt: str = "turtle") -> rdflib.Graph:
    return rdflib.Graph().parse(data=data, format=fmt)


def _put(client: FlaskClient, body: str, graph: str = G, method: str = "PUT") -> int:
    response = client.open(
        "/store", method=method, query_string={"graph": graph}, data=body, headers=NT | AUTH
    )
    return response.status_code


def test_gsp_put_creates_then_replaces(store_client: FlaskClient) -> None:
    assert _put(store_client, FIRST) == 201
    assert _put(store_client, SECOND) == 204
    graph = _graph(store_client.get("/store", query_string={"graph": G}).data)
    assert set(graph.subjects()) == {EX.b}


def test_gsp_post_merges(store_client: FlaskClient) -> None:
    assert _put(store_client, FIRST, method="POST") == 201
    assert _put(store_client, SECOND, method="POST") == 204
    graph = _graph(store_client.get("/store", query_string={"graph": G}).data)
    assert set(graph.subjects()) == {EX.a, EX.b}
    assert (EX.a, EX.q, rdflib.Literal("é", lang="fr")) in graph


def test_gsp_get_turtle_by_default_and_negotiates(store_client: FlaskClient) -> None:
    _put(store_client, FIRST)
    default = store_client.get("/store", query_string={"graph": G})
    assert default.status_code == 200
    assert default.mimetype == "text/turtle"
    nt = store_client.get(
        "/store", query_string={"graph": G}, headers={"Accept": "application/n-triples"}
    )
    assert nt.mimetype == "application/n-triples"
    assert len(_graph(nt.data, "nt")) == 2
    refused = store_client.get("/store", query_string={"graph": G}, headers={"Accept": "image/png"})
    assert refused.status_code == 406


def test_gsp_head_has_headers_and_no_body(store_client: FlaskClient) -> None:
    _put(store_client, FIRST)
    response = store_client.head("/store", query_string={"graph": G})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    assert response.data == b""
    assert store_client.head("/store", query_string={"graph": G + "x"}).status_code == 404


def test_gsp_delete_then_missing(store_client: FlaskClient) -> None:
    _put(store_client, FIRST)
    assert store_client.delete("/store", query_string={"graph": G}, headers=AUTH).status_code == 204
    missing = store_client.get("/store", query_string={"graph": G})
    assert missing.status_code == 404
    assert set(missing.get_json()) == {"error", "message", "status"}
    assert store_client.delete("/store", query_string={"graph": G}, headers=AUTH).status_code == 404


SOURCE = rdflib.Graph().parse(data=FIRST + SECOND, format="nt")


@pytest.mark.parametrize("media_type", [spec.media_type for spec in FORMATS])
def test_gsp_put_reads_each_format(store_client: FlaskClient, media_type: str) -> None:
    fmt = ox.RdfFormat.from_media_type(media_type)
    assert fmt is not None
    quads = list(ox.parse(FIRST + SECOND, ox.RdfFormat.N_TRIPLES))
    body = ox.serialize(quads if fmt.supports_datasets else [q.triple for q in quads], None, fmt)
    headers = {"Content-Type": media_type} | AUTH
    response = store_client.put("/store", query_string={"graph": G}, data=body, headers=headers)
    assert response.status_code == 201
    got = store_client.get("/store", query_string={"graph": G}, headers={"Accept": "text/turtle"})
    assert isomorphic(_graph(got.data), SOURCE)


def test_gsp_relative_iris_resolve_against_the_graph(store_client: FlaskClient) -> None:
    headers = {"Content-Type": "text/turtle"} | AUTH
    body = "<a> <p> <b> ."
    assert (
        store_client.put(
            "/store", query_string={"graph": G}, data=body, headers=headers
        ).status_code
        == 201
    )
    graph = _graph(store_client.get("/store", query_string={"graph": G}).data)
    assert (rdflib.URIRef("http://example.org/graph/a"), None, None) in graph


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("text/turtle", "<http://x/a> <http://x/p> ", 400),
        ("application/trig", "<http://x/g> { <http://x/a> <http://x/p> 1 . }", 400),
        ("application/pdf", "%PDF", 415),
        ("", "<http://x/a> <http://x/p> 1 .", 415),
    ],
)
def test_gsp_bad_bodies_leave_the_graph(
    store_client: FlaskClient, content_type: str, body: str, status: int
) -> None:
    _put(store_client, FIRST)
    headers = {"Content-Type": content_type} | AUTH if content_type else AUTH
    response = store_client.put("/store", query_string={"graph": G}, data=body, headers=headers)
    assert response.status_code == status
    assert set(response.get_json()) == {"error", "message", "status"}
    assert len(_graph(store_client.get("/store", query_string={"graph": G}).data)) == 2


@pytest.mark.parametrize(
    "query", [{}, {"graph": G, "default": ""}, {"graph": [G, G + "2"]}, {"graph": "not an iri"}]
)
def test_gsp_needs_exactly_one_graph(store_client: FlaskClient, query: dict[str, object]) -> None:
    response = store_client.get("/store", query_string=query)
    assert response.status_code == 400
    assert response.get_json()["error"] == "InputError"


@pytest.mark.parametrize(("headers", "status"), [({}, 401), ({"Authorization": "Bearer no"}, 403)])
def test_gsp_writes_need_the_token(
    store_client: FlaskClient, headers: dict[str, str], status: int
) -> None:
    for method in ("PUT", "POST", "DELETE"):
        response = store_client.open(
            "/store", method=method, query_string={"graph": G}, data=FIRST, headers=NT | headers
        )
        assert response.status_code == status
    assert store_client.get("/store", query_string={"graph": G}).status_code == 404


def test_gsp_writes_refused_without_configured_token(tmp_path: Path) -> None:
    app = create_app(Settings(store=tmp_path / "store"))
    response = app.test_client().put(
        "/store", query_string={"graph": G}, data=FIRST, headers=NT | AUTH
    )
    services(app).close()
    assert response.status_code == 403
    assert "--update-token" in response.get_json()["message"]


def test_gsp_default_graph_is_the_union_when_set(store_client: FlaskClient) -> None:
    _put(store_client, FIRST)
    _put(store_client, SECOND, graph=G + "2")
    graph = _graph(store_client.get("/store", query_string={"default": ""}).data)
    assert set(graph.subjects()) == {EX.a, EX.b}


def test_gsp_default_graph_standard_dataset(tmp_path: Path) -> None:
    client = next(gen := _app_client(tmp_path / "store", union_default_graph=False))
    _put(client, FIRST)
    put = client.put("/store?default", data=SECOND, headers=NT | AUTH)
    assert put.status_code == 204
    graph = _graph(client.get("/store?default").data)
    assert set(graph.subjects()) == {EX.b}
    assert client.delete("/store?default", headers=AUTH).status_code == 204
    assert len(_graph(client.get("/store?default").data)) == 0
    assert len(_graph(client.get("/store", query_string={"graph": G}).data)) == 2
    next(gen, None)


def test_gsp_writes_refused_with_several_workers(tmp_path: Path) -> None:
    GraphStore(tmp_path / "store").close()
    app = create_app(Settings(store=tmp_path / "store", update_token=TOKEN, workers=2))
    client = app.test_client()
    response = client.put("/store", query_string={"graph": G}, data=FIRST, headers=NT | AUTH)
    update = client.post("/sparql", data={"update": "CLEAR ALL"}, headers=AUTH)
    services(app).close()
    assert response.status_code == 403
    assert "worker" in response.get_json()["message"]
    assert update.status_code == 403


@pytest.mark.server
def test_gsp_against_live_server(tmp_path: Path) -> None:
    GraphStore(tmp_path / "store").close()
    process, url = _start_server(tmp_path / "store", "--update-token", TOKEN)
    try:
        with httpx.Client(base_url=url, timeout=10) as http:
            put = http.put("/store", params={"graph": G}, content=FIRST, headers=NT | AUTH)
            get = http.get("/store", params={"graph": G}, headers={"Accept": "text/turtle"})
            ask = http.get("/sparql", params={"query": f"ASK {{ GRAPH <{G}> {{ ?s ?p 1 }} }}"})
            gone = http.delete("/store", params={"graph": G}, headers=AUTH)
            missing = http.get("/store", params={"graph": G})
    finally:
        _stop(process)
    assert put.status_code == 201
    assert len(_graph(get.content)) == 2
    assert ask.json()["boolean"] is True
    assert gone.status_code == 204
    assert missing.status_code == 404
