"""CORS headers for browser clients of the endpoint (``KG_CORS_ORIGINS``)."""

from __future__ import annotations

from flask import Response

__all__ = ["add_cors_headers"]

_DISABLED = {"", "none"}


def add_cors_headers(response: Response, allowed: str, origin: str | None, method: str) -> Response:
    """Add Access-Control-* headers to response if the request's origin is allowed."""
    if allowed.strip().lower() in _DISABLED:
        return response
    if allowed.strip() == "*":
        response.headers["Access-Control-Allow-Origin"] = "*"
    elif origin and origin in allowed.split():
        response.headers["Access-Control-Allow-Origin"] = origin
        response.vary.add("Origin")
    else:
        return response
    if method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, Authorization, Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
    return response
