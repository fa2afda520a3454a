"""The counts a VoID description gives of a store, computed by SPARQL or read where they were saved.

Counts run over every graph (the union), whatever the union default graph setting: triples,
entities (IRIs under the base IRI that are subjects), distinct subjects and objects, articles
(named graphs), a class and a property partition, and the links to each external domain that
``owl:sameAs``/``skos:exactMatch`` point to. Triples and the property partition count the
statements of every graph (a triple that two articles state counts twice); distinct subjects and
objects and the entities of a class count each resource once, however many articles mention it.

Computing them scans the store three times, about 2.2 s per million quads (16 s for a
10,000-article store), so a writable store keeps them in its directory
(:meth:`GraphStore.save_statistics`) until its next write; `kg serve --workers N` computes them
once before starting its read-only workers, which then share them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pyoxigraph as ox

from kg.store import GraphStore

__all__ = ["FORMAT", "VoidStatistics", "void_statistics"]

FORMAT = 1
"""Version of the saved layout; saved statistics of another version are computed again."""

_LINK_PREDICATES = (
    "http://www.w3.org/2002/07/owl#sameAs",
    "http://www.w3.org/2004/02/skos/core#exactMatch",
)
# Three scans of the store: distinct objects; distinct subjects, among them the entities; and
# the property partition, whose counts add up to void:triples and void:properties. The entities
# are counted over distinct subjects because STR() reads an IRI's text from the store (once per
# subject, not once per triple: 79 s of the description on 1.5M quads before); a FILTER would
# be pushed down to every triple, hence SUM(IF(...)).
_OBJECTS = "SELECT (COUNT(DISTINCT ?o) AS ?distinctObjects) WHERE { ?s ?p ?o }"
_SUBJECTS = """SELECT (COUNT(*) AS ?distinctSubjects)
  (SUM(IF(isIRI(?s) && STRSTARTS(STR(?s), ?base), 1, 0)) AS ?entities)
WHERE { SELECT DISTINCT ?s WHERE { ?s ?p ?o } }"""
_CLASSES = "SELECT ?key (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?key } GROUP BY ?key ORDER BY ?key"
_PROPERTIES = "SELECT ?key (COUNT(*) AS ?n) WHERE { ?s ?key ?o } GROUP BY ?key ORDER BY ?key"
_LINKS = f"""SELECT ?domain ?p (COUNT(*) AS ?n) WHERE {{
  VALUES ?p {{ {" ".join(f"<{p}>" for p in _LINK_PREDICATES)} }}
  ?s ?p ?o
  FILTER(isIRI(?o) && !STRSTARTS(STR(?o), ?base))
  BIND(REPLACE(STR(?o), "^([A-Za-z][A-Za-z0-9+.-]*://[^/?#]*).*$", "$1/") AS ?domain)
}} GROUP BY ?domain ?p ORDER BY ?domain ?p"""


@dataclass(frozen=True)
class VoidStatistics:
    """A store's counts for one base IRI. Classes are N-Triples terms (a class may be any term
    in RDF), properties and link predicates IRIs; links are (domain, predicate, count)."""

    base: str
    totals: dict[str, int]
    classes: list[tuple[str, int]]
    properties: list[tuple[str, int]]
    links: list[tuple[str, str, int]]

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, **asdict(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VoidStatistics | None:
        """The statistics in data, or None when data is of another format or malformed."""
        if data.get("format") != FORMAT:
            return None
        try:
            return cls(
                base=str(data["base"]),
                totals={str(k): int(v) for k, v in data["totals"].items()},
                classes=[(str(k), int(n)) for k, n in data["classes"]],
                properties=[(str(k), int(n)) for k, n in data["properties"]],
                links=[(str(d), str(p), int(n)) for d, p, n in data["links"]],
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


def void_statistics(store: GraphStore, base: str) -> VoidStatistics:
    """The store's statistics for base: saved ones when the store has not changed since they were
    saved, otherwise computed (and saved, when the store is open for writing)."""
    saved = store.saved_statistics()
    found = VoidStatistics.from_json(saved) if saved is not None else None
    if found is not None and found.base == base:
        return found
    generation = store.generation
    computed = _compute(store, base)
    store.save_statistics(computed.to_json(), generation)
    return computed


def _compute(store: GraphStore, base: str) -> VoidStatistics:
    properties = [(str(r["key"].value), _int(r["n"])) for r in _select(store, _PROPERTIES, base)]
    totals = {
        name: _int(value)
        for query in (_OBJECTS, _SUBJECTS)
        for row in _select(store, query, base)
        for name, value in row.items()
    }
    totals["triples"] = sum(n for _, n in properties)
    totals["properties"] = len(properties)
    totals["documents"] = len(store.named_graphs())
    return VoidStatistics(
        base=base,
        totals=totals,
        classes=[
            (str(r["key"]), _int(r["n"]))
            for r in _select(store, _CLASSES, base)
            if not isinstance(r["key"], ox.Triple)  # a quoted triple as a class: not VoID's
        ],
        properties=properties,
        links=[
            (str(r["domain"].value), str(r["p"].value), _int(r["n"]))
            for r in _select(store, _LINKS, base)
        ],
    )


def _select(store: GraphStore, query: str, base: str) -> list[dict[str, Any]]:
    """Rows of a SELECT over the union of all graphs, with ?base replaced by base (a string)."""
    result = store.query(query.replace("?base", str(ox.Literal(base))))
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: row[n] for n in names if row[n] is not None} for row in result]


def _int(value: ox.Literal) -> int:
    return int(value.value)
