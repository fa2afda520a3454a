"""SERVICE federation policy: a query or update may call only endpoints on the allow-list.

``KG_SERVICE_ALLOWLIST`` holds comma-separated IRIs or IRI prefixes; empty (the default)
refuses every SERVICE. Targets are read from rdflib's algebra of the operation before pyoxigraph
evaluates it; a variable target (``SERVICE ?x``) is refused, since its value is only known during
evaluation. Allowed targets are called by pyoxigraph's own HTTP client (a POST of
``application/sparql-query``); the endpoint's query timeout bounds how long the client waits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef
from werkzeug.exceptions import Forbidden

from kg.errors import QueryError

__all__ = ["allowed_prefixes", "check_service_targets", "service_targets"]

_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


def allowed_prefixes(setting: str) -> tuple[str, ...]:
    """The IRIs or prefixes of a ``KG_SERVICE_ALLOWLIST`` value."""
    return tuple(item.strip() for item in setting.split(",") if item.strip())


def service_targets(text: str, kind: str) -> list[str | None]:
    """IRIs of every SERVICE in a query or update; None for a variable target.

    Raises:
        QueryError: the operation mentions SERVICE but rdflib's parser cannot read it.
    """
    if not _SERVICE.search(text):
        return []
    try:
        if kind == "update":
            algebra: Any = translateUpdate(parseUpdate(text)).algebra
        else:
            algebra = translateQuery(parseQuery(text)).algebra
    except Exception as exc:
        raise QueryError(
            f"malformed SPARQL {kind}, or syntax kg cannot check for SERVICE targets: {exc}"
        ) from exc
    return [str(t) if isinstance(t, URIRef) else None for t in _service_terms(algebra)]


def _service_terms(root: Any) -> Iterator[object]:
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            yield node.get("term")
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)


def check_service_targets(text: str, kind: str, allowlist: str) -> None:
    """Refuse an operation calling a SERVICE that is not on the allow-list.

    Raises:
        Forbidden: a SERVICE target is not allowed, or is a variable.
        QueryError: the operation cannot be parsed.
    """
    allowed = allowed_prefixes(allowlist)
    for target in service_targets(text, kind):
        if target is None:
            raise Forbidden(
                "SERVICE with a variable endpoint is refused: kg calls only endpoints named in "
                "the query and on the allow-list (KG_SERVICE_ALLOWLIST)"
            )
        if not any(target.startswith(prefix) for prefix in allowed):
            raise Forbidden(
                f"SERVICE <{target}> is not on this endpoint's allow-list; its operator can "
                "add it with --service-allowlist (or KG_SERVICE_ALLOWLIST)"
            )
