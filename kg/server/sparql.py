"""The SPARQL 1.1 Protocol at /sparql: queries (GET, POST form, POST application/sparql-query),
updates (POST form, POST application/sparql-update; bearer token) and the service description.
"""

from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, current_app, request

from kg.server.auth import check_write_access
from kg.server.cors import add_cors_headers
from kg.server.description import DESCRIPTION_PREFIXES, describe_service
from kg.server.federation import check_remote_calls, check_service_targets
from kg.server.negotiation import Negotiation
from kg.server.protocol import Operation, read_operation
from kg.server.results import Limits, answer_query, write_graph
from kg.server.services import Services, services

__all__ = ["sparql"]

sparql = Blueprint("sparql", __name__)


@sparql.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """Answer one SPARQL query or update; a bare GET gets the service description."""
    kg = services(current_app)
    operation = read_operation(request, kg.settings.max_query_chars)
    if operation is None:
        return _description(kg)
    settings = kg.settings
    if operation.kind == "update":
        return _update(kg, operation)
    check_service_targets(operation.text, operation.kind, settings.service_allowlist)
    limits = Limits(settings.max_rows, settings.union_default_graph, settings.base_iri)
    job = partial(answer_query, kg.store, operation, _negotiation(), limits)
    answer = kg.runner.run(job)
    return _response(answer.body, answer.media_type)


def _negotiation() -> Negotiation:
    return Negotiation(request.accept_mimetypes, tuple(request.values.getlist("format")))


def _response(body: bytes, media_type: str) -> Response:
    response = Response(body, content_type=f"{media_type}; charset=utf-8")
    response.vary.add("Accept")
    return response


def _update(kg: Services, operation: Operation) -> Response:
    check_write_access(kg.settings, request.headers.get("Authorization"), "SPARQL Update")
    allowlists = (kg.settings.service_allowlist, kg.settings.load_allowlist)
    check_remote_calls(operation.text, operation.kind, *allowlists)
    kg.store.update(operation.text)
    return Response(status=204)


def _description(kg: Services) -> Response:
    choice = _negotiation().choose("graph")
    triples = describe_service(request.base_url, kg.settings)
    return _response(write_graph(triples, choice.native, DESCRIPTION_PREFIXES), choice.media_type)


@sparql.after_request
def _cors(response: Response) -> Response:
    allowed = services(current_app).settings.cors_origins
    return add_cors_headers(response, allowed, request.headers.get("Origin"), request.method)


@sparql.route("/health")
def health() -> Response:
    """Liveness: the store answers a trivial query."""
    services(current_app).store.query("ASK { }")
    return Response('{"status": "ok"}', content_type="application/json")
