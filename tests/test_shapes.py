"""The demo graph conforms to ontology/shapes.ttl (pySHACL), through `kg validate` too."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli
from kg.store import GraphStore
from kg.validation import validate_store

BASE = "http://kg.example.org/"


def test_demo_graph_conforms_to_shapes(demo_store: GraphStore) -> None:
    report = validate_store(demo_store, BASE)
    assert report.conforms, report.text
    assert report.results == 0


def test_kg_validate_reports_violations(runner: CliRunner, tmp_path: Path) -> None:
    graph = "http://kg.example.org/graph/bad"
    with GraphStore(tmp_path / "s") as store:
        store.update(
            "PREFIX kg: <https://w3id.org/kg-news/ontology#> "
            f"INSERT DATA {{ GRAPH <{graph}> {{ <http://kg.example.org/fact/x> a kg:Fact ; "
            'kg:confidence "1.5"^^<http://www.w3.org/2001/XMLSchema#double> } }'
        )
    result = runner.invoke(cli, ["validate", "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "SHACL violation(s)" in result.output
    assert "fact/x" in result.output


def test_kg_validate_passes_on_demo(runner: CliRunner, demo_store_path: Path) -> None:
    result = runner.invoke(cli, ["validate", "--store", str(demo_store_path)])
    assert result.exit_code == 0, result.output
    assert "Conforms" in result.output
