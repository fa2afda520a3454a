"""Coverage-guided fuzzing of kg's readers with atheris (libFuzzer for Python).

Each input is written to a file with the reader's suffix and read with ``kg.ingest.read_paths``,
the function ``kg build`` uses, so the size, encoding, emptiness and language checks run too.
A reader may only yield ``ReadResult``s: an article, or an ``InputError`` whose message names the
file. Anything else it raises (or a malformed result) is a crash that libFuzzer saves.

    nice python fuzz/readers.py text  fuzz/corpus/text  fuzz/seeds/text  -max_total_time=300
    nice python fuzz/readers.py html  fuzz/corpus/html  fuzz/seeds/html  -dict=fuzz/html.dict
    nice python fuzz/readers.py jsonl fuzz/corpus/jsonl fuzz/seeds/jsonl -dict=fuzz/jsonl.dict

The first argument picks the reader; the rest go to libFuzzer (see docs/reliability/fuzzing.md).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["kg", "trafilatura", "htmldate", "courlan", "justext"]):
    # kg imports these lazily: import them here so that they are instrumented too.
    import trafilatura  # noqa: F401

    from kg.config import Settings
    from kg.errors import InputError
    from kg.ingest import ReadResult, read_paths

SUFFIXES = {"text": ".txt", "html": ".html", "jsonl": ".jsonl"}
# Small enough that libFuzzer's inputs (-max_len, 4096 by default here) cross it.
MAX_ARTICLE_BYTES = 3000


def check(result: object, path: Path) -> None:
    """Fail (a libFuzzer crash) unless result is a well-formed ReadResult."""
    if not isinstance(result, ReadResult):
        raise TypeError(f"read_paths yielded {type(result).__name__}, not a ReadResult")
    if (result.article is None) == (result.error is None):
        raise ValueError(f"a ReadResult must hold an article or an error: {result!r}")
    if result.error is not None:
        if not isinstance(result.error, InputError):
            raise TypeError(f"error of type {type(result.error).__name__}")
        message = str(result.error)
        if not message.startswith(str(path)) or "\n" in message:
            raise ValueError(f"unclear error message: {message!r}")
    elif result.article is not None and not result.article.text.strip():
        raise ValueError("an empty article was accepted")


def make_target(suffix: str, folder: Path) -> Callable[[bytes], None]:
    """The fuzz target: write data to a file and read it as kg build does."""
    settings = Settings(store=folder / "store", max_article_bytes=MAX_ARTICLE_BYTES)
    path = folder / f"input{suffix}"

    def target(data: bytes) -> None:
        path.write_bytes(data)
        for result in read_paths([path], settings):
            check(result, path)

    return target


def main() -> None:
    """Run libFuzzer over the reader named by the first argument."""
    if len(sys.argv) < 2 or sys.argv[1] not in SUFFIXES:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(SUFFIXES)}}} [libFuzzer options] [corpus]")
    suffix = SUFFIXES[sys.argv[1]]
    args = [sys.argv[0], *sys.argv[2:]]
    if not any(a.startswith("-max_len=") for a in args):
        args.append("-max_len=4096")
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as tmp:
        atheris.Setup(args, make_target(suffix, Path(tmp)))
        atheris.Fuzz()


if __name__ == "__main__":
    main()
