"""Concurrency: readers of a live server see consistent snapshots while its article graphs are
replaced, and a store has one writer: a second `kg build`, or `kg serve` beside a build (and a
build beside `kg serve`), fails fast with a clear "locked by another process" error and leaves
the first one to finish with a correct store.

`kg serve` holds its store (one writer per Oxigraph directory), so a served store is rebuilt
through the server: the new version of each article graph goes in by Graph Store Protocol PUT
(one transaction each) and dropped articles by DELETE.
"""

from __future__ import annotations

import itertools
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from kg.errors import StoreError
from kg.store import GraphStore
from tests.conftest import _start_server, _stop
from tests.server import IGNORE_LIVE_SERVER_PIPES
from tests.versions import V2, Graphs, kg_env, ntriples, store_graphs

logger = logging.getLogger(__name__)

TOKEN = "concurrency-token"
READERS = 3
ROUNDS = 3

DIGESTS = """PREFIX kg: <https://w3id.org/kg-news/ontology#>
SELECT ?g ?n ?len ?h WHERE {
  { SELECT ?g (COUNT(*) AS ?n) (SUM(STRLEN(STR(?o))) AS ?len)
    WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g }
  OPTIONAL { GRAPH ?g { ?article kg:contentHash ?h } }
}"""

Digests = dict[str, tuple[str, ...]]
"""Graph IRI -> (triple count, characters of its objects, content hash): one query's view."""


def _digests(rows: list[dict[str, dict[str, str]]]) -> Digests:
    return {
        row["g"]["value"]: tuple(row.get(k, {}).get("value", "") for k in ("n", "len", "h"))
        for row in rows
    }


def _store_digests(path: Path) -> Digests:
    with GraphStore(path, read_only=True) as store:
        solutions = store.query(DIGESTS, union=False)
        return {
            row["g"].value: tuple(
                "" if row[k] is None else row[k].value  # type: ignore[union-attr]
                for k in ("n", "len", "h")
            )
            for row in solutions  # type: ignore[union-attr]
        }


def _read(url: str, stop: threading.Event, answers: list[Digests], errors: list[str]) -> None:
    """Query the digests of every graph until stop is set, then once more."""
    with httpx.Client(timeout=60) as client:
        last = False
        while not last:
            last = stop.is_set()
            try:
                response = client.get(
                    f"{url}/sparql",
                    params={"query": DIGESTS},
                    headers={"Accept": "application/sparql-results+json"},
                )
            except httpx.HTTPError as exc:
                errors.append(repr(exc))
                continue
            if response.status_code != 200:
                errors.append(f"{response.status_code}: {response.text[:200]}")
                continue
            answers.append(_digests(response.json()["results"]["bindings"]))


def _replace(client: httpx.Client, url: str, graph: str, triples: frozenset[str] | None) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    if triples is None:
        response = client.delete(f"{url}/store", params={"graph": graph}, headers=auth)
    else:
        headers = auth | {"Content-Type": "application/n-triples"}
        response = client.put(
            f"{url}/store", params={"graph": graph}, content=ntriples(triples), headers=headers
        )
    assert response.status_code in (201, 204), response.text


def _write(url: str, order: list[str], versions: list[Graphs]) -> None:
    """Replace the changed graphs one by one, in order: v1 -> v2, back to v1, then to v2 again."""
    with httpx.Client(timeout=60) as client:
        for number in range(ROUNDS):
            target = versions[(number + 1) % 2]
            for graph in order:
                _replace(client, url, graph, target.get(graph))


def _snapshot_ok(answer: Digests, order: list[str], old: Digests, new: Digests) -> bool:
    """True when each graph is wholly old or new, and the graphs already replaced form a
    prefix of the order in which they were written (a snapshot, no torn reads across graphs)."""
    for graph, digest in answer.items():
        assert digest in (old.get(graph), new.get(graph)), f"<{graph}> mixed: {digest}"
    for graph in set(old) | set(new):
        if graph not in order:
            assert answer.get(graph) == old[graph], f"unchanged <{graph}> altered"
    states = ["new" if answer.get(g) == new.get(g) else "old" for g in order]
    switches = sum(1 for a, b in itertools.pairwise(states) if a != b)
    assert switches <= 1, f"not a snapshot: {states}"
    return switches == 1


