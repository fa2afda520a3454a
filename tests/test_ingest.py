"""Reading articles: formats, ids, metadata, and clear refusals of bad input."""

from __future__ import annotations

import importlib
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as settings_
from hypothesis import strategies as st

from kg.config import Settings
from kg.errors import InputError
from kg.ingest import read_paths
from kg.ingest.checks import detect_language

ROOT = Path(__file__).resolve().parents[1]
GERMAN = (
    "Der Verteidigungsminister ist am Donnerstag zurückgetreten, teilte die Regierung in Berlin "
    "mit. Er habe sich mit dem Kanzler über die Politik gegenüber den Verbündeten nicht einigen "
    "können, hieß es in einer Erklärung des Ministeriums."
)


def _read(tmp_path: Path, settings: Settings) -> list:  # type: ignore[type-arg]
    return list(read_paths([tmp_path], settings))


def test_text_file_id_and_title(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "ceo-quits.txt").write_text("Acme chief quits\n\nThe chief executive quit.\n")
    [result] = _read(tmp_path, settings)
    assert result.article.id == "ceo-quits"
    assert result.article.title == "Acme chief quits"


def test_jsonl_fields_and_same_text_different_ids(tmp_path: Path, settings: Settings) -> None:
    lines = [
        {
            "id": "a1",
            "text": "Jane Doe resigned.",
            "title": "T",
            "url": "https://x.org/a1",
            "published": "2024-03-01T10:00:00Z",
            "source": "Wire",
        },
        {"id": "a2", "text": "Jane Doe resigned."},
    ]
    (tmp_path / "batch.jsonl").write_text("\n".join(json.dumps(line) for line in lines))
    first, second = _read(tmp_path, settings)
    assert first.article.published == date(2024, 3, 1)
    assert first.article.url == "https://x.org/a1" and first.article.source == "Wire"
    assert {first.article.id, second.article.id} == {"a1", "a2"}


def test_jsonl_without_id_uses_url_then_content_hash(tmp_path: Path, settings: Settings) -> None:
    lines = [{"url": "https://x.org/story", "text": "A short story."}, {"text": "Another story."}]
    (tmp_path / "b.jsonl").write_text("\n".join(json.dumps(line) for line in lines))
    with_url, hashed = _read(tmp_path, settings)
    assert with_url.article.id == "https://x.org/story"
    assert hashed.article.id.startswith("sha256-")


