"""Entity linking: identify kg's entities with items of external graphs (Wikidata, DBpedia,
GeoNames).

A :class:`Linker` takes entities and the context they were found in and returns
:class:`kg.model.Link` values; an entity with no confident candidate gets no link.
:class:`GazetteerLinker` works offline from the gazetteer shipped in ``kg/linking/data``;
:class:`SparqlLinker` asks a Wikidata-shaped SPARQL endpoint.
"""

from __future__ import annotations

from kg.linking.context import LinkContext, Linker, context_words
from kg.linking.gazetteer import Gazetteer, GazetteerEntry, GazetteerLinker, load_gazetteer
from kg.linking.sparql import SparqlLinker

__all__ = [
    "Gazetteer",
    "GazetteerEntry",
    "GazetteerLinker",
    "LinkContext",
    "Linker",
    "SparqlLinker",
    "context_words",
    "load_gazetteer",
]
