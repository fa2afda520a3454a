"""The SPARQL 1.1 Service Description answered by a GET on /sparql without a query."""

from __future__ import annotations

import pyoxigraph as ox

from kg.config import Settings
from kg.server.void import dataset_iri

__all__ = ["DESCRIPTION_PREFIXES", "describe_service"]

_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"
_VOID = "http://rdfs.org/ns/void#"
DESCRIPTION_PREFIXES = {"sd": _SD, "formats": _FORMATS, "void": _VOID}
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "RDF_XML",
    "JSON-LD",
    "TriG",
    "N-Quads",
)


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(_SD + name)


def describe_service(endpoint: str, settings: Settings) -> list[ox.Triple]:
    """Triples describing the endpoint at the URL endpoint (no blank nodes)."""
    root = endpoint.rsplit("/", 1)[0] + "/"
    service, dataset = ox.NamedNode(endpoint), ox.NamedNode(dataset_iri(root))
    default_graph = ox.NamedNode(f"{endpoint}#default-graph")
    writable = settings.update_token and settings.workers == 1
    languages = ["SPARQL11Query"] + (["SPARQL11Update"] if writable else [])
    features = ["UnionDefaultGraph"] if settings.union_default_graph else []
    return [
        ox.Triple(service, _RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), service),
        *(ox.Triple(service, _sd("supportedLanguage"), _sd(name)) for name in languages),
        *(ox.Triple(service, _sd("feature"), _sd(name)) for name in features),
        *(
            ox.Triple(service, _sd("resultFormat"), ox.NamedNode(_FORMATS + name))
            for name in _RESULT_FORMATS
        ),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, _RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _RDF_TYPE, ox.NamedNode(f"{_VOID}Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, _RDF_TYPE, _sd("Graph")),
    ]
