"""Reading articles: one reader per format, and the checks every article passes.

``read_paths`` walks files and folders and yields, for each article or each failure, a
:class:`ReadResult`, so that one bad file (or JSON line) never stops a batch. Rejected: empty,
binary, non-UTF-8, oversized and non-English input.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.config import Settings
from kg.errors import InputError
from kg.ingest.checks import check_article, read_bytes
from kg.ingest.html import read_html
from kg.ingest.jsonl import read_jsonl
from kg.ingest.text import read_text
from kg.model import Article

__all__ = ["SUFFIXES", "ReadResult", "count_articles", "iter_files", "read_paths"]

SUFFIXES = (".txt", ".html", ".htm", ".jsonl")


@dataclass(frozen=True, slots=True)
class ReadResult:
    """An article read from `origin`, or the error that kept it out."""

    origin: str
    article: Article | None = None
    error: InputError | None = None


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files to read under the given paths, folders walked in sorted order.

    Raises:
        InputError: a path does not exist, or names a file of an unsupported type.
    """
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
            )
        elif path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                raise InputError(
                    f"{path}: unsupported file type {path.suffix!r}; kg reads "
                    + ", ".join(SUFFIXES)
                )
            yield path
        else:
            raise InputError(f"{path}: no such file or directory")


def count_articles(paths: Iterable[Path]) -> int:
    """How many articles paths hold (a JSON line or a file each), to size a progress bar.

    Raises:
        InputError: a path does not exist, or names a file of an unsupported type.
    """
    total = 0
    for path in iter_files(paths):
        if path.suffix.lower() != ".jsonl":
            total += 1
            continue
        with path.open("rb") as handle:
            total += sum(1 for line in handle if line.strip())
    return total


def read_paths(paths: Iterable[Path], settings: Settings) -> Iterator[ReadResult]:
    """Read every article under paths; failures are yielded, not raised."""
    for path in iter_files(paths):
        if path.suffix.lower() == ".jsonl":
            for origin, article_or_error in read_jsonl(path, settings.max_article_bytes):
                yield _checked(origin, article_or_error, settings)
            continue
        try:
            data = read_bytes(path, settings.max_article_bytes)
        except InputError as exc:
            yield ReadResult(origin=str(path), error=exc)
            continue
        yield from _read_file(path, data, settings)


def _read_file(path: Path, data: bytes, settings: Settings) -> Iterator[ReadResult]:
    suffix = path.suffix.lower()
    try:
        article = read_html(path, data) if suffix in (".html", ".htm") else read_text(path, data)
    except InputError as exc:
        yield ReadResult(origin=str(path), error=exc)
        return
    yield _checked(str(path), article, settings)


def _checked(origin: str, article: Article | InputError, settings: Settings) -> ReadResult:
    if isinstance(article, InputError):
        return ReadResult(origin=origin, error=article)
    try:
        check_article(article, settings.max_article_bytes)
    except InputError as exc:
        return ReadResult(origin=origin, error=exc)
    return ReadResult(origin=origin, article=article)
