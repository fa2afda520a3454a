"""How the pages show an IRI: where it links to and the short name it is shown under.

An IRI kg minted (``{base}entity/...``, ``{base}event/...``, ...) links to its page on this
server, whatever host the request came to; any other http(s) IRI is a plain link; other schemes
are not linked at all (a ``javascript:`` IRI is a valid IRI).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.iri import RESOURCE_KINDS

__all__ = ["PAGE_KINDS", "Linker", "Term"]

PAGE_KINDS = tuple(kind for kind in RESOURCE_KINDS if kind != "graph")
_WEB = re.compile(r"^https?://", re.IGNORECASE)
_LOCAL_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_MAX_TEXT = 90


@dataclass(frozen=True, slots=True)
class Term:
    """An RDF term as a page shows it: text, link (or None), full value and a note."""

    text: str
    href: str | None
    value: str
    note: str = ""
    is_iri: bool = True


@dataclass(frozen=True, slots=True)
class Linker:
    """Turns IRIs into links and short names for one base IRI and site root."""

    base: str
    prefixes: dict[str, str]
    root: str = "/"

    def local_path(self, iri: str) -> str | None:
        """The path of iri's page on this server, or None if kg did not mint it."""
        if not iri.startswith(self.base):
            return None
        rest = iri[len(self.base) :]
        if rest.split("/", 1)[0] not in PAGE_KINDS or "/" not in rest:
            return None
        return self.root + rest

    def href(self, iri: str) -> str | None:
        """Where a link to iri goes: its page here, the IRI itself, or nowhere."""
        local = self.local_path(iri)
        if local is not None:
            return local
        return iri if _WEB.match(iri) else None

    def compact(self, iri: str) -> str:
        """iri as prefix:local with the longest matching prefix, else the IRI."""
        matches = [
            (namespace, prefix)
            for prefix, namespace in self.prefixes.items()
            if iri.startswith(namespace) and _LOCAL_NAME.match(iri[len(namespace) :])
        ]
        if not matches:
            return iri
        namespace, prefix = max(matches, key=lambda match: len(match[0]))
        return f"{prefix}:{iri[len(namespace) :]}"

    def iri_term(self, iri: str, label: str | None = None) -> Term:
        """A term for an IRI, shown by its label if it has one."""
        return Term(_shorten(label) if label else self.compact(iri), self.href(iri), iri)

    def literal_term(self, value: str, note: str = "") -> Term:
        """A term for a literal; note is its language tag or short datatype."""
        return Term(value, None, value, note, is_iri=False)


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1].rstrip() + "…"
