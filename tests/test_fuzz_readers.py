"""Property-based fuzzing of the readers (hypothesis): whatever bytes a .txt, .html or .jsonl file
holds, ``read_paths`` yields ReadResults (an article, or an InputError naming the file on one
line) and raises nothing else; accepted articles go through extraction and ``kg build`` without a
traceback. Example counts are bounded (docs/reliability/fuzzing.md); under ``CI=true`` the
examples are derandomized (the profile in tests/conftest.py)."""

from __future__ import annotations

import html
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from kg.build import build
from kg.cli import cli
from kg.config import Settings
from kg.errors import InputError
from kg.ingest import ReadResult, read_paths

MAX_BYTES = 20_000
SUFFIXES = (".txt", ".html", ".jsonl")

# Hebrew and Arabic letters, bidi controls (RLO, RLM, isolates), zero-width characters, a BOM,
# line and paragraph separators, C0/C1 controls and combining marks.
RTL = "".join(map(chr, [*range(0x05D0, 0x05EB), *range(0x0627, 0x064B)]))
ODD = "\u202e\u202d\u200f\u200e\u2066\u2067\u2068\u2069\u200b\u200c\u200d\ufeff\u2028\u2029"
CONTROLS = "".join(map(chr, [*range(0x01, 0x20), 0x7F, *range(0x80, 0xA0)])) + "\u0301\u0308"
WORDS = ["the", "minister", "said", "council", "resigned", "on", "Monday", "because", "of", "a"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1"]
ENCODINGS += ["cp1252", "shift_jis", "koi8-r"]

SEED_TEXT = (
    "Council approves harbour budget\n\nThe city council approved a budget of 4 million euros "
    "for the harbour on Tuesday, after the mayor said the old pier was unsafe.\n"
)
SEED_HTML = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Harbour budget</title>'
    '<meta property="article:published_time" content="2024-03-05T10:00:00Z"></head><body>'
    "<article><h1>Harbour budget approved</h1><p>The city council approved a budget of 4 "
    "million euros for the harbour on Tuesday, after the mayor said the old pier was unsafe."
    "</p><p>The work starts in May, the council said.</p></article></body></html>"
)
SEED_JSONL = (
    '{"id": "a1", "text": "The council approved the harbour budget on Tuesday.", '
    '"url": "https://news.example.org/a1", "published": "2024-03-05"}\n'
    '{"text": "The minister resigned on Monday because of the report.", "title": "Resigns"}\n'
)
SEEDS = {".txt": SEED_TEXT, ".html": SEED_HTML, ".jsonl": SEED_JSONL}

odd_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"), st.sampled_from(RTL + ODD + CONTROLS + " \n\t\r.,")
    ),
    max_size=400,
)
sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3000).map(" ".join)


@st.composite
def encoded(draw: st.DrawFn) -> bytes:
    """Odd text (RTL, controls, any code point) in one of several encodings."""
    text = draw(st.one_of(odd_text, sentence, st.sampled_from(list(SEEDS.values()))))
    return text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


@st.composite
def truncated(draw: st.DrawFn, suffix: str) -> bytes:
    """A valid file of the suffix's kind, cut anywhere (even inside a UTF-8 sequence)."""
    data = SEEDS[suffix].encode("utf-8")
    return data[: draw(st.integers(0, len(data)))]


@st.composite
def huge_line(draw: st.DrawFn) -> bytes:
    """One line around the size limit, without a newline or punctuation."""
    word = draw(st.sampled_from([b"word ", b"\xd7\xa9\xd7\x9c ", b"x", b" "]))
    return word * draw(st.integers(MAX_BYTES // 8, MAX_BYTES // len(word) + 10))


def file_bytes(suffix: str) -> st.SearchStrategy[bytes]:
    """Anything a file of this kind might hold."""
    return st.one_of(
        st.binary(max_size=2000),
        encoded(),
        truncated(suffix),
        huge_line(),
        odd_text.map(lambda t: t.encode("utf-8")),
    )


@st.composite
def json_value(draw: st.DrawFn) -> object:
    leaves = st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), odd_text
    )
    return draw(
        st.recursive(leaves, lambda c: st.lists(c, max_size=3) | st.dictionaries(odd_text, c))
    )


