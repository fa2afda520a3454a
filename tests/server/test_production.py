"""`kg serve --workers N`: gunicorn worker processes over one read-only store."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import rdflib
from click.testing import CliRunner

from kg.cli import cli
from kg.store import STATISTICS_FILE, GraphStore
from tests.conftest import _start_server, _stop
from tests.server import IGNORE_LIVE_SERVER_PIPES

pytestmark = IGNORE_LIVE_SERVER_PIPES

DATA = (
    "INSERT DATA { GRAPH <http://example.org/g> { "
    + " ".join(f"<http://example.org/s{i}> <http://example.org/p> {i} ." for i in range(50))
    + " } }"
)
VOID = "http://rdfs.org/ns/void#"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://example.org/p> ?o }"
SERVER_SETTINGS = (
    "KG_STORE",
    "KG_HOST",
    "KG_PORT",
    "KG_THREADS",
    "KG_WORKERS",
    "KG_UPDATE_TOKEN",
    "KG_QUERY_TIMEOUT_S",
    "KG_QUERY_GRACE_S",
    "KG_MAX_ROWS",
    "KG_MAX_RUNNING_QUERIES",
    "KG_CORS_ORIGINS",
    "KG_UNION_DEFAULT_GRAPH",
    "KG_SERVICE_ALLOWLIST",
    "KG_BASE_IRI",
    "KG_LOAD_ALLOWLIST",
    "KG_MAX_BODY_BYTES",
    "KG_MAX_QUERY_CHARS",
    "KG_THREAD_STACK_MB",
)


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _count(url: str) -> int:
    response = httpx.get(f"{url}/sparql", params={"query": COUNT}, timeout=30)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_serve_help_names_every_server_setting(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for variable in SERVER_SETTINGS:
        assert variable in result.output, variable


def test_serve_workers_without_a_store_fails_clearly(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["serve", "--store", str(tmp_path / "none"), "--workers", "2"])
    assert result.exit_code == 7
    assert "no kg store" in result.output


@pytest.mark.server
def test_serve_workers_answer_concurrent_queries(tmp_path: Path) -> None:
    with GraphStore(tmp_path / "store") as store:
        store.update(DATA)
    process, url = _start_server(tmp_path / "store", "--workers", "2", "--update-token", "t")
    try:
        workers = _children(process.pid)
        deadline = time.monotonic() + 30
        while len(workers) < 2 and time.monotonic() < deadline:  # gunicorn forks one by one
            time.sleep(0.1)
            workers = _children(process.pid)
        with ThreadPoolExecutor(max_workers=6) as pool:
            counts = list(pool.map(lambda _: _count(url), range(60)))
        update = httpx.post(
            f"{url}/sparql",
            data={"update": "CLEAR ALL"},
            headers={"Authorization": "Bearer t"},
            timeout=30,
        )
        put = httpx.put(
            f"{url}/store",
            params={"graph": "http://example.org/g"},
            content=b"<http://x/a> <http://x/b> <http://x/c> .",
            headers={"Authorization": "Bearer t", "Content-Type": "application/n-triples"},
            timeout=30,
        )
        void = httpx.get(f"{url}/.well-known/void", timeout=30)
    finally:
        _stop(process)
    assert len(workers) == 2
    assert counts == [50] * 60
    assert update.status_code == 403
    assert "worker" in update.json()["message"]
    assert put.status_code == 403
    assert void.status_code == 200
    # The VoID counts were computed once before the workers started, and saved for them.
    saved = json.loads((tmp_path / "store" / STATISTICS_FILE).read_text())
    assert saved["totals"]["triples"] == 50
    described = rdflib.Graph().parse(data=void.content, format="turtle")
    dataset = rdflib.URIRef(f"{url}/.well-known/void#dataset")
    assert described.value(dataset, rdflib.URIRef(f"{VOID}triples")) == rdflib.Literal(50)
    deadline = time.monotonic() + 15
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)
