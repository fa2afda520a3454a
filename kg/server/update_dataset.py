"""The dataset of a SPARQL Update given by the protocol's ``using-graph-uri`` and
``using-named-graph-uri`` parameters.

Oxigraph takes no dataset argument for updates, so kg writes the parameters into the update as
the equivalent ``USING`` / ``USING NAMED`` clauses, placed before the ``WHERE`` of every
DELETE/INSERT operation (SPARQL 1.1 Protocol, 2.2.3). A lexical scan finds those places: it
skips strings, IRIs and comments and tracks braces, so a ``WHERE`` inside a pattern or a string
is never touched. An update that already names its dataset (USING or WITH) with the parameters
is refused, as the protocol requires.
"""

from __future__ import annotations

import re

from kg.errors import InputError

__all__ = ["with_using_clauses"]

_TOKEN = re.compile(
    r"""(?P<string>'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
    r"""|(?P<iri><[^<>"{}|^`\\\s]*>)|(?P<comment>\#[^\n]*)|(?P<brace>[{}])"""
    r"""|(?P<word>[A-Za-z]+)""",
    re.DOTALL,
)


def with_using_clauses(update: str, default: list[str], named: list[str]) -> str:
    """The update with USING clauses for the given graphs before each operation's WHERE.

    Raises:
        InputError: the update has its own USING or WITH, or a graph is not an IRI.
    """
    if not default and not named:
        return update
    clauses = " ".join(
        [f"USING <{_iri(g)}>" for g in default] + [f"USING NAMED <{_iri(g)}>" for g in named]
    )
    places = _where_positions(update)
    for position in reversed(places):
        update = f"{update[:position]}{clauses} {update[position:]}"
    return update


def _iri(graph: str) -> str:
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\s]*", graph) is None:
        raise InputError(f"using-graph-uri/using-named-graph-uri must be IRIs: {graph!r}")
    return graph


def _where_positions(update: str) -> list[int]:
    """Offsets of the top-level WHERE keywords that end a DELETE/INSERT template."""
    depth, previous, places = 0, "", []
    for match in _TOKEN.finditer(update):
        kind, text = match.lastgroup, match.group()
        if kind == "brace":
            depth += 1 if text == "{" else -1
            previous = text if depth == 0 else previous
            continue
        if kind != "word" or depth != 0:
            continue
        word = text.upper()
        if word in ("USING", "WITH"):
            raise InputError(
                f"the update has its own {word} clause: do not also send "
                "using-graph-uri/using-named-graph-uri"
            )
        if word == "WHERE" and previous == "}":
            places.append(match.start())
        previous = word
    return places
