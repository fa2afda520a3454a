"""SERVICE federation: refused unless the target is on KG_SERVICE_ALLOWLIST."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from flask.testing import FlaskClient

from kg.config import Settings
from kg.errors import QueryError
from kg.server import create_app, services
from kg.server.federation import allowed_prefixes, service_targets
from kg.store import GraphStore
from tests.conftest import _start_server, _stop
from tests.server import IGNORE_LIVE_SERVER_PIPES

pytestmark = IGNORE_LIVE_SERVER_PIPES

REMOTE_DATA = (
    "INSERT DATA { GRAPH <http://remote.example/g> { "
    '<http://remote.example/a> <http://www.w3.org/2000/01/rdf-schema#label> "from afar" } }'
)


@pytest.mark.parametrize(
    ("query", "targets"),
    [
        ("SELECT * WHERE { ?s ?p 'SERVICE <http://x/>' }", []),
        (
            "PREFIX e: <http://e.org/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }",
            ["http://e.org/sparql"],
        ),
        ("SELECT * { SERVICE SILENT ?where { ?s ?p ?o } }", [None]),
        ("SELECT * { ?s ?p ?o FILTER EXISTS { service <http://n/> { ?s ?p ?o } } }", ["http://n/"]),
        (
            "SELECT * { { SERVICE <http://a/> { ?s ?p ?o } } "
            "UNION { SERVICE <http://b/> { ?s ?p ?o } } }",
            ["http://a/", "http://b/"],
        ),
    ],
)
def test_service_targets_found(query: str, targets: list[str | None]) -> None:
    assert sorted(service_targets(query, "query"), key=str) == sorted(targets, key=str)


def test_service_targets_in_update() -> None:
    update = "INSERT { ?s ?p ?o } WHERE { SERVICE <http://u/> { ?s ?p ?o } }"
    assert service_targets(update, "update") == ["http://u/"]


def test_service_targets_unparseable_is_query_error() -> None:
    with pytest.raises(QueryError, match="malformed SPARQL query"):
        service_targets("SELECT * { SERVICE <http://u/> { ?s ?p } }", "query")


def test_allowed_prefixes_split() -> None:
    assert allowed_prefixes(" http://a/sparql , ,http://b/") == ("http://a/sparql", "http://b/")
    assert allowed_prefixes("") == ()


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 - reset by the fixture, read by the test

    def do_POST(self) -> None:
        self.hits.append(self.path)
        self.send_response(500)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def counting_server() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request it gets."""
    hits: list[str] = []
    handler = type("Handler", (_Counting,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/sparql", hits
    server.shutdown()
    server.server_close()


def _client(path: Path, allowlist: str) -> Iterator[FlaskClient]:
    app = create_app(Settings(store=path, service_allowlist=allowlist))
    yield app.test_client()
    services(app).close()


@pytest.mark.parametrize("allowlist", ["", "http://127.0.0.1:1/other"])
def test_service_not_allowed_is_403_without_a_call(
    tmp_path: Path, counting_server: tuple[str, list[str]], allowlist: str
) -> None:
    url, hits = counting_server
    client = next(gen := _client(tmp_path / "store", allowlist))
    query = f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", query_string={"query": query})
    next(gen, None)
    assert response.status_code == 403
    assert set(response.get_json()) == {"error", "message", "status"}
    assert url in response.get_json()["message"]
    assert hits == []


def test_variable_service_is_403_even_with_an_allowlist(
    tmp_path: Path, counting_server: tuple[str, list[str]]
) -> None:
    url, hits = counting_server
    client = next(gen := _client(tmp_path / "store", url))
    query = f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}"
    response = client.post("/sparql", data={"query": query})
    next(gen, None)
    assert response.status_code == 403
    assert "variable" in response.get_json()["message"]
    assert hits == []


def test_service_refused_in_update(tmp_path: Path, counting_server: tuple[str, list[str]]) -> None:
    url, hits = counting_server
    app = create_app(Settings(store=tmp_path / "store", update_token="t"))
    update = f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
    response = app.test_client().post(
        "/sparql", data={"update": update}, headers={"Authorization": "Bearer t"}
    )
    services(app).close()
    assert response.status_code == 403
    assert hits == []


@pytest.mark.server
def test_service_federates_between_two_kg_servers(tmp_path: Path) -> None:
    with GraphStore(tmp_path / "remote") as remote_store:
        remote_store.update(REMOTE_DATA)
    GraphStore(tmp_path / "local").close()
    remote, remote_url = _start_server(tmp_path / "remote")
    local, local_url = _start_server(
        tmp_path / "local", "--service-allowlist", f"{remote_url}/sparql"
    )
    allowed = (
        f"SELECT ?label WHERE {{ SERVICE <{remote_url}/sparql> "
        "{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } }"
    )
    refused = allowed.replace(f"{remote_url}/sparql", f"{remote_url}/other")
    try:
        rows = httpx.get(f"{local_url}/sparql", params={"query": allowed}, timeout=20)
        denied = httpx.get(f"{local_url}/sparql", params={"query": refused}, timeout=20)
    finally:
        _stop(local)
        _stop(remote)
    assert rows.status_code == 200
    labels = [b["label"]["value"] for b in rows.json()["results"]["bindings"]]
    assert labels == ["from afar"]
    assert denied.status_code == 403
