"""Security headers on every response of the app: a Content-Security-Policy that lets a page
load only kg's own scripts, styles and images (no inline script, no eval, no framing), no MIME
sniffing and no Referer sent to the sites a page links to."""

from __future__ import annotations

from flask import Response

__all__ = ["CONTENT_SECURITY_POLICY", "SECURITY_HEADERS", "add_security_headers"]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    """response with every header of SECURITY_HEADERS set."""
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    return response
