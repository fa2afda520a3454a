"""SHACL validation of kg's output against ``ontology/shapes.ttl`` with pySHACL."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, SH

from kg.export import export, format_named
from kg.store import GraphStore

__all__ = ["ONTOLOGY_DIR", "ValidationReport", "validate_store"]

ONTOLOGY_DIR = Path(__file__).resolve().parents[1] / "ontology"


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """Whether the data conforms, how many results pySHACL reported, and its text report."""

    conforms: bool
    results: int
    text: str


def validate_store(store: GraphStore, base: str, graph: str | None = None) -> ValidationReport:
    """Validate every graph of the store (their union), or one named graph.

    Raises:
        StoreError: the named graph does not exist.
    """
    from pyshacl import validate

    buffer = io.BytesIO()
    export(store, buffer, format_named("ntriples"), base, graph)
    data = Graph().parse(data=buffer.getvalue(), format="nt")
    shapes = Graph().parse(ONTOLOGY_DIR / "shapes.ttl")
    ontology = Graph().parse(ONTOLOGY_DIR / "kg.ttl")
    conforms, results, text = validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none"
    )
    count = len(set(results.subjects(RDF.type, SH.ValidationResult)))
    return ValidationReport(bool(conforms), count, str(text))
