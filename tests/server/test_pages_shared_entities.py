"""Pages and VoID over articles that share entities: every article graph repeats the type and
label of the entities it mentions, and the union default graph gives one match per graph, so
nothing on a page may repeat (or multiply) with the number of articles."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from flask import Flask
from spacy.language import Language

from kg.build import build
from kg.config import Settings
from kg.server import create_app, services
from kg.server.pages.describe import describe_resource
from kg.server.pages.links import Linker

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
KG = rdflib.Namespace("https://w3id.org/kg-news/ontology#")
DATASET = rdflib.URIRef("http://localhost/.well-known/void#dataset")
SAID = "José Álvarez, the chief executive of Acme Corp, said on Monday."
RESIGNED = "Jose Alvarez, the chief executive of Acme Corp, resigned on Friday."
ARTICLES = [("one", SAID), ("two", RESIGNED), ("three", RESIGNED), ("four", RESIGNED)]


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Path:
    """Four articles naming one person (spelt two ways), one post and one organisation."""
    folder = tmp_path_factory.mktemp("shared")
    source = folder / "articles.jsonl"
    source.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in ARTICLES))
    settings = Settings(store=folder / "store")
    assert build([source], settings, nlp=nlp).ok
    return settings.store


@pytest.fixture
def shared_app(shared_store: Path) -> Iterator[Flask]:
    app = create_app(Settings(store=shared_store))
    yield app
    services(app).close()


def _entity(app: Flask, label: str) -> str:
    query = f'SELECT DISTINCT ?e WHERE {{ ?e <{rdflib.RDFS.label}> "{label}" }}'
    (row,) = list(services(app).store.query(query))  # type: ignore[arg-type]
    return str(row["e"].value)


def test_entity_page_lists_each_statement_and_sentence_once(shared_app: Flask) -> None:
    person = _entity(shared_app, "Jose Alvarez")
    base = Settings().base_iri
    found = describe_resource(services(shared_app).store, person, Linker(base, {}))
    assert found is not None
    assert found.label == "Jose Alvarez"
    assert found.alt_labels == ("José Álvarez",)
    keys = Counter((s.predicate.value, s.other.value, s.outgoing) for s in found.statements)
    assert keys and max(keys.values()) == 1
    (holds,) = [s for s in found.statements if s.predicate.value == str(KG.holdsPost)]
    articles = [proof.article.value for proof in holds.evidence]
    assert len(articles) == len(set(articles)) == len(ARTICLES)
    mentioned = [s for s in found.statements if s.predicate.value == str(KG.mentionedIn)]
    assert len(mentioned) == len(ARTICLES)


def test_entity_page_html_names_each_article_once(shared_app: Flask) -> None:
    person = _entity(shared_app, "Jose Alvarez")
    path = person.removeprefix(Settings().base_iri)
    response = shared_app.test_client().get(f"/{path}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("Also called: José Álvarez<") == 1
    found = describe_resource(services(shared_app).store, person, Linker(Settings().base_iri, {}))
    assert found is not None
    proofs = [
        (s.predicate.value, s.other.value, p.article.value, p.sentence)
        for s in found.statements
        for p in s.evidence
    ]
    assert html.count('<blockquote class="evidence">') == len(proofs) == len(set(proofs)) > 0
    assert html.count(SAID) == sum(1 for proof in proofs if proof[3] == SAID) > 0


def test_entity_description_has_no_repeated_triples(shared_app: Flask) -> None:
    person = _entity(shared_app, "Jose Alvarez")
    path = person.removeprefix(Settings().base_iri)
    response = shared_app.test_client().get(f"/{path}", headers={"Accept": "application/n-triples"})
    lines = [line for line in response.get_data(as_text=True).splitlines() if line.strip()]
    assert lines and len(lines) == len(set(lines))
    mentions = [line for line in lines if line.startswith(f"<{person}> <{KG.mentionedIn}>")]
    labels = [line for line in lines if line.startswith(f"<{person}> <{rdflib.RDFS.label}>")]
    assert len(mentions) == len(ARTICLES) and len(labels) == 2


def test_void_counts_each_entity_once(shared_app: Flask) -> None:
    response = shared_app.test_client().get("/.well-known/void")
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    classes = {
        graph.value(part, VOID["class"]): int(graph.value(part, VOID.entities))  # type: ignore[arg-type]
        for part in graph.objects(DATASET, VOID.classPartition)
    }
    assert classes[KG.Person] == classes[KG.Post] == classes[KG.Organization] == 1
    assert classes[KG.Article] == len(ARTICLES)
    subjects = {str(q.subject) for q in services(shared_app).store.native}
    assert int(graph.value(DATASET, VOID.distinctSubjects)) == len(subjects)  # type: ignore[arg-type]


def test_entity_page_caps_sentences_per_statement(
    shared_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entity many articles name shows a few sentences per statement and how many more."""
    from kg.server.pages import describe

    monkeypatch.setattr(describe, "EVIDENCE_SHOWN", 3)
    person = _entity(shared_app, "Jose Alvarez")
    found = describe_resource(services(shared_app).store, person, Linker(Settings().base_iri, {}))
    assert found is not None
    (holds,) = [s for s in found.statements if s.predicate.value == str(KG.holdsPost)]
    assert (len(holds.evidence), holds.more_evidence) == (3, len(ARTICLES) - 3)
    # the first sentences by article, each article named by its identifier (it has no headline)
    assert [e.article.text for e in holds.evidence] == sorted(i for i, _ in ARTICLES)[:3]
    path = person.removeprefix(Settings().base_iri)
    html = shared_app.test_client().get(f"/{path}", headers={"Accept": "text/html"}).text
    assert f"and {len(ARTICLES) - 3} more sentence<" in html


def test_query_page_example_repeats_no_row(shared_app: Flask) -> None:
    """The query page's initial query lists distinct entities, not one per article graph."""
    from kg.server.pages import _DEFAULT_QUERY
    from kg.vocab import PREFIXES

    store = services(shared_app).store
    rows = [tuple(row) for row in store.query(_DEFAULT_QUERY, prefixes=PREFIXES)]  # type: ignore[union-attr]
    assert rows and len(rows) == len(set(rows))
    assert len({row[0] for row in rows}) >= 3  # person, post, organisation
