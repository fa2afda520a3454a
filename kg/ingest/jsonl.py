"""JSON Lines: one article a line, with id, text, title, url, published and source."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from kg.errors import InputError
from kg.ingest.checks import decode_text
from kg.ingest.dates import parse_published
from kg.iri import stable_hash
from kg.model import Article

__all__ = ["read_jsonl"]

_FIELDS = ("id", "text", "title", "url", "published", "source")


def read_jsonl(path: Path, max_bytes: int) -> Iterator[tuple[str, Article | InputError]]:
    """(origin, article or error) for each non-blank line; origin is ``path:line``.

    The file is streamed: memory holds one line at a time, and the size limit applies to each
    line (one article), not to the file.
    """
    try:
        with path.open("rb") as handle:
            for number, raw in enumerate(_capped_lines(handle, max_bytes), start=1):
                origin = f"{path}:{number}"
                if raw is None:
                    yield (
                        origin,
                        InputError(
                            f"{origin}: the line is over the limit of {max_bytes:,} bytes "
                            "(raise KG_MAX_ARTICLE_BYTES to accept it)"
                        ),
                    )
                elif raw.strip():
                    yield _line(raw, origin)
    except OSError as exc:
        yield str(path), InputError(f"{path}: cannot read: {exc.strerror}")


def _capped_lines(handle: IO[bytes], max_bytes: int) -> Iterator[bytes | None]:
    """Each line of handle, or None for a line longer than max_bytes (read past, never held)."""
    while raw := handle.readline(max_bytes + 1):
        if raw.endswith(b"\n") or len(raw) <= max_bytes:
            yield raw
            continue
        while raw and not raw.endswith(b"\n"):
            raw = handle.readline(max_bytes + 1)
        yield None


def _line(raw: bytes, origin: str) -> tuple[str, Article | InputError]:
    try:
        line = decode_text(raw, origin)
        return origin, _article(json.loads(line), origin)
    except json.JSONDecodeError as exc:
        return origin, InputError(f"{origin}: malformed JSON line: {exc.msg} (column {exc.colno})")
    except InputError as exc:
        return origin, exc


def _article(record: Any, origin: str) -> Article:
    if not isinstance(record, dict):
        raise InputError(f"{origin}: a JSON line must be an object with at least 'text'")
    text = record.get("text")
    if not isinstance(text, str):
        raise InputError(f"{origin}: missing or non-string 'text'")
    for name in ("id", "title", "url", "source"):
        if record.get(name) is not None and not isinstance(record[name], str | int):
            raise InputError(f"{origin}: {name!r} must be a string")
    for name in _FIELDS:
        _check_encodable(record.get(name), name, origin)
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


def _check_encodable(value: Any, name: str, origin: str) -> None:
    """Refuse a string holding an unpaired surrogate escape (``"\\ud800"``): valid JSON, but
    no UTF-8 text (nothing downstream could encode it).

    Raises:
        InputError: naming the field and the offset.
    """
    if not isinstance(value, str):
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            f"{origin}: {name!r} holds an unpaired surrogate escape at character {exc.start} "
            "(not Unicode text); fix the JSON line"
        ) from exc


def _optional(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None
