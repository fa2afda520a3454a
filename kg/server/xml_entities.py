"""How large an RDF/XML body grows once its DTD's internal entities are expanded.

pyoxigraph's RDF/XML parser expands internal entities (``<!ENTITY a "...">``) without a bound: a
few hundred bytes of nested declarations ("billion laughs") become gigabytes in memory. kg reads
the declarations itself before parsing and refuses a body whose expansion would pass the request
body limit, and any ``<!ENTITY`` it cannot read (parameter entities, single quotes, external
ones). Plain namespace entities (``<!ENTITY owl "http://www.w3.org/2002/07/owl#">``) pass.
"""

from __future__ import annotations

import re

from werkzeug.exceptions import RequestEntityTooLarge

from kg.errors import InputError

__all__ = ["check_entity_expansion"]

_DECLARATION = re.compile(
    r'<!ENTITY\s+([A-Za-z_][\w.-]*)\s+"([^"%&]*(?:&[A-Za-z_][\w.-]*;[^"%&]*)*)"\s*>'
)
_ANY_DECLARATION = re.compile(r"<!ENTITY\b")
_REFERENCE = re.compile(r"&([A-Za-z_][\w.-]*);")


def check_entity_expansion(data: bytes, limit: int) -> None:
    """Refuse an XML body whose internal entities would expand past limit characters.

    Raises:
        InputError: an entity declaration kg cannot read, or entities referring in a cycle.
        RequestEntityTooLarge: the expansion passes limit.
    """
    text = data.decode("latin-1")
    if not _ANY_DECLARATION.search(text):
        return
    declared = {m.group(1): m.group(2) for m in _DECLARATION.finditer(text)}
    if len(_ANY_DECLARATION.findall(text)) != len(_DECLARATION.findall(text)):
        raise InputError(
            "the RDF/XML body declares entities kg does not accept (parameter, external or "
            "single-quoted); declare only internal entities in double quotes, or send Turtle"
        )
    sizes: dict[str, int] = {}
    total = sum(
        _expanded(m.group(1), declared, sizes, ()) for m in _REFERENCE.finditer(_body(text))
    )
    if total > limit:
        raise RequestEntityTooLarge(
            f"the RDF/XML body's entities expand to {total} characters, more than the {limit} "
            "this endpoint reads (KG_MAX_BODY_BYTES)"
        )


def _body(text: str) -> str:
    """The document after its DOCTYPE's internal subset."""
    end = text.find("]>")
    return text[end + 2 :] if end >= 0 else text


def _expanded(
    name: str, declared: dict[str, str], sizes: dict[str, int], path: tuple[str, ...]
) -> int:
    """The length of entity name once expanded (an undeclared one counts as its reference)."""
    if name not in declared:
        return len(name) + 2
    if name in path:
        raise InputError(f"the RDF/XML body's entity &{name}; refers to itself")
    if name not in sizes:
        value = declared[name]
        inner = _REFERENCE.findall(value)
        own = len(_REFERENCE.sub("", value))
        sizes[name] = own + sum(_expanded(n, declared, sizes, (*path, name)) for n in inner)
    return sizes[name]