def test_html_main_text_and_metadata(tmp_path: Path, settings: Settings) -> None:
    body = " ".join(["The chief executive of Acme Corp resigned on Monday, the company said."] * 5)
    html = (
        "<html><head><title>Acme chief resigns</title>"
        '<meta property="article:published_time" content="2024-05-06">'
        '<link rel="canonical" href="https://news.example.com/acme"></head>'
        f"<body><nav>Home | World</nav><article><h1>Acme chief resigns</h1><p>{body}</p>"
        f"<p>{body}</p></article><footer>Copyright</footer></body></html>"
    )
    (tmp_path / "acme.html").write_text(html)
    [result] = _read(tmp_path, settings)
    assert result.error is None, result.error
    assert "chief executive of Acme Corp resigned" in result.article.text
    assert "Copyright" not in result.article.text
    assert result.article.title == "Acme chief resigns"
    assert result.article.id == "acme"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty article"),
        ("blank.txt", b"  \n\n ", "empty article"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary file"),
        ("latin1.txt", "Der Minister trat zurück".encode("latin-1"), "not UTF-8"),
        ("german.txt", GERMAN.encode(), "in 'de'"),
    ],
)
def test_bad_files_are_reported_with_their_name(
    tmp_path: Path, settings: Settings, name: str, content: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(content)
    [result] = _read(tmp_path, settings)
    assert result.article is None
    assert isinstance(result.error, InputError)
    assert message in str(result.error) and name in str(result.error)


def test_oversized_file_refused_before_reading(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.seek(50 * 1024 * 1024)
        handle.write(b"x")
    [result] = _read(tmp_path, settings)
    assert "over the limit" in str(result.error) and "huge.txt" in str(result.error)


def test_malformed_json_line_names_file_and_line(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "mixed.jsonl").write_text('{"id": "ok", "text": "Fine."}\n{"id": broken\n')
    good, bad = _read(tmp_path, settings)
    assert good.article is not None and good.article.id == "ok"
    assert "mixed.jsonl:2" in str(bad.error) and "malformed JSON" in str(bad.error)


@pytest.mark.parametrize(
    "text",
    [
        "WASHINGTON (Reuters) -",
        "Acme chief quits",
        "Le Monde reports: Macron wins",
        "BERLIN, May 3",
    ],
)
def test_short_english_texts_are_not_rejected(text: str) -> None:
    assert detect_language(text).language == "en"


def _spacy_examples(language: str) -> str:
    """spaCy's example sentences for a language: text kg's language check was not tuned on."""
    return " ".join(importlib.import_module(f"spacy.lang.{language}.examples").sentences)


@pytest.mark.parametrize(
    "language", ["de", "fr", "es", "it", "pt", "nl", "pl", "ru", "tr", "ar", "zh", "ja", "id"]
)
def test_articles_in_other_languages_are_refused(language: str) -> None:
    guess = detect_language(_spacy_examples(language))
    assert guess.refuses_english, guess
    assert guess.language == language and guess.english_share < 0.5


def test_english_dev_articles_and_a_foreign_quote_pass() -> None:
    rows = (ROOT / "eval" / "news-dev" / "articles.jsonl").read_text().splitlines()
    texts = [json.loads(row)["text"] for row in rows if row.strip()]
    assert len(texts) >= 10
    quoted = f'{texts[0]}\n\n"{_spacy_examples("de")[:300]}," the minister told Der Spiegel.'
    for text in [*texts, quoted]:
        guess = detect_language(text)
        assert not guess.refuses_english and guess.english_share >= 0.5, (text[:60], guess)


def test_a_mostly_german_text_with_english_in_it_is_refused() -> None:
    mixed = f"{_spacy_examples('de')} {_spacy_examples('en')[:200]}"
    guess = detect_language(mixed)
    assert guess.refuses_english and 0 < guess.english_share < 0.5, guess


@given(st.text(st.characters(codec=None, exclude_categories=()), min_size=0, max_size=400))
@settings_(max_examples=300, deadline=None)
def test_language_check_takes_any_text(noise: str) -> None:
    """CLD2 refuses controls, surrogates and noncharacters: they are removed before it reads."""
    text = f"The minister resigned on Thursday after a dispute {noise} over the plan for the army."
    guess = detect_language(text)
    assert 0.0 <= guess.english_share <= 1.0 and 0.0 <= guess.share <= 1.0


def test_unsupported_path_type_is_an_error(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    with pytest.raises(InputError, match=r"unsupported file type '\.pdf'"):
        list(read_paths([tmp_path / "notes.pdf"], settings))
    with pytest.raises(InputError, match="no such file"):
        list(read_paths([tmp_path / "missing.txt"], settings))


def test_invalid_url_is_refused(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "u.jsonl").write_text(json.dumps({"url": "https://x.org/a b", "text": "Hi."}))
    [result] = _read(tmp_path, settings)
    assert "not an absolute IRI" in str(result.error) and "u.jsonl:1" in str(result.error)


@pytest.mark.parametrize(
    "first_line",
    [
        "caption The minister at a news conference. source Jane Roe/Getty Images",
        "Photo: The minister leaves parliament (AP Photo/John Doe)",
        "The minister in Berlin on Monday. John Doe/Reuters",
    ],
)
def test_text_title_skips_photo_captions(
    tmp_path: Path, settings: Settings, first_line: str
) -> None:
    (tmp_path / "a.txt").write_text(f"{first_line}\n\nMinister quits over budget row\n\nBody.\n")
    [result] = _read(tmp_path, settings)
    assert result.article.title == "Minister quits over budget row"


def test_jsonl_size_limit_is_per_line_not_per_file(tmp_path: Path, settings: Settings) -> None:
    line = json.dumps({"id": "a", "text": "The minister resigned on Monday. " * 3})
    lines = [line.replace('"a"', f'"a{n}"') for n in range(40)]
    lines.insert(7, json.dumps({"id": "huge", "text": "word " * 2000}))
    (tmp_path / "corpus.jsonl").write_text("\n".join(lines) + "\n")
    small = replace(settings, max_article_bytes=2_000)
    results = _read(tmp_path, small)
    assert (tmp_path / "corpus.jsonl").stat().st_size > small.max_article_bytes
    assert [r.article.id for r in results if r.article] == [f"a{n}" for n in range(40)]
    [error] = [r for r in results if r.error]
    assert error.origin.endswith("corpus.jsonl:8")
    assert "over the limit of 2,000 bytes" in str(error.error)
