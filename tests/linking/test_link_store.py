"""Linking a built store: `kg build --link`, `kg link` offline and online, the links graph and
its export, and what a failing endpoint does to each command."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pyshacl import validate
from rdflib import Graph
from spacy.language import Language

from kg.build import build
from kg.cli import cli
from kg.config import Settings
from kg.errors import LinkError
from kg.store import GraphStore
from tests.linking.servers import broken_server

ROOT = Path(__file__).resolve().parents[2]
LINKS_GRAPH = "http://kg.example.org/graph/links"
ARTICLE = (
    "German Chancellor Angela Merkel met NATO leaders in Berlin on Monday. "
    "Angela Merkel said Germany would raise its defence spending."
)


@pytest.fixture
def article_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "summit.txt").write_text(ARTICLE, "utf-8")
    return folder


@pytest.fixture
def link_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KG_LINK_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("KG_LINK_MIN_INTERVAL_S", "0")
    monkeypatch.setenv("KG_LINK_BACKOFF_S", "0.01")
    monkeypatch.setenv("KG_LINK_RETRIES", "1")


def _labels_linked(store_path: Path) -> dict[str, str]:
    query = (
        "SELECT ?label ?target WHERE { GRAPH <" + LINKS_GRAPH + "> { ?n a "
        "<https://w3id.org/kg-news/ontology#Link> ; <http://www.w3.org/1999/02/22-rdf-syntax-ns"
        "#subject> ?e ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> ?target } "
        "?e <http://www.w3.org/2000/01/rdf-schema#label> ?label "
        'FILTER(STRSTARTS(STR(?target), "http://www.wikidata.org/")) }'
    )
    with GraphStore(store_path) as store:
        return {row["label"].value: row["target"].value for row in store.query(query)}  # type: ignore[union-attr]


def test_build_with_link_writes_the_links_graph(
    article_dir: Path, settings: Settings, nlp: Language
) -> None:
    report = build([article_dir], settings, nlp=nlp, link=True)
    assert report.links is not None and report.links.linked >= 3
    linked = _labels_linked(settings.store)
    assert linked["Angela Merkel"] == "http://www.wikidata.org/entity/Q567"
    assert linked["Berlin"] == "http://www.wikidata.org/entity/Q64"
    assert linked["NATO"] == "http://www.wikidata.org/entity/Q7184"


def test_links_graph_conforms_to_shapes(
    article_dir: Path, settings: Settings, nlp: Language, tmp_path: Path
) -> None:
    build([article_dir], settings, nlp=nlp, link=True)
    out = tmp_path / "all.nt"
    result = CliRunner().invoke(
        cli, ["export", "--store", str(settings.store), "--format", "ntriples", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    ontology = Graph().parse(ROOT / "ontology" / "kg.ttl")
    data = Graph().parse(out, format="nt")
    conforms, _, text = validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none")
    assert conforms, text


@pytest.mark.parametrize(
    ("mode", "has_links", "has_articles"),
    [("include", True, True), ("exclude", False, True), ("only", True, False)],
)
def test_export_links_modes(
    article_dir: Path,
    settings: Settings,
    nlp: Language,
    mode: str,
    has_links: bool,
    has_articles: bool,
) -> None:
    build([article_dir], settings, nlp=nlp, link=True)
    result = CliRunner().invoke(
        cli, ["export", "--store", str(settings.store), "--format", "nquads", "--links", mode]
    )
    assert result.exit_code == 0, result.output
    assert ("kg-news/ontology#Link>" in result.output) is has_links
    assert ("kg-news/ontology#Article" in result.output) is has_articles


def test_kg_link_offline_then_online(
    article_dir: Path, settings: Settings, nlp: Language, wikidata_server: str, link_env: None
) -> None:
    build([article_dir], settings, nlp=nlp)
    runner = CliRunner()
    result = runner.invoke(cli, ["link", "--store", str(settings.store)])
    assert result.exit_code == 0, result.output
    assert "(gazetteer)" in result.output
    result = runner.invoke(
        cli, ["link", "--store", str(settings.store), "--endpoint", wikidata_server]
    )
    assert result.exit_code == 0, result.output
    assert "(sparql)" in result.output
    linked = _labels_linked(settings.store)
    assert linked["Angela Merkel"] == "http://www.wikidata.org/entity/Q567"
    assert "Monday" not in linked


def test_kg_link_with_failing_endpoint_exits_8(
    article_dir: Path, settings: Settings, nlp: Language, link_env: None
) -> None:
    build([article_dir], settings, nlp=nlp, link=True)
    before = _labels_linked(settings.store)
    with broken_server() as (url, _server):
        result = CliRunner().invoke(
            cli, ["link", "--store", str(settings.store), "--endpoint", url]
        )
    assert result.exit_code == LinkError.exit_code == 8
    assert "503" in result.output
    assert _labels_linked(settings.store) == before  # the links graph is left as it was


def test_kg_build_link_with_failing_endpoint_warns(
    article_dir: Path, settings: Settings, nlp: Language, link_env: None
) -> None:
    build([article_dir], settings, nlp=nlp)
    with broken_server() as (url, _server):
        result = CliRunner().invoke(
            cli,
            [
                "build",
                str(article_dir),
                "--store",
                str(settings.store),
                "--link",
                "--endpoint",
                url,
            ],
        )
    assert result.exit_code == 0, result.output
    assert "Warning: online linking failed" in result.output
    assert "(gazetteer)" in result.output