@pytest.mark.server
@IGNORE_LIVE_SERVER_PIPES
def test_readers_see_consistent_snapshots_while_graphs_are_replaced(
    tmp_path: Path, versioned_stores: tuple[Path, Path]
) -> None:
    v1_path, v2_path = versioned_stores
    old, new = _store_digests(v1_path), _store_digests(v2_path)
    graphs = [store_graphs(v1_path), store_graphs(v2_path)]
    order = sorted(g for g in set(old) | set(new) if old.get(g) != new.get(g))
    store = tmp_path / "store"
    shutil.copytree(v1_path, store)
    process, url = _start_server(store, "--update-token", TOKEN, "--threads", str(READERS + 1))
    stop, answers, errors = threading.Event(), [], []
    readers = [
        threading.Thread(target=_read, args=(url, stop, answers, errors)) for _ in range(READERS)
    ]
    final: list[Digests] = []
    try:
        for reader in readers:
            reader.start()
        _write(url, order, graphs)
        once = threading.Event()
        once.set()
        _read(url, once, final, errors)  # one query, once every write is done
    finally:
        stop.set()
        for reader in readers:
            reader.join()
        _stop(process)
    assert errors == []
    partial = sum(_snapshot_ok(answer, order, old, new) for answer in answers)
    logger.info("%d answers, %d caught between two graph writes", len(answers), partial)
    assert final == [new]
    assert store_graphs(store) == graphs[1]


def _built_lines(log: Path) -> int:
    return sum(1 for line in log.read_text().splitlines() if line.startswith("built "))


def _kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        env=kg_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _assert_locked(result: subprocess.CompletedProcess[str], store: Path) -> None:
    assert result.returncode == StoreError.exit_code, result.stderr
    assert "locked by another process" in result.stderr and str(store) in result.stderr
    assert "Traceback" not in result.stderr


def test_second_build_fails_fast_while_the_first_completes(
    tmp_path: Path, versioned_stores: tuple[Path, Path]
) -> None:
    """The first build is paused (SIGSTOP) once it has written a graph, so it holds the store
    while a second build and `kg serve` try it; then it resumes and finishes."""
    store, log = tmp_path / "store", tmp_path / "first.log"
    command = [sys.executable, "-m", "kg", "build", str(V2), "--store", str(store), "-v"]
    with log.open("w") as stderr:
        first = subprocess.Popen(
            [*command, "--no-progress"],
            env=kg_env(KG_BATCH_SIZE="1", KG_WRITE_TRIPLES="1"),
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        deadline = time.monotonic() + 240
        while _built_lines(log) < 1 and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        os.kill(first.pid, signal.SIGSTOP)
        assert first.poll() is None, "the first build ended before the second could start"
        _assert_locked(_kg("build", str(V2), "--store", str(store), "--no-progress"), store)
        _assert_locked(_kg("serve", "--store", str(store), "--port", "0"), store)
        _assert_locked(_kg("serve", "--store", str(store), "--port", "0", "--workers", "2"), store)
    finally:
        os.kill(first.pid, signal.SIGCONT)
        output, _ = first.communicate(timeout=300)
    assert first.returncode == 0 and "Built 17 article(s)" in output
    assert store_graphs(store) == store_graphs(versioned_stores[1])


@pytest.mark.server
@IGNORE_LIVE_SERVER_PIPES
def test_build_fails_fast_while_kg_serve_holds_the_store(
    tmp_path: Path, versioned_stores: tuple[Path, Path]
) -> None:
    store = tmp_path / "store"
    shutil.copytree(versioned_stores[0], store)
    before = store_graphs(store)
    process, url = _start_server(store)
    try:
        _assert_locked(_kg("build", str(V2), "--store", str(store), "--no-progress"), store)
        assert httpx.get(f"{url}/health", timeout=10).status_code == 200
    finally:
        _stop(process)
    assert store_graphs(store) == before
