"""Remote calls a SPARQL operation may make: SERVICE (queries and updates) and LOAD (updates).

``KG_SERVICE_ALLOWLIST`` and ``KG_LOAD_ALLOWLIST`` hold comma-separated endpoint IRIs; empty
(the default) refuses every SERVICE, every LOAD. Targets are read from rdflib's algebra of the
operation before pyoxigraph evaluates it, and a lexical count of the SERVICE and LOAD keywords
(outside strings, IRIs, comments, variables and prefixed names) must not exceed what the algebra
holds: an operation the two readings disagree on is refused rather than trusted. A variable
target (``SERVICE ?x``) is refused, since its value is only known during evaluation. How a
target is matched against the list (scheme, host and port exactly, path at or under the entry's)
is in :mod:`kg.server.allowlist`. Allowed targets are called by pyoxigraph's own HTTP client (a
POST of ``application/sparql-query``, or a GET for LOAD); the query timeout bounds the wait.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef
from werkzeug.exceptions import Forbidden

from kg.errors import QueryError
from kg.server.allowlist import allowed_prefixes, refusal

__all__ = [
    "RemoteCalls",
    "allowed_prefixes",
    "check_remote_calls",
    "check_service_targets",
    "keyword_count",
    "remote_calls",
    "service_targets",
]

# Lexemes that can hide a keyword-looking word: strings, IRIs, comments, variables, language
# tags and prefixed names (blank node labels included). Every other run of word characters may
# hold a keyword (Oxigraph reads `1SERVICE` as `1 SERVICE`).
_LEXEME = re.compile(
    r"""(?P<string>'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
    r"""|(?P<iri><[^<>"{}|^`\\\s]*>)|(?P<comment>\#[^\n]*)|(?P<var>[?$]\w+)"""
    r"""|(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)|(?P<pname>(?:[^\W\d][\w.-]*)?:[\w.:%\\-]*)"""
    r"""|(?P<word>\w+)""",
    re.DOTALL,
)
_NODES = {"ServiceGraphPattern": "SERVICE", "Load": "LOAD"}


@dataclass(frozen=True, slots=True)
class RemoteCalls:
    """The endpoints an operation would call: SERVICE targets (None: a variable) and LOAD
    sources."""

    services: tuple[str | None, ...] = ()
    loads: tuple[str, ...] = ()


def keyword_count(text: str, keyword: str) -> int:
    """How many times keyword (case-insensitive) stands where SPARQL could read it as one."""
    wanted = keyword.lower()
    return sum(
        match.group().lower().count(wanted)
        for match in _LEXEME.finditer(text)
        if match.lastgroup == "word"
    )


def remote_calls(text: str, kind: str) -> RemoteCalls:
    """Every SERVICE target and LOAD source of a query or update.

    Raises:
        QueryError: the operation mentions SERVICE or LOAD but rdflib's parser cannot read it,
            or reads fewer of them than the text holds.
    """
    counts = {name: keyword_count(text, name) for name in ("SERVICE", "LOAD")}
    if not any(counts.values()):
        return RemoteCalls()
    nodes = _parse(text, kind)
    services = [n.get("term") for n in nodes if n.name == "ServiceGraphPattern"]
    loads = [n.get("iri") for n in nodes if n.name == "Load"]
    if counts["SERVICE"] > len(services) or counts["LOAD"] > len(loads):
        raise QueryError(
            f"kg cannot check this SPARQL {kind}: it holds {counts['SERVICE']} SERVICE and "
            f"{counts['LOAD']} LOAD keyword(s), its parse {len(services)} and {len(loads)}; "
            "write each as a separate word"
        )
    return RemoteCalls(
        tuple(str(t) if isinstance(t, URIRef) else None for t in services),
        tuple(str(t) for t in loads),
    )


def service_targets(text: str, kind: str) -> list[str | None]:
    """IRIs of every SERVICE in a query or update; None for a variable target.

    Raises:
        QueryError: the operation cannot be checked (see :func:`remote_calls`).
    """
    return list(remote_calls(text, kind).services)


def _parse(text: str, kind: str) -> list[CompValue]:
    try:
        if kind == "update":
            algebra: Any = translateUpdate(parseUpdate(text)).algebra
        else:
            algebra = translateQuery(parseQuery(text)).algebra
    except Exception as exc:
        raise QueryError(
            f"malformed SPARQL {kind}, or syntax kg cannot check for SERVICE and LOAD: {exc}"
        ) from exc
    return list(_remote_nodes(algebra))


def _remote_nodes(root: Any) -> Iterator[CompValue]:
    """The distinct SERVICE and LOAD nodes of an algebra tree."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, CompValue) and node.name in _NODES:
            yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)


def check_service_targets(text: str, kind: str, allowlist: str) -> None:
    """Refuse an operation calling a SERVICE that is not on the allow-list.

    Raises:
        Forbidden: a SERVICE target is not allowed, or is a variable.
        QueryError: the operation cannot be checked.
    """
    _check_services(remote_calls(text, kind).services, allowlist)


def check_remote_calls(text: str, kind: str, service_allowlist: str, load_allowlist: str) -> None:
    """Refuse an operation calling a SERVICE or LOADing a source not on its allow-list.

    Raises:
        Forbidden: a SERVICE target or LOAD source is not allowed.
        QueryError: the operation cannot be checked.
    """
    calls = remote_calls(text, kind)
    _check_services(calls.services, service_allowlist)
    for source in calls.loads:
        reason = refusal(source, load_allowlist)
        if reason:
            raise Forbidden(
                f"LOAD <{source}> is refused: {reason}; the operator can allow a source with "
                "--load-allowlist (or KG_LOAD_ALLOWLIST)"
            )


def _check_services(targets: tuple[str | None, ...], allowlist: str) -> None:
    for target in targets:
        if target is None:
            raise Forbidden(
                "SERVICE with a variable endpoint is refused: kg calls only endpoints named in "
                "the query and on the allow-list (KG_SERVICE_ALLOWLIST)"
            )
        reason = refusal(target, allowlist)
        if reason:
            raise Forbidden(
                f"SERVICE <{target}> is refused: {reason}; the operator can allow an endpoint "
                "with --service-allowlist (or KG_SERVICE_ALLOWLIST)"
            )
