"""The query library: ``queries/*.rq``, each documenting itself with ``# title:`` and
``# description:`` header lines."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.errors import NotFound

__all__ = ["QUERY_DIR", "StoredQuery", "find_query", "load_queries"]

QUERY_DIR = Path(__file__).resolve().parents[1] / "queries"


@dataclass(frozen=True, slots=True)
class StoredQuery:
    """A query file: its name (file stem), title, description and SPARQL text."""

    name: str
    title: str
    description: str
    sparql: str

    @property
    def remote(self) -> bool:
        """True for a query that asks a remote endpoint (header ``# remote: true``)."""
        return _header(self.sparql, "remote").lower() == "true"

    @property
    def needs_links(self) -> bool:
        """True for a query that needs the links graph (header ``# requires: links``)."""
        return "links" in _header(self.sparql, "requires").split()


def _header(text: str, key: str) -> str:
    prefix = f"# {key}:"
    for line in text.splitlines():
        if line.startswith(prefix):
            return line[len(prefix) :].strip()
    return ""


def load_queries(directory: Path = QUERY_DIR) -> list[StoredQuery]:
    """Every query in directory, sorted by name."""
    queries = []
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text("utf-8")
        queries.append(
            StoredQuery(path.stem, _header(text, "title"), _header(text, "description"), text)
        )
    return queries


def find_query(name: str, directory: Path = QUERY_DIR) -> StoredQuery:
    """The stored query called name.

    Raises:
        NotFound: no such query.
    """
    for query in load_queries(directory):
        if query.name == name:
            return query
    raise NotFound(f"no query named {name!r} in {directory}")
