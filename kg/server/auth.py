"""Who may write (SPARQL Update, Graph Store writes): holders of the configured bearer token,
only if one is set, and only on a single-process server (the one writer of the store)."""

from __future__ import annotations

import hmac

from werkzeug.exceptions import Forbidden

from kg.config import Settings
from kg.errors import AuthError

__all__ = ["check_update_token", "check_write_access"]


def check_update_token(
    token: str | None, authorization: str | None, what: str = "SPARQL Update"
) -> None:
    """Accept an ``Authorization: Bearer`` header carrying token.

    Raises:
        Forbidden: updates are disabled (no token configured) or the token is wrong.
        AuthError: no bearer token sent.
    """
    if not token:
        raise Forbidden(
            f"{what} is disabled on this endpoint; start it with `kg serve --update-token "
            "TOKEN` (or KG_UPDATE_TOKEN) and send 'Authorization: Bearer TOKEN'"
        )
    scheme, _, sent = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not sent.strip():
        raise AuthError(f"{what} needs an 'Authorization: Bearer TOKEN' header")
    if not hmac.compare_digest(sent.strip().encode("utf-8"), token.encode("utf-8")):
        raise Forbidden("wrong update token")


def check_write_access(settings: Settings, authorization: str | None, what: str) -> None:
    """Refuse writes on a multi-worker server, then check the bearer token.

    Raises:
        Forbidden: writes are disabled, the server runs several workers, or the token is wrong.
        AuthError: no bearer token sent.
    """
    if settings.workers > 1:
        raise Forbidden(
            f"{what} is refused: this server runs {settings.workers} worker processes over a "
            "read-only store (an Oxigraph store directory has one writer); serve with "
            "`--workers 1` to accept writes"
        )
    check_update_token(settings.update_token, authorization, what)
