"""Serialisations kg writes: one table used by the CLI and the server's content negotiation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

import pyoxigraph as ox

from kg.errors import InputError
from kg.iri import links_graph_iri, resource_prefixes
from kg.store import GraphStore
from kg.vocab import PREFIXES

__all__ = ["FORMATS", "LINK_MODES", "RdfFormatSpec", "export", "format_named", "prefixes_for"]

LINK_MODES = ("include", "exclude", "only")


@dataclass(frozen=True, slots=True)
class RdfFormatSpec:
    """An RDF serialisation: CLI name, media type, pyoxigraph format, file suffix."""

    name: str
    media_type: str
    native: ox.RdfFormat
    suffix: str

    @property
    def dataset(self) -> bool:
        """True for formats that carry named graphs (N-Quads, TriG)."""
        return bool(self.native.supports_datasets)


FORMATS: tuple[RdfFormatSpec, ...] = (
    RdfFormatSpec("turtle", "text/turtle", ox.RdfFormat.TURTLE, ".ttl"),
    RdfFormatSpec("ntriples", "application/n-triples", ox.RdfFormat.N_TRIPLES, ".nt"),
    RdfFormatSpec("nquads", "application/n-quads", ox.RdfFormat.N_QUADS, ".nq"),
    RdfFormatSpec("trig", "application/trig", ox.RdfFormat.TRIG, ".trig"),
    RdfFormatSpec("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD, ".jsonld"),
    RdfFormatSpec("rdfxml", "application/rdf+xml", ox.RdfFormat.RDF_XML, ".rdf"),
)


def format_named(name: str) -> RdfFormatSpec:
    """The format called name.

    Raises:
        InputError: no such format.
    """
    for spec in FORMATS:
        if spec.name == name:
            return spec
    raise InputError(
        f"unknown format {name!r}; choose one of: {', '.join(f.name for f in FORMATS)}"
    )


def prefixes_for(base: str) -> dict[str, str]:
    """Vocabulary prefixes plus kg's resource prefixes for a base IRI."""
    return {**PREFIXES, **resource_prefixes(base)}


def export(
    store: GraphStore,
    output: IO[bytes],
    spec: RdfFormatSpec,
    base: str,
    graph: str | None = None,
    links: str = "include",
) -> None:
    """Stream the store, or one named graph, to output in the given format.

    links: "include" the links graph (the linkset to external graphs), "exclude" it, or export
    "only" it.

    Raises:
        StoreError: the graph does not exist.
        InputError: links is not one of LINK_MODES, or is combined with a graph.
    """
    if links not in LINK_MODES:
        raise InputError(f"--links must be one of {', '.join(LINK_MODES)}, not {links!r}")
    if links != "include" and graph is not None:
        raise InputError("--links exclude|only cannot be combined with --graph")
    prefixes = prefixes_for(base) if spec.name in ("turtle", "trig", "rdfxml") else {}
    linkset = links_graph_iri(base)
    if links == "only":
        store.dump(output, spec.native, linkset, prefixes)
    else:
        store.dump(output, spec.native, graph, prefixes, linkset if links == "exclude" else None)
