"""`kg backup DEST`: a copy of the store that opens (and serves) with the same quads; refused
while a writer holds the store, allowed beside a multi-worker (read-only) `kg serve`."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.store import GraphStore
from tests.conftest import _start_server, _stop
from tests.server import IGNORE_LIVE_SERVER_PIPES

pytestmark = IGNORE_LIVE_SERVER_PIPES

DATA = (
    "INSERT DATA { <http://d.example/s> <http://d.example/p> 'default' . "
    "GRAPH <http://g.example/1> { "
    + " ".join(f"<http://d.example/s{i}> <http://d.example/p> {i} ." for i in range(200))
    + " } GRAPH <http://g.example/2> { <http://d.example/x> <http://d.example/p> 'é'@fr } }"
)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def quads(path: Path) -> set[str]:
    with GraphStore(path) as store:
        return {str(quad) for quad in store.native}


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    with GraphStore(path) as store:
        store.update(DATA)
    return path


def test_backup_has_the_same_quads_and_restores(
    runner: CliRunner, source: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "backup"
    result = runner.invoke(cli, ["backup", str(dest), "--store", str(source)])
    assert result.exit_code == 0, result.output
    assert "Backed up 202 quads" in result.output
    original = quads(source)
    assert len(original) == 202
    assert quads(dest) == original
    # restore: copy the backup back in place of a lost store
    shutil.rmtree(source)
    shutil.copytree(dest, source)
    assert quads(source) == original


def test_backup_is_independent_of_the_store(
    runner: CliRunner, source: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "backup"
    assert runner.invoke(cli, ["backup", str(dest), "--store", str(source)]).exit_code == 0
    with GraphStore(source) as store:
        store.update("DROP ALL")
    assert len(quads(source)) == 0
    assert len(quads(dest)) == 202


def test_backup_into_an_existing_directory_is_refused(
    runner: CliRunner, source: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "exists"
    dest.mkdir()
    result = runner.invoke(cli, ["backup", str(dest), "--store", str(source)])
    assert result.exit_code == 7
    assert "already exists" in result.output
    assert list(dest.iterdir()) == []


def test_backup_of_no_store_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["backup", str(tmp_path / "b"), "--store", str(tmp_path / "none")])
    assert result.exit_code == 7
    assert "no kg store" in result.output


@pytest.mark.server
def test_backup_beside_a_writing_server_is_refused(
    runner: CliRunner, source: Path, tmp_path: Path
) -> None:
    process, _ = _start_server(source)
    try:
        result = runner.invoke(cli, ["backup", str(tmp_path / "b"), "--store", str(source)])
    finally:
        _stop(process)
    assert result.exit_code == 7
    assert "open for writing" in result.output
    assert not (tmp_path / "b").exists()


@pytest.mark.server
def test_backup_beside_read_only_workers_then_serve_the_backup(
    runner: CliRunner, source: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "backup"
    process, url = _start_server(source, "--workers", "2")
    try:
        result = runner.invoke(cli, ["backup", str(dest), "--store", str(source)])
        served = httpx.get(f"{url}/sparql", params={"query": COUNT}, timeout=30)
    finally:
        _stop(process)
    assert result.exit_code == 0, result.output
    restored, restored_url = _start_server(dest)
    try:
        answer = httpx.get(f"{restored_url}/sparql", params={"query": COUNT}, timeout=30)
    finally:
        _stop(restored)
    assert answer.json() == served.json()
    assert answer.json()["results"]["bindings"][0]["n"]["value"] == "201"
