"""SPARQL Update at /sparql: refused without a configured token, bearer auth with one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kg.config import Settings
from kg.server import create_app, services
from tests.server import IGNORE_LIVE_SERVER_PIPES

pytestmark = IGNORE_LIVE_SERVER_PIPES

TOKEN = "s3cret-token"
INSERT = (
    "INSERT DATA { GRAPH <http://example.org/g> "
    "{ <http://example.org/a> <http://example.org/p> 1 } }"
)
ASK = "ASK { GRAPH <http://example.org/g> { <http://example.org/a> ?p ?o } }"


def _client(path: Path, token: str | None) -> Iterator[FlaskClient]:
    app = create_app(Settings(store=path, update_token=token))
    app.config["TESTING"] = True
    yield app.test_client()
    services(app).close()


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[FlaskClient]:
    """An app over an empty store in tmp_path with the update token set."""
    yield from _client(tmp_path / "store", TOKEN)


@pytest.fixture
def open_store(tmp_path: Path) -> Iterator[FlaskClient]:
    """An app over an empty store in tmp_path with no update token."""
    yield from _client(tmp_path / "store", None)


def _asked(client: FlaskClient) -> bool:
    answer: bool = client.get("/sparql", query_string={"query": ASK}).get_json()["boolean"]
    return answer


def test_update_without_configured_token_is_403(open_store: FlaskClient) -> None:
    response = open_store.post(
        "/sparql", data={"update": INSERT}, headers={"Authorization": "Bearer anything"}
    )
    assert response.status_code == 403
    assert "--update-token" in response.get_json()["message"]
    assert set(response.get_json()) == {"error", "message", "status"}
    assert not _asked(open_store)


def test_update_without_authorization_is_401(locked: FlaskClient) -> None:
    response = locked.post("/sparql", data={"update": INSERT})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["error"] == "AuthError"
    assert not _asked(locked)


@pytest.mark.parametrize("header", [f"Bearer {TOKEN}x", "Bearer wrong", f"Basic {TOKEN}"])
def test_update_with_wrong_credentials_is_refused(locked: FlaskClient, header: str) -> None:
    response = locked.post("/sparql", data={"update": INSERT}, headers={"Authorization": header})
    assert response.status_code in (401, 403)
    assert set(response.get_json()) == {"error", "message", "status"}
    assert not _asked(locked)


def test_update_form_with_token_applies(locked: FlaskClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = locked.post("/sparql", data={"update": INSERT}, headers=auth)
    assert response.status_code == 204
    assert _asked(locked)


def test_update_direct_body_with_token_applies(locked: FlaskClient) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}
    response = locked.post("/sparql", data=INSERT.encode(), headers=headers)
    assert response.status_code == 204
    assert _asked(locked)


def test_update_malformed_is_400(locked: FlaskClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = locked.post("/sparql", data={"update": "INSERT NONSENSE"}, headers=auth)
    assert response.status_code == 400
    assert "malformed SPARQL update" in response.get_json()["message"]


def test_update_by_get_is_400(locked: FlaskClient) -> None:
    response = locked.get("/sparql", query_string={"update": INSERT})
    assert response.status_code == 400
    assert not _asked(locked)


SEED = (
    "INSERT DATA { GRAPH <http://example.org/g1> "
    "{ <http://example.org/a> <http://example.org/p> 1 } "
    "GRAPH <http://example.org/g2> { <http://example.org/b> <http://example.org/p> 2 } }"
)
COPY = "INSERT { GRAPH <http://example.org/out> { ?s ?p ?o } } WHERE { ?s ?p ?o }"
COPIED = "SELECT ?s WHERE { GRAPH <http://example.org/out> { ?s ?p ?o } } ORDER BY ?s"


def _post_update(client: FlaskClient, data: dict[str, str | list[str]]) -> int:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    return client.post("/sparql", data=data, headers=auth).status_code


def _copied(client: FlaskClient) -> list[str]:
    rows = client.get("/sparql", query_string={"query": COPIED}).get_json()
    return [row["s"]["value"] for row in rows["results"]["bindings"]]


def test_update_using_graph_uri_sets_the_where_dataset(locked: FlaskClient) -> None:
    assert _post_update(locked, {"update": SEED}) == 204
    status = _post_update(locked, {"update": COPY, "using-graph-uri": "http://example.org/g1"})
    assert status == 204
    assert _copied(locked) == ["http://example.org/a"]


def test_update_using_named_graph_uri_limits_graph_patterns(locked: FlaskClient) -> None:
    assert _post_update(locked, {"update": SEED}) == 204
    copy_named = (
        "INSERT { GRAPH <http://example.org/out> { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    data = {"update": copy_named, "using-named-graph-uri": "http://example.org/g2"}
    assert _post_update(locked, data) == 204
    assert _copied(locked) == ["http://example.org/b"]


def test_update_with_own_using_and_parameter_is_400(locked: FlaskClient) -> None:
    own = COPY.replace(" WHERE", " USING <http://example.org/g2> WHERE")
    data = {"update": own, "using-graph-uri": "http://example.org/g1"}
    assert _post_update(locked, data) == 400
