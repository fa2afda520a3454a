"""One error shape for every failure: ``{"error": ..., "message": ..., "status": ...}``."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from kg.errors import AuthError, KgError

__all__ = ["ResultTooLarge", "error_response", "register_error_handlers"]

log = logging.getLogger(__name__)


class ResultTooLarge(HTTPException):
    """A query result with more rows than the endpoint sends (``KG_MAX_ROWS``)."""

    code = 413
    description = "the query result is too large"


def error_response(status: int, error: str, message: str) -> Response:
    """The JSON error body kg sends, with its status."""
    response = jsonify({"error": error, "message": message, "status": status})
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    """Map KgError, HTTP errors and anything unexpected to the one error shape."""

    @app.errorhandler(KgError)
    def _kg_error(exc: KgError) -> Response:
        response = error_response(exc.http_status, type(exc).__name__, str(exc))
        if isinstance(exc, AuthError):
            response.headers["WWW-Authenticate"] = 'Bearer realm="kg"'
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        error = exc.name.replace(" ", "")
        response = error_response(exc.code or 500, error, exc.description or exc.name)
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500, "InternalError", "internal error; see the server log")
