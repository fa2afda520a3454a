"""Reading a SPARQL 1.1 Protocol request: which operation, its text and its dataset.

Query via GET, POST form or POST ``application/sparql-query``; update via POST form or POST
``application/sparql-update``. Anything ambiguous is refused with a 400 that says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flask import Request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge, RequestURITooLarge, UnsupportedMediaType

from kg.errors import InputError
from kg.server.update_dataset import with_using_clauses

__all__ = ["FORM", "QUERY_MEDIA", "UPDATE_MEDIA", "Operation", "read_operation"]

FORM = "application/x-www-form-urlencoded"
QUERY_MEDIA = "application/sparql-query"
UPDATE_MEDIA = "application/sparql-update"


@dataclass(frozen=True, slots=True)
class Operation:
    """One query or update, with the dataset the request named (empty: the store's default)."""

    kind: Literal["query", "update"]
    text: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def read_operation(request: Request, max_chars: int) -> Operation | None:
    """The operation a request carries; None for a bare GET (asking for the description).

    Raises:
        InputError: no operation, two of them, or parameters kg does not support.
        UnsupportedMediaType: a POST body kg cannot read.
        RequestEntityTooLarge, RequestURITooLarge: the text is longer than max_chars.
    """
    operation = _read(request)
    if operation is not None and len(operation.text) > max_chars:
        too_long = RequestURITooLarge if request.method == "GET" else RequestEntityTooLarge
        raise too_long(
            f"the SPARQL {operation.kind} has {len(operation.text)} characters, more than the "
            f"{max_chars} this endpoint reads (KG_MAX_QUERY_CHARS)"
        )
    return operation


def _read(request: Request) -> Operation | None:
    if request.method == "GET":
        if not request.args:
            return None
        if "update" in request.args:
            raise InputError("SPARQL Update must be sent with POST, not GET")
        return _from_params(request.args)
    if request.mimetype == FORM or not (request.mimetype or request.content_length):
        return _from_params(request.values)
    if request.mimetype in (QUERY_MEDIA, UPDATE_MEDIA):
        kind: Literal["query", "update"] = "query" if request.mimetype == QUERY_MEDIA else "update"
        if "query" in request.args or "update" in request.args:
            raise InputError(f"a {request.mimetype} body and a query/update parameter: send one")
        return _operation(kind, request.get_data(as_text=True), request.args)
    raise UnsupportedMediaType(
        f"cannot read a {request.mimetype or 'body without Content-Type'}; POST {FORM}, "
        f"{QUERY_MEDIA} or {UPDATE_MEDIA}"
    )


def _from_params(params: MultiDict[str, str]) -> Operation:
    queries, updates = params.getlist("query"), params.getlist("update")
    if queries and updates:
        raise InputError("both 'query' and 'update' given: send one operation per request")
    if len(queries) + len(updates) > 1:
        raise InputError("more than one 'query' or 'update' parameter: send exactly one")
    if not queries and not updates:
        raise InputError("missing 'query' parameter (or 'update' for SPARQL Update)")
    if queries:
        return _operation("query", queries[0], params)
    return _operation("update", updates[0], params)


def _operation(
    kind: Literal["query", "update"], text: str, params: MultiDict[str, str]
) -> Operation:
    if not text.strip():
        raise InputError(f"empty SPARQL {kind}")
    if kind == "update":
        using = params.getlist("using-graph-uri")
        using_named = params.getlist("using-named-graph-uri")
        return Operation(kind, with_using_clauses(text, using, using_named))
    default = tuple(params.getlist("default-graph-uri"))
    named = tuple(params.getlist("named-graph-uri"))
    return Operation(kind, text, default, named)
