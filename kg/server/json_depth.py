"""How deeply a JSON-LD body nests, read before pyoxigraph parses it.

pyoxigraph's JSON-LD parser slows down sharply with nesting (5 000 nested objects, 70 KB, take
longer than 30 s) and recurses once per level; no real JSON-LD document nests anywhere near
MAX_JSON_DEPTH, so a deeper body is refused at once.
"""

from __future__ import annotations

import re

from kg.errors import InputError

__all__ = ["MAX_JSON_DEPTH", "check_json_depth"]

MAX_JSON_DEPTH = 256
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def check_json_depth(data: bytes, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse a JSON body whose objects and arrays nest deeper than limit.

    Raises:
        InputError: the body nests deeper than limit.
    """
    depth = 0
    for match in _TOKEN.finditer(data):
        token = match.group()
        if token in (b"{", b"["):
            depth += 1
            if depth > limit:
                raise InputError(
                    f"the JSON-LD body nests deeper than {limit} levels; kg refuses it unread"
                )
        elif token in (b"}", b"]"):
            depth -= 1
