"""The demo graph conforms to ontology/shapes.ttl (pySHACL)."""

from __future__ import annotations

from pathlib import Path

from pyshacl import validate
from rdflib import Graph

from kg.export import export, format_named
from kg.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]


def test_demo_graph_conforms_to_shapes(demo_store: GraphStore, tmp_path: Path) -> None:
    out = tmp_path / "demo.nt"
    with out.open("wb") as handle:
        export(demo_store, handle, format_named("ntriples"), "http://kg.example.org/")
    data = Graph().parse(out, format="nt")
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    ontology = Graph().parse(ROOT / "ontology" / "kg.ttl")
    conforms, _, text = validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none")
    assert conforms, text
