"""Rendering query results for the terminal: a table, or a standard format on request."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.export import prefixes_for
from kg.queries import QUERY_DIR, find_query
from kg.store import QueryResult

__all__ = ["render", "resolve_query"]

_RESULT_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}
_GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}


def resolve_query(text: str) -> str:
    """SPARQL from text itself, from a .rq file path, or from a stored query's name.

    Raises:
        NotFound: a name that is no stored query.
    """
    path = Path(text)
    if text.endswith(".rq") and path.is_file():
        return path.read_text("utf-8")
    if text.replace("-", "_").isidentifier() and (QUERY_DIR / f"{text}.rq").is_file():
        return find_query(text).sparql
    return text


def render(result: QueryResult, fmt: str, base: str) -> bytes:
    """Bytes to print for a query result in fmt.

    Raises:
        InputError: fmt does not fit the result's kind.
    """
    if isinstance(result, ox.QueryTriples):
        if fmt == "table":
            fmt = "turtle"
        if fmt not in _GRAPH_FORMATS:
            raise InputError(f"a CONSTRUCT/DESCRIBE result prints as turtle or ntriples, not {fmt}")
        prefixes = prefixes_for(base) if fmt == "turtle" else None
        return ox.serialize(result, None, _GRAPH_FORMATS[fmt], prefixes=prefixes) or b""
    if fmt == "table":
        return _table(result, prefixes_for(base)).encode("utf-8")
    if fmt not in _RESULT_FORMATS:
        raise InputError(f"a SELECT/ASK result prints as table, csv, tsv, json or xml, not {fmt}")
    return result.serialize(None, _RESULT_FORMATS[fmt]) or b""


def _short(term: object, prefixes: dict[str, str]) -> str:
    if isinstance(term, ox.NamedNode):
        for name, namespace in sorted(prefixes.items(), key=lambda p: -len(p[1])):
            if term.value.startswith(namespace):
                return f"{name}:{term.value[len(namespace) :]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value
    return "" if term is None else str(term)


def _table(result: ox.QuerySolutions | ox.QueryBoolean, prefixes: dict[str, str]) -> str:
    if isinstance(result, ox.QueryBoolean):
        return f"{bool(result)}\n"
    names = [v.value for v in result.variables]
    rows = [[_short(row[name], prefixes) for name in names] for row in result]
    widths = [max([len(n), *(min(len(r[i]), 80) for r in rows)]) for i, n in enumerate(names)]
    lines = [" | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    for row in rows:
        cells = [
            (c if len(c) <= 80 else c[:77] + "...").ljust(w)
            for c, w in zip(row, widths, strict=True)
        ]
        lines.append(" | ".join(cells))
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
