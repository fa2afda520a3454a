"""Plain-text articles: the file name is the id, the first line that is not a photo caption or
credit the title."""

from __future__ import annotations

import re
from pathlib import Path

from kg.ingest.checks import decode_text
from kg.model import Article

__all__ = ["read_text"]

_MAX_TITLE = 300
# Lines scraped from around a photo: "caption ...", "Photo: ...", "... (Getty Images)".
_CAPTION = re.compile(
    r"^(caption|photo|image|picture|credit|source)\b|getty images|ap photo|afp via|/reuters\b",
    re.IGNORECASE,
)


def read_text(path: Path, data: bytes) -> Article:
    """An article from a .txt file.

    Raises:
        InputError: the file is binary or not UTF-8.
    """
    text = decode_text(data, str(path))
    lines = (line.strip() for line in text.splitlines())
    first = next((line for line in lines if line and not _CAPTION.search(line)), "")
    title = first if 0 < len(first) <= _MAX_TITLE else None
    return Article(id=path.stem, text=text, title=title, origin=str(path))
