"""One error shape for every failure: ``{"error": ..., "message": ..., "status": ...}``."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from kg.errors import KgError

__all__ = ["error_response", "register_error_handlers"]

log = logging.getLogger(__name__)


def error_response(status: int, error: str, message: str) -> Response:
    """The JSON error body kg sends, with its status."""
    response = jsonify({"error": error, "message": message, "status": status})
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    """Map KgError, HTTP errors and anything unexpected to the one error shape."""

    @app.errorhandler(KgError)
    def _kg_error(exc: KgError) -> Response:
        return error_response(exc.http_status, type(exc).__name__, str(exc))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        response = error_response(exc.code or 500, exc.name, exc.description or exc.name)
        if exc.code == 405 and exc.valid_methods:  # type: ignore[attr-defined]
            response.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500, "InternalError", "internal error; see the server log")
