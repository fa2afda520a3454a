"""Who may run SPARQL Update: holders of the configured bearer token, and only if one is set."""

from __future__ import annotations

import hmac

from werkzeug.exceptions import Forbidden

from kg.errors import AuthError

__all__ = ["check_update_token"]


def check_update_token(token: str | None, authorization: str | None) -> None:
    """Accept an ``Authorization: Bearer`` header carrying token.

    Raises:
        Forbidden: updates are disabled (no token configured) or the token is wrong.
        AuthError: no bearer token sent.
    """
    if not token:
        raise Forbidden(
            "SPARQL Update is disabled on this endpoint; start it with `kg serve --update-token "
            "TOKEN` (or KG_UPDATE_TOKEN) and send 'Authorization: Bearer TOKEN'"
        )
    scheme, _, sent = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not sent.strip():
        raise AuthError("SPARQL Update needs an 'Authorization: Bearer TOKEN' header")
    if not hmac.compare_digest(sent.strip().encode("utf-8"), token.encode("utf-8")):
        raise Forbidden("wrong update token")
