"""Content negotiation: which media type answers a SELECT/ASK or a CONSTRUCT/DESCRIBE result.

The ``format`` parameter wins over ``Accept``; it takes kg's format names, the names SPARQLWrapper
sends (``json``, ``xml``, ``rdf+xml``, ``json-ld``, ...) or a media type. RDF formats come from
:data:`kg.export.FORMATS`, the table the CLI uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import NotAcceptable

from kg.export import FORMATS

__all__ = ["GRAPH_MEDIA", "RESULT_MEDIA", "Choice", "Kind", "Negotiation"]

Kind = Literal["results", "graph"]

RESULT_MEDIA: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_MEDIA: dict[str, ox.RdfFormat] = {spec.media_type: spec.native for spec in FORMATS}

_MEDIA_ALIASES = {"application/json": "application/sparql-results+json"}
_RESULT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
_GRAPH_NAMES = {spec.name: spec.media_type for spec in FORMATS} | {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "n3": "text/turtle",
    "xml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml",
    "json": "application/ld+json",
    "json-ld": "application/ld+json",
}


@dataclass(frozen=True, slots=True)
class Choice:
    """The media type chosen for a response and the pyoxigraph format that writes it."""

    media_type: str
    native: ox.QueryResultsFormat | ox.RdfFormat


@dataclass(frozen=True, slots=True)
class Negotiation:
    """What the client asked for (read from the request; usable outside the request thread)."""

    accept: MIMEAccept
    formats: tuple[str, ...] = ()

    def choose(self, kind: Kind) -> Choice:
        """The best media type for a result kind.

        Raises:
            NotAcceptable: neither ``format`` nor ``Accept`` allows a format kg writes.
        """
        media = _table(kind)
        if self.formats:
            return _from_format_parameter(self.formats, kind)
        if not self.accept:
            default = next(iter(media))
            return Choice(default, media[default])
        offered = [*media, *(alias for alias, to in _MEDIA_ALIASES.items() if to in media)]
        best = self.accept.best_match(offered)
        if best is None:
            raise NotAcceptable(
                f"no acceptable format for a {_label(kind)}; kg writes: {', '.join(media)}"
            )
        best = _MEDIA_ALIASES.get(best, best)
        return Choice(best, media[best])


def _table(kind: Kind) -> dict[str, ox.QueryResultsFormat] | dict[str, ox.RdfFormat]:
    return RESULT_MEDIA if kind == "results" else GRAPH_MEDIA


def _label(kind: Kind) -> str:
    return "SELECT/ASK result" if kind == "results" else "CONSTRUCT/DESCRIBE result"


def _from_format_parameter(values: tuple[str, ...], kind: Kind) -> Choice:
    media: dict[str, ox.QueryResultsFormat] | dict[str, ox.RdfFormat] = _table(kind)
    names = _RESULT_NAMES if kind == "results" else _GRAPH_NAMES
    for value in values:
        found = names.get(value.strip().lower(), value.strip().lower())
        found = _MEDIA_ALIASES.get(found, found)
        if found in media:
            return Choice(found, media[found])
    raise NotAcceptable(
        f"format={values[0]!r} does not fit a {_label(kind)}; "
        f"choose one of: {', '.join(sorted(names))}"
    )
