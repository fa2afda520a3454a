"""The `kg` command: exit codes, messages on stderr, and each command end to end."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import cli
from tests.conftest import ROOT

COMMANDS = sorted(cli.commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert cli.commands[command].help  # type: ignore[attr-defined]


def test_query_table_and_formats(runner: CliRunner, demo_store_path: Path) -> None:
    store = ["--store", str(demo_store_path)]
    table = runner.invoke(cli, ["query", "who-holds-which-post", *store])
    assert table.exit_code == 0, table.output
    assert "James Mattis" in table.output and "Secretary of Defense" in table.output
    as_json = runner.invoke(
        cli, ["query", str(ROOT / "queries" / "causes.rq"), *store, "--format", "json"]
    )
    rows = json.loads(as_json.output)["results"]["bindings"]
    assert any(r["marker"]["value"] == "due to" for r in rows)
    construct = "CONSTRUCT { ?p a ?t } WHERE { ?p a ?t } LIMIT 3"
    turtle = runner.invoke(cli, ["query", construct, *store, "--format", "turtle"])
    assert len(Graph().parse(data=turtle.output, format="turtle")) == 3


def test_malformed_query_exits_3(runner: CliRunner, demo_store_path: Path) -> None:
    result = runner.invoke(cli, ["query", "SELEC nothing", "--store", str(demo_store_path)])
    assert result.exit_code == 3
    assert "malformed SPARQL" in result.output


def test_export_to_file_and_stats(runner: CliRunner, demo_store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.ttl"
    result = runner.invoke(cli, ["export", "--store", str(demo_store_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(Graph().parse(out, format="turtle")) > 100
    stats = runner.invoke(cli, ["stats", "--store", str(demo_store_path)])
    assert "articles: 1" in stats.output


def test_optimize_keeps_the_content_and_refuses_a_missing_store(
    runner: CliRunner, demo_store_path: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "store"
    shutil.copytree(demo_store_path, copy, ignore=shutil.ignore_patterns("LOCK"))

    def quads() -> list[str]:
        return sorted(str(q) for q in ox.Store.read_only(str(copy)))

    before = quads()
    result = runner.invoke(cli, ["optimize", "--store", str(copy)])
    assert result.exit_code == 0, result.output
    assert f"{len(before)} quads" in result.output
    assert quads() == before
    missing = tmp_path / "missing"
    refused = runner.invoke(cli, ["optimize", "--store", str(missing)])
    assert refused.exit_code == 2
    assert "no kg store" in refused.output and not missing.exists()


def test_build_reports_failures_with_nonzero_exit(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    (folder / "ok.txt").write_text("Governor Maria Alvarez resigned on Friday.")
    result = subprocess.run(
        [sys.executable, "-m", "kg", "build", "--store", str(tmp_path / "s"), str(folder)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 2
    assert "blob.txt" in result.stderr and "binary file" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Built 1 article(s)" in result.stdout


def test_locked_store_is_a_clear_error(tmp_path: Path, demo_store_path: Path) -> None:
    from kg.store import GraphStore

    with GraphStore(tmp_path / "s"):
        result = subprocess.run(
            [sys.executable, "-m", "kg", "stats", "--store", str(tmp_path / "s")],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    assert result.returncode == 7
    assert str(tmp_path / "s") in result.stderr and "Traceback" not in result.stderr
