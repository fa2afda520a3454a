"""SPARQL 1.1 Protocol queries at /sparql (GET, POST form, POST application/sparql-query)."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from kg.errors import InputError
from kg.export import FORMATS, prefixes_for
from kg.server.errors import error_response

__all__ = ["sparql"]

sparql = Blueprint("sparql", __name__)

_RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
}
_GRAPH_FORMATS = {spec.media_type: spec.native for spec in FORMATS}


def _query_text() -> str:
    if request.method == "GET":
        text = request.args.get("query")
    elif request.mimetype == "application/sparql-query":
        text = request.get_data(as_text=True)
    elif request.mimetype == "application/x-www-form-urlencoded":
        text = request.form.get("query")
    else:
        raise InputError(f"unsupported content type {request.mimetype!r} for a SPARQL query")
    if not text:
        raise InputError("missing 'query' parameter")
    return text


@sparql.route("/sparql", methods=["GET", "POST"])
def query() -> Response:
    """Answer one SPARQL query, in the format the client accepts."""
    if request.method == "POST" and request.mimetype not in (
        "application/sparql-query",
        "application/x-www-form-urlencoded",
    ):
        return error_response(415, "UnsupportedMediaType", f"cannot read {request.mimetype!r}")
    text = _query_text()
    kg = current_app.extensions["kg"]
    result = kg.store.query(text, union=kg.settings.union_default_graph)
    if isinstance(result, ox.QueryTriples):
        return _graph_response(result, kg.settings.base_iri)
    return _results_response(result)


def _results_response(result: ox.QuerySolutions | ox.QueryBoolean) -> Response:
    media = request.accept_mimetypes.best_match(list(_RESULT_FORMATS))
    if media is None:
        return error_response(406, "NotAcceptable", "no acceptable SPARQL results format")
    body = result.serialize(None, _RESULT_FORMATS[media])
    content_type = media if media != "application/json" else "application/sparql-results+json"
    return Response(body, content_type=f"{content_type}; charset=utf-8")


def _graph_response(result: ox.QueryTriples, base: str) -> Response:
    media = request.accept_mimetypes.best_match(list(_GRAPH_FORMATS), default="text/turtle")
    if media is None:
        return error_response(406, "NotAcceptable", "no acceptable RDF format")
    fmt = _GRAPH_FORMATS[media]
    prefixes = prefixes_for(base) if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    body = ox.serialize(result, None, fmt, prefixes=prefixes)
    return Response(body, content_type=f"{media}; charset=utf-8")


@sparql.route("/health")
def health() -> Response:
    """Liveness: the store answers a trivial query."""
    kg = current_app.extensions["kg"]
    kg.store.query("ASK { }")
    return Response('{"status": "ok"}', content_type="application/json")
