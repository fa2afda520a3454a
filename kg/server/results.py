"""Evaluating one query into a complete response body, before any byte is sent.

Solutions are read row by row (so a cancelled query stops at the next row and the row cap is
enforced), kept as SPARQL TSV (lossless), then written in the negotiated format by pyoxigraph.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kg.errors import InputError, QueryTimeout
from kg.export import prefixes_for
from kg.server.errors import ResultTooLarge
from kg.server.negotiation import Negotiation
from kg.server.protocol import Operation
from kg.store import GraphStore

__all__ = ["Answer", "Limits", "answer_query", "write_graph"]


@dataclass(frozen=True, slots=True)
class Answer:
    """A complete response body and its media type."""

    body: bytes
    media_type: str


@dataclass(frozen=True, slots=True)
class Limits:
    """What a query may return and how its dataset defaults."""

    max_rows: int
    union_default_graph: bool
    base_iri: str


def answer_query(
    store: GraphStore,
    operation: Operation,
    negotiation: Negotiation,
    limits: Limits,
    cancelled: threading.Event,
) -> Answer:
    """Run a query and serialise its whole result.

    Raises:
        QueryError: the query does not parse or fails.
        InputError: a graph IRI parameter is not an IRI.
        NotAcceptable: no format the client accepts fits the result.
        ResultTooLarge: more than ``limits.max_rows`` rows or triples.
    """
    options = _dataset(operation, limits.union_default_graph)
    result = store.query(operation.text, **options)
    if isinstance(result, ox.QueryTriples):
        choice = negotiation.choose("graph")
        triples = _collect(result, limits.max_rows, cancelled)
        body = write_graph(triples, choice.native, prefixes_for(limits.base_iri))
        return Answer(body, choice.media_type)
    choice = negotiation.choose("results")
    if isinstance(result, ox.QuerySolutions):
        tsv = _as_tsv(result, limits.max_rows, cancelled)
        result = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
    return Answer(_write_results(result, choice.native), choice.media_type)


def write_graph(
    triples: list[ox.Triple],
    fmt: ox.RdfFormat | ox.QueryResultsFormat,
    prefixes: dict[str, str],
) -> bytes:
    """Triples in an RDF format, with prefixes where the format has them."""
    assert isinstance(fmt, ox.RdfFormat)
    used = prefixes if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    body = ox.serialize(triples, None, fmt, prefixes=used)
    assert body is not None
    return body


def _write_results(
    result: ox.QuerySolutions | ox.QueryBoolean, fmt: ox.RdfFormat | ox.QueryResultsFormat
) -> bytes:
    assert isinstance(fmt, ox.QueryResultsFormat)
    body = result.serialize(None, fmt)
    assert body is not None
    return body


def _dataset(operation: Operation, union: bool) -> dict[str, Any]:
    if not operation.default_graphs and not operation.named_graphs:
        return {"union": union}
    try:
        default = [ox.NamedNode(iri) for iri in operation.default_graphs]
        named = [ox.NamedNode(iri) for iri in operation.named_graphs]
    except ValueError as exc:
        raise InputError(f"default-graph-uri/named-graph-uri must be IRIs: {exc}") from exc
    return {"union": False, "default_graph": default, "named_graphs": named}


def _as_tsv(solutions: ox.QuerySolutions, max_rows: int, cancelled: threading.Event) -> bytes:
    variables = solutions.variables
    lines = ["\t".join(str(v) for v in variables)]
    for count, row in enumerate(solutions, start=1):
        _check(count, max_rows, cancelled, "rows")
        lines.append("\t".join("" if row[v] is None else str(row[v]) for v in variables))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _collect(
    triples: ox.QueryTriples, max_rows: int, cancelled: threading.Event
) -> list[ox.Triple]:
    collected = []
    for count, triple in enumerate(triples, start=1):
        _check(count, max_rows, cancelled, "triples")
        collected.append(triple)
    return collected


def _check(count: int, max_rows: int, cancelled: threading.Event, what: str) -> None:
    if cancelled.is_set():
        raise QueryTimeout("query cancelled after the timeout")
    if count > max_rows:
        raise ResultTooLarge(
            f"the result has more than {max_rows} {what} (KG_MAX_ROWS); add a LIMIT or narrow it"
        )
