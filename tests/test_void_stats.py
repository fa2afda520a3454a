"""The VoID counts: computed by SPARQL, saved in the store, deleted by every write."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.config import Settings
from kg.server.void import describe_dataset
from kg.store import STATISTICS_FILE, GraphStore
from kg.void_stats import VoidStatistics, void_statistics

BASE = Settings().base_iri
ROOT = "http://localhost:5000/"
OWL = "http://www.w3.org/2002/07/owl#"
VOID = "http://rdfs.org/ns/void#"
DATA = f"""PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT DATA {{
  GRAPH <{BASE}graph/a1> {{
    <{BASE}entity/person/ann> a <{BASE}ontology#Person> ;
      owl:sameAs <http://www.wikidata.org/entity/Q1> .
    <{BASE}entity/person/bob> a <{BASE}ontology#Person> , "odd class" , _:c .
  }}
  GRAPH <{BASE}graph/a2> {{ <{BASE}entity/person/ann> <http://example.org/p> 1 . }}
}}"""
NEW = '<http://x.org/a> <http://x.org/b> "3" .\n<http://x.org/a> <http://x.org/b> "4" .\n'
WRITES = {
    "update": lambda s: s.update("INSERT DATA { <http://x.org/a> <http://x.org/b> 2 }"),
    "replace": lambda s: s.replace_graph_text(f"{BASE}graph/a2", NEW),
    "add": lambda s: s.add_graphs([(f"{BASE}graph/a3", NEW)]),
    "drop": lambda s: s.drop_graph(f"{BASE}graph/a1"),
}


@pytest.fixture
def store(tmp_path: Path) -> GraphStore:
    opened = GraphStore(tmp_path / "store")
    opened.update(DATA)
    return opened


def _graph(triples: list[ox.Triple]) -> rdflib.Graph:
    text = "".join(f"{t} .\n" for t in triples)
    return rdflib.Graph().parse(data=text, format="nt")


def test_counts_are_saved_and_read_back_the_same(store: GraphStore) -> None:
    computed = describe_dataset(store, Settings(store=store.path), ROOT)
    saved = json.loads((store.path / STATISTICS_FILE).read_text())
    assert saved["totals"]["triples"] == len(store) == 6
    assert saved["totals"]["documents"] == 2
    assert {key for key, _ in saved["classes"]} == {
        f"<{BASE}ontology#Person>",
        '"odd class"',
        next(key for key, _ in saved["classes"] if key.startswith("_:")),
    }
    assert saved["links"] == [
        ["http://www.wikidata.org/", "http://www.w3.org/2002/07/owl#sameAs", 1]
    ]
    # Described again from the saved counts (a fresh handle: no in-memory state).
    store.close()
    with GraphStore(store.path, read_only=True) as again:
        assert again.saved_statistics() == saved
        read_back = describe_dataset(again, Settings(store=store.path), ROOT)
    assert isomorphic(_graph(computed), _graph(read_back))


def test_saved_counts_are_what_is_served(store: GraphStore) -> None:
    """Counts planted in the file are served as they are: proof that it is read, not recomputed."""
    counts = void_statistics(store, BASE)
    planted = VoidStatistics(counts.base, {**counts.totals, "triples": 12345}, [], [], [])
    assert store.save_statistics(planted.to_json(), store.generation)
    assert void_statistics(store, BASE).totals["triples"] == 12345
    # Another base IRI, another format or a damaged file: computed again, from the store.
    assert void_statistics(store, "https://other.example/").totals["triples"] == 6
    for damaged in ('{"format": 0}', "{not json", '{"format": 1, "base": 3}', "[]"):
        (store.path / STATISTICS_FILE).write_text(damaged)
        assert void_statistics(store, BASE).totals["triples"] == 6


@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_write_deletes_the_saved_counts(store: GraphStore, write: str) -> None:
    before = void_statistics(store, BASE).totals["triples"]
    assert (store.path / STATISTICS_FILE).exists()
    WRITES[write](store)
    assert not (store.path / STATISTICS_FILE).exists()
    assert void_statistics(store, BASE).totals["triples"] == len(store) != before


def test_counts_of_content_older_than_a_write_are_not_saved(store: GraphStore) -> None:
    generation = store.generation
    counts = void_statistics(store, BASE)
    (store.path / STATISTICS_FILE).unlink()
    store.update("INSERT DATA { <http://x.org/a> <http://x.org/b> 2 }")
    assert not store.save_statistics(counts.to_json(), generation)
    assert not (store.path / STATISTICS_FILE).exists()


def test_counts_not_saved_while_a_write_is_under_way(store: GraphStore) -> None:
    """A computation that ends during a write may have read the content before it."""
    held = store._writing()
    held.__enter__()
    generation = store.generation
    try:
        assert not store.save_statistics({"format": 1}, generation)
    finally:
        held.__exit__(None, None, None)
    assert not (store.path / STATISTICS_FILE).exists()
    assert store.generation == generation + 1


def test_read_only_store_neither_saves_nor_deletes(store: GraphStore) -> None:
    saved = void_statistics(store, BASE)
    store.close()
    with GraphStore(store.path, read_only=True) as reader:
        (reader.path / STATISTICS_FILE).unlink()
        assert void_statistics(reader, BASE) == saved
        assert not (reader.path / STATISTICS_FILE).exists()
        assert not reader.save_statistics(saved.to_json(), reader.generation)


def test_a_triple_term_used_as_a_class_is_left_out(store: GraphStore) -> None:
    """RDF 1.2 lets a triple term be the object of rdf:type; VoID's void:class is a resource."""
    store.update(
        "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> INSERT DATA { GRAPH "
        "<http://x.org/g> { <http://x.org/a> rdf:type <<( <http://x.org/a> <http://x.org/b> "
        "<http://x.org/c> )>> } }"
    )
    counts = void_statistics(store, BASE)
    assert counts.totals["triples"] == len(store) == 7
    assert len(counts.classes) == 3 and all("<<" not in key for key, _ in counts.classes)
    described = _graph(describe_dataset(store, Settings(store=store.path), ROOT))
    assert len(list(described.objects(predicate=rdflib.URIRef(f"{VOID}class")))) == 3
