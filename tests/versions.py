"""Helpers of the crash-safety and concurrency tests: a store's triples by named graph, what
each graph may hold after a crash, and the environment of the `kg` processes they start.

tests/data/crash/ holds two versions of a small news corpus: v1.jsonl, and v2.jsonl with some
articles edited, some added and two dropped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from kg.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]
VERSIONS = Path(__file__).resolve().parent / "data" / "crash"
V1, V2 = VERSIONS / "v1.jsonl", VERSIONS / "v2.jsonl"

Graphs = dict[str, frozenset[str]]
"""Named graph IRI -> its triples as N-Triples lines (kg writes no blank nodes)."""


def store_graphs(path: Path) -> Graphs:
    """Every named graph of the store at path, opened read-write as the next kg process would
    (which replays Oxigraph's write-ahead log after a crash)."""
    found: dict[str, set[str]] = {}
    with GraphStore(path) as store:
        for quad in store.native:
            assert isinstance(quad.graph_name, ox.NamedNode), f"default-graph triple {quad}"
            assert not isinstance(quad.subject, ox.BlankNode), f"blank node in {quad}"
            assert not isinstance(quad.object, ox.BlankNode), f"blank node in {quad}"
            found.setdefault(quad.graph_name.value, set()).add(f"{quad.triple} .")
    return {graph: frozenset(triples) for graph, triples in found.items()}


def ntriples(triples: frozenset[str]) -> str:
    """A graph's triples as an N-Triples document."""
    return "".join(line + "\n" for line in sorted(triples))


def versions_of(graphs: Graphs, old: Graphs, new: Graphs) -> dict[str, str]:
    """Which version ('old' or 'new') each graph of a store is; fails on any other state.

    A graph absent from the store must be absent from old (an article v2 adds, not yet built):
    an old graph never goes missing while it is being replaced.
    """
    seen: dict[str, str] = {}
    for graph, triples in graphs.items():
        if triples == new.get(graph):
            seen[graph] = "new"
        else:
            assert triples == old.get(graph), f"graph <{graph}> is neither its old nor new version"
            seen[graph] = "old"
    missing = sorted(set(old) - set(graphs))
    assert not missing, f"graphs lost: {missing}"
    return seen


def expected_after(old: Graphs, new: Graphs, input_graphs: set[str]) -> Graphs:
    """The store once the new build completed: the new graphs, and the old graphs of articles
    no longer in the input (`kg build` leaves them; `kg delete` removes them)."""
    kept = {graph: triples for graph, triples in old.items() if graph not in input_graphs}
    return {**kept, **new}


def kg_env(**extra: str) -> dict[str, str]:
    """The environment of a `kg` child process: this checkout first on the path."""
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}  # noqa: TID251
