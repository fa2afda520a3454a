"""HTML articles: main text and metadata (title, date, URL) extracted with trafilatura."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.ingest.checks import decode_text
from kg.ingest.dates import parse_published
from kg.model import Article

__all__ = ["read_html"]


def read_html(path: Path, data: bytes) -> Article:
    """An article from an HTML page; its id is the file name without extension.

    Raises:
        InputError: the page is not UTF-8 or holds no article text.
    """
    import trafilatura

    html = decode_text(data, str(path))
    document: Any = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False
    )
    meta: dict[str, Any] = document.as_dict() if document is not None else {}
    text = (meta.get("text") or "").strip()
    if not text:
        raise InputError(f"{path}: no article text found in the HTML page")
    return Article(
        id=path.stem,
        text=text,
        title=meta.get("title") or None,
        url=meta.get("url") or None,
        published=_published(meta.get("date"), str(path)),
        source=meta.get("sitename") or None,
        origin=str(path),
    )


def _published(value: Any, origin: str) -> Any:
    try:
        return parse_published(value, origin)
    except InputError:
        return None