@st.composite
def jsonl_line(draw: st.DrawFn) -> bytes:
    """A JSON line: a record with odd field values, a lone surrogate escape, or garbage."""
    fields = ["id", "text", "title", "url", "published", "source"]
    record = draw(st.dictionaries(st.sampled_from(fields), json_value() | odd_text | sentence))
    line = json.dumps(record, ensure_ascii=draw(st.booleans()))
    return draw(
        st.sampled_from(
            [
                line.encode("utf-8"),
                line.replace("}", ', "text": "a\\ud800b"}').encode("utf-8"),
                line.encode("utf-8")[: len(line) // 2],
                draw(st.binary(max_size=200)),
            ]
        )
    )


jsonl_file = st.lists(jsonl_line(), max_size=8).flatmap(
    lambda lines: st.sampled_from([b"\n", b"\r\n", b"\n\n"]).map(lambda sep: sep.join(lines))
)


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    """A folder for the fuzzed files (module-scoped: hypothesis reruns the test body)."""
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def read_file(folder: Path, suffix: str, data: bytes) -> list[ReadResult]:
    path = folder / f"fuzzed{suffix}"
    path.write_bytes(data)
    results = list(
        read_paths([path], Settings(store=folder / "store", max_article_bytes=MAX_BYTES))
    )
    for result in results:
        assert_well_formed(result, path)
    return results


def assert_well_formed(result: object, path: Path) -> None:
    assert isinstance(result, ReadResult)
    assert (result.article is None) != (result.error is None), result
    if result.error is not None:
        assert isinstance(result.error, InputError)
        message = str(result.error)
        assert message.startswith(str(path)), message
        assert "\n" not in message and len(message) < 1000, message
        return
    assert result.article is not None
    for value in (result.article.id, result.article.text, result.article.title or ""):
        value.encode("utf-8")  # no lone surrogate gets through
    assert result.article.text.strip()
    assert len(result.article.text.encode("utf-8")) <= MAX_BYTES


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=file_bytes(".txt"))
def test_text_reader_yields_an_article_or_a_clear_error(folder: Path, data: bytes) -> None:
    [result] = read_file(folder, ".txt", data)
    text = None
    if b"\x00" not in data[:8192]:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = None
    if text is None:
        assert result.error is not None  # binary or not UTF-8: refused
    elif result.article is not None:
        assert result.article.text == text  # accepted text is kept as it is


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=file_bytes(".html"))
def test_html_reader_yields_an_article_or_a_clear_error(folder: Path, data: bytes) -> None:
    [_result] = read_file(folder, ".html", data)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.one_of(jsonl_file, file_bytes(".jsonl")))
def test_jsonl_reader_yields_one_result_per_line(folder: Path, data: bytes) -> None:
    results = read_file(folder, ".jsonl", data)
    lines = data.split(b"\n")
    expected = [n for n, line in enumerate(lines, 1) if len(line) > MAX_BYTES or line.strip()]
    path = folder / "fuzzed.jsonl"
    assert [r.origin for r in results] == [f"{path}:{n}" for n in expected]


def test_issue_fuzz_jsonl_lone_surrogate_is_an_input_error(tmp_path: Path) -> None:
    """Found by atheris: a JSON string escape "\\ud800" decodes to a lone surrogate that no
    UTF-8 text can hold; it used to raise UnicodeEncodeError out of read_paths."""
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "The council met \\ud800 on Tuesday."}\n{"text": "ok"}\n')
    first, second = read_paths([path], Settings(store=tmp_path / "s"))
    assert first.error is not None and "unpaired surrogate" in str(first.error)
    assert str(first.error).startswith(f"{path}:1: 'text'")
    assert second.article is not None


def as_file(text: str, suffix: str) -> bytes:
    """text as the body of a file of the suffix's kind."""
    if suffix == ".html":
        body = html.escape(text)
        return f"<html><body><article><h1>News</h1><p>{body}</p></article></body></html>".encode()
    if suffix == ".jsonl":
        return json.dumps({"text": text}).encode() + b"\n"
    return text.encode("utf-8")


@pytest.mark.slow
@settings(
    max_examples=15,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    deadline=None,
)
@given(suffix=st.sampled_from(SUFFIXES), data=st.data())
def test_accepted_fuzzed_articles_build_without_exceptions(
    nlp: Language, suffix: str, data: st.DataObject
) -> None:
    text = st.one_of(sentence, odd_text.map(lambda t: f"The minister said {t} on Monday."))
    content = data.draw(
        st.one_of(
            text.map(lambda t: as_file(t, suffix)),
            jsonl_file if suffix == ".jsonl" else truncated(suffix),
        )
    )
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = folder / f"fuzzed{suffix}"
        path.write_bytes(content)
        settings = Settings(store=folder / "store", max_article_bytes=MAX_BYTES)
        read = list(read_paths([path], settings))
        report = build([path], settings, nlp=nlp)
    event(f"built {min(len(report.built), 2)}+ articles")
    assert len(report.built) + len(report.failed) + len(report.unchanged) == len(read)
    refused = {r.origin for r in read if r.error is not None}
    assert {origin for origin, _ in report.failed} == refused


@pytest.mark.slow
@settings(
    max_examples=10,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    deadline=None,
)
@given(suffix=st.sampled_from(SUFFIXES), data=st.data())
def test_cli_build_on_fuzzed_file_exits_cleanly(
    runner: CliRunner, suffix: str, data: st.DataObject
) -> None:
    content = data.draw(file_bytes(suffix))
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / f"fuzzed{suffix}"
        path.write_bytes(content)
        store = ["--store", str(Path(name) / "store")]
        result = runner.invoke(cli, ["build", *store, "--no-progress", str(path)])
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for line in result.stderr.splitlines():
        assert line.startswith(("Error: ", "Warning: ")), line


def test_issue_fuzz_error_messages_quote_values_briefly(tmp_path: Path) -> None:
    """Found by hypothesis: an error message quoted the whole offending value (a nested JSON
    object of a thousand characters as 'published'); messages now quote 80 characters of it."""
    path = tmp_path / "a.jsonl"
    lines = [{"text": "ok", "published": {"k": "v" * 5000}}, {"text": "ok", "url": "x" * 5000}]
    path.write_text("\n".join(json.dumps(line) for line in lines))
    first, second = read_paths([path], Settings(store=tmp_path / "s"))
    for result in (first, second):
        assert result.error is not None
        assert len(str(result.error)) < 300 and "5,0" in str(result.error)
