"""Checks shared by every reader: size, encoding, emptiness and language."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.model import Article

__all__ = ["brief_repr", "check_article", "decode_text", "read_bytes"]

# Only texts with at least this many words are language-checked: headlines and datelines pass.
_MIN_WORDS_FOR_LANGUAGE = 12
_MIN_CONFIDENCE_NOT_ENGLISH = 0.9
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")
_WORD = re.compile(r"[^\W\d_]{2,}")


def brief_repr(value: object, limit: int = 80) -> str:
    """repr(value), cut to about limit characters: error messages quote input, never all of it."""
    shown = repr(value)
    return shown if len(shown) <= limit else f"{shown[:limit]}... ({len(shown):,} characters)"


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing files over max_bytes before reading them.

    Raises:
        InputError: the file is too large or cannot be read.
    """
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{path}: {size:,} bytes is over the limit of {max_bytes:,} bytes "
                "(raise KG_MAX_ARTICLE_BYTES to accept it)"
            )
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc


def decode_text(data: bytes, origin: str) -> str:
    """UTF-8 text of data (a BOM is dropped).

    Raises:
        InputError: data is binary or not UTF-8.
    """
    if b"\x00" in data[:8192]:
        raise InputError(f"{origin}: binary file (NUL bytes); kg reads UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{origin}: not UTF-8 text (invalid byte at offset {exc.start}); "
            "convert it to UTF-8 first"
        ) from exc


def check_article(article: Article, max_bytes: int) -> None:
    """Refuse an article that is empty, too large or not in English.

    Raises:
        InputError: naming the article's origin and what is wrong.
    """
    where = article.origin or article.id
    if not article.text.strip():
        raise InputError(f"{where}: empty article (no text)")
    size = len(article.text.encode("utf-8"))
    if size > max_bytes:
        raise InputError(f"{where}: article text of {size:,} bytes is over {max_bytes:,} bytes")
    if article.url is not None and not _IRI.fullmatch(article.url):
        raise InputError(f"{where}: url {brief_repr(article.url)} is not an absolute IRI")
    language, confidence = detect_language(article.text)
    if language != "en" and confidence >= _MIN_CONFIDENCE_NOT_ENGLISH:
        raise InputError(
            f"{where}: the text is in {language!r} (confidence {confidence:.2f}), "
            "and kg extracts from English only"
        )


def detect_language(text: str) -> tuple[str, float]:
    """ISO 639-1 code and confidence; short texts are taken as English."""
    if len(_WORD.findall(text[:20000])) < _MIN_WORDS_FOR_LANGUAGE:
        return "en", 1.0
    language, confidence = _identifier().classify(text[:20000])
    return str(language), float(confidence)


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
