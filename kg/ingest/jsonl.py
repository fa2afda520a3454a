"""JSON Lines: one article a line, with id, text, title, url, published and source."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.ingest.checks import decode_text
from kg.ingest.dates import parse_published
from kg.iri import stable_hash
from kg.model import Article

__all__ = ["read_jsonl"]

_FIELDS = ("id", "text", "title", "url", "published", "source")


def read_jsonl(path: Path, data: bytes) -> Iterator[tuple[str, Article | InputError]]:
    """(origin, article or error) for each non-blank line; origin is ``path:line``."""
    try:
        text = decode_text(data, str(path))
    except InputError as exc:
        yield str(path), exc
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        origin = f"{path}:{number}"
        try:
            yield origin, _article(json.loads(line), origin)
        except json.JSONDecodeError as exc:
            yield (
                origin,
                InputError(f"{origin}: malformed JSON line: {exc.msg} at column {exc.colno}"),
            )
        except InputError as exc:
            yield origin, exc


def _article(record: Any, origin: str) -> Article:
    if not isinstance(record, dict):
        raise InputError(f"{origin}: a JSON line must be an object with at least 'text'")
    text = record.get("text")
    if not isinstance(text, str):
        raise InputError(f"{origin}: missing or non-string 'text'")
    for name in ("id", "title", "url", "source"):
        if record.get(name) is not None and not isinstance(record[name], str | int):
            raise InputError(f"{origin}: {name!r} must be a string")
    article_id = str(
        record.get("id") or record.get("url") or f"sha256-{stable_hash(text, length=16)}"
    )
    return Article(
        id=article_id,
        text=text,
        title=_optional(record.get("title")),
        url=_optional(record.get("url")),
        published=parse_published(record.get("published"), origin),
        source=_optional(record.get("source")),
        origin=origin,
    )


def _optional(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None
