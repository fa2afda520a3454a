"""The SPARQL 1.1 Graph Store HTTP Protocol at /store: GET, HEAD, PUT, POST, DELETE on
``?graph=IRI`` or ``?default``.

GET negotiates a format from :data:`kg.export.FORMATS` (Turtle by default). With the union
default graph setting on, ``GET ?default`` returns the union of all graphs (what queries see);
writes to ``?default`` always address the store's own default graph, as SPARQL Update does.
Writes need the update token; PUT replaces a graph in one transaction.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import UnsupportedMediaType

from kg.errors import InputError, NotFound
from kg.export import prefixes_for
from kg.server.auth import check_write_access
from kg.server.cors import add_cors_headers
from kg.server.json_depth import check_json_depth
from kg.server.negotiation import Negotiation
from kg.server.services import Services, services
from kg.server.xml_entities import check_entity_expansion

__all__ = ["graph_store"]

graph_store = Blueprint("graph_store", __name__)

_UNION = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
_PREFIXED = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)


@dataclass(frozen=True, slots=True)
class Target:
    """The graph a request names: an IRI, or None for the default graph."""

    graph: str | None

    @property
    def label(self) -> str:
        """How messages name the graph."""
        return "the default graph" if self.graph is None else f"graph <{self.graph}>"


def read_target(has_default: bool, graphs: list[str]) -> Target:
    """The graph named by ``?default`` or one ``?graph=IRI``.

    Raises:
        InputError: neither, both, several graphs, or not an absolute IRI.
    """
    if has_default == bool(graphs) or len(graphs) > 1:
        raise InputError("name one graph: '?graph=IRI' or '?default' (not both, not several)")
    if has_default:
        return Target(None)
    try:
        return Target(ox.NamedNode(graphs[0]).value)
    except ValueError as exc:
        raise InputError(f"graph={graphs[0]!r} is not an absolute IRI: {exc}") from exc


@graph_store.route("/store", methods=["GET", "PUT", "POST", "DELETE"])
def store_endpoint() -> Response:
    """Read, replace, merge into or delete one graph."""
    target = read_target("default" in request.args, request.args.getlist("graph"))
    kg = services(current_app)
    if request.method in ("GET", "HEAD"):
        return _get(kg, target)
    check_write_access(kg.settings, request.headers.get("Authorization"), "Graph Store writes")
    existed = target.graph is None or kg.store.has_graph(target.graph)
    if request.method == "DELETE":
        return _delete(kg, target, existed)
    triples = parse_body(request.get_data(), request.mimetype, target)
    kg.store.write_triples(target.graph, triples, replace=request.method == "PUT")
    return Response(status=204 if existed else 201)


def _get(kg: Services, target: Target) -> Response:
    if target.graph is not None and not kg.store.has_graph(target.graph):
        raise NotFound(f"no {target.label} in the store")
    choice = Negotiation(request.accept_mimetypes).choose("graph")
    assert isinstance(choice.native, ox.RdfFormat)
    prefixes = prefixes_for(kg.settings.base_iri) if choice.native in _PREFIXED else {}
    output = io.BytesIO()
    if target.graph is None and kg.settings.union_default_graph:
        ox.serialize(kg.store.query(_UNION), output, choice.native, prefixes=prefixes)  # type: ignore[arg-type]
    else:
        graph = ox.DefaultGraph() if target.graph is None else ox.NamedNode(target.graph)
        kg.store.native.dump(output, choice.native, from_graph=graph, prefixes=prefixes)
    response = Response(output.getvalue(), content_type=f"{choice.media_type}; charset=utf-8")
    response.vary.add("Accept")
    return response


def _delete(kg: Services, target: Target, existed: bool) -> Response:
    if not existed:
        raise NotFound(f"no {target.label} in the store")
    if target.graph is None:
        kg.store.update("CLEAR SILENT DEFAULT")
    else:
        kg.store.drop_graph(target.graph)
    return Response(status=204)


def parse_body(data: bytes, media_type: str | None, target: Target) -> list[ox.Triple]:
    """The triples of a request body in any RDF format pyoxigraph reads.

    Raises:
        UnsupportedMediaType: no or an unknown Content-Type.
        InputError: the body does not parse, nests too deeply (JSON-LD), or (TriG, N-Quads)
            names graphs of its own.
        RequestEntityTooLarge: an RDF/XML body's entities expand past the body limit.
    """
    fmt = ox.RdfFormat.from_media_type(media_type) if media_type else None
    if fmt is None:
        raise UnsupportedMediaType(
            f"cannot read a {media_type or 'body without Content-Type'}; send Turtle, "
            "N-Triples, RDF/XML, JSON-LD, TriG or N-Quads"
        )
    if fmt == ox.RdfFormat.RDF_XML:
        check_entity_expansion(data, current_app.config["MAX_CONTENT_LENGTH"])
    if fmt == ox.RdfFormat.JSON_LD:
        check_json_depth(data)
    base = target.graph or request.base_url
    try:
        quads = list(ox.parse(data, fmt, base_iri=base))
    except (SyntaxError, ValueError) as exc:
        raise InputError(f"the {fmt.name} body for {target.label} does not parse: {exc}") from exc
    named = next(
        (q.graph_name for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)), None
    )
    if named is not None:
        raise InputError(
            f"the {fmt.name} body names graph {named}; send only default-graph triples to "
            f"{target.label}"
        )
    return [q.triple for q in quads]


@graph_store.after_request
def _cors(response: Response) -> Response:
    allowed = services(current_app).settings.cors_origins
    return add_cors_headers(response, allowed, request.headers.get("Origin"), request.method)
