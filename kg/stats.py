"""Counts that describe a store: triples, articles, entities by type, events, facts."""

from __future__ import annotations

from kg.store import GraphStore
from kg.vocab import KG_NAMESPACE

__all__ = ["store_stats"]

_COUNT = """
PREFIX kg: <{ns}>
SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} }}
"""


def store_stats(store: GraphStore) -> dict[str, int]:
    """Named counts over the union of all article graphs."""
    counts = {"triples": len(store), "graphs": len(store.named_graphs())}
    for name, cls in [
        ("articles", "kg:Article"),
        ("persons", "kg:Person"),
        ("organizations", "kg:Organization"),
        ("places", "kg:Place"),
        ("posts", "kg:Post"),
        ("events", "kg:Event"),
        ("quotes", "kg:Quote"),
        ("facts", "kg:Fact"),
    ]:
        result = store.query(_COUNT.format(ns=KG_NAMESPACE, cls=cls))
        counts[name] = next(int(row["n"].value) for row in result)  # type: ignore[union-attr]
    return counts
