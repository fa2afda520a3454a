"""Plain-text articles: the file name is the id, the first line the title."""

from __future__ import annotations

from pathlib import Path

from kg.ingest.checks import decode_text
from kg.model import Article

__all__ = ["read_text"]

_MAX_TITLE = 300


def read_text(path: Path, data: bytes) -> Article:
    """An article from a .txt file.

    Raises:
        InputError: the file is binary or not UTF-8.
    """
    text = decode_text(data, str(path))
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    title = first_line if 0 < len(first_line) <= _MAX_TITLE else None
    return Article(id=path.stem, text=text, title=title, origin=str(path))
