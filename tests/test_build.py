"""build(): one named graph per article, idempotent rebuilds, atomic replacement, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from spacy.language import Language

from kg import iri
from kg.batches import Batch
from kg.build import build
from kg.config import Settings
from kg.model import Article
from kg.runners import InlineRunner, run_all
from kg.store import GraphStore

ARTICLES = [
    {
        "id": "n1",
        "text": "Prime Minister Kaja Kallas resigned on Monday, citing a coalition "
        "dispute. Kallas said she would leave office at the end of June.",
        "published": "2024-06-10",
        "title": "Estonian premier resigns",
        "url": "https://news.example.org/n1",
    },
    {"id": "n2", "text": "Acme Corp fired its chief executive, John Smith, on Friday."},
]


def _write(path: Path, articles: list[dict[str, str]]) -> Path:
    path.write_text("\n".join(json.dumps(a) for a in articles) + "\n")
    return path


def _graph_triples(store: GraphStore, graph: str) -> set[str]:
    return {str(q) for q in store.native.quads_for_pattern(None, None, None, ox.NamedNode(graph))}


def test_build_one_graph_per_article_with_metadata(
    tmp_path: Path, settings: Settings, nlp: Language
) -> None:
    report = build([_write(tmp_path / "a.jsonl", ARTICLES)], settings, nlp=nlp)
    assert report.ok and len(report.built) == 2
    with GraphStore(settings.store) as store:
        graphs = store.named_graphs()
        assert graphs == sorted(iri.graph_iri(settings.base_iri, a["id"]) for a in ARTICLES)
        ask = """PREFIX schema: <http://schema.org/> ASK { GRAPH ?g {
            ?a schema:identifier "n1" ; schema:url <https://news.example.org/n1> ;
               schema:datePublished "2024-06-10"^^<http://www.w3.org/2001/XMLSchema#date> ;
               schema:headline "Estonian premier resigns" } }"""
        assert bool(store.query(ask))


def test_each_article_graph_stands_alone(tmp_path: Path, settings: Settings, nlp: Language) -> None:
    build([_write(tmp_path / "a.jsonl", ARTICLES)], settings, nlp=nlp)
    with GraphStore(settings.store) as store:
        query = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX kg: <https://w3id.org/kg-news/ontology#>
        SELECT ?g ?e WHERE { GRAPH ?g { ?x kg:agent ?e } FILTER NOT EXISTS {
            GRAPH ?g { ?e rdfs:label ?l ; a ?t } } }"""
        assert list(store.query(query, union=False)) == []  # type: ignore[arg-type]


def test_rebuild_skips_unchanged_and_replaces_changed(
    tmp_path: Path, settings: Settings, nlp: Language
) -> None:
    source = _write(tmp_path / "a.jsonl", ARTICLES)
    build([source], settings, nlp=nlp)
    with GraphStore(settings.store) as store:
        before = {g: _graph_triples(store, g) for g in store.named_graphs()}
    again = build([source], settings, nlp=nlp)
    assert again.built == [] and len(again.unchanged) == 2
    changed = [ARTICLES[0], {**ARTICLES[1], "text": "Acme Corp appointed Mary Jones as chairman."}]
    report = build([_write(source, changed)], settings, nlp=nlp)
    assert len(report.built) == 1 and len(report.unchanged) == 1
    with GraphStore(settings.store) as store:
        n1, n2 = (iri.graph_iri(settings.base_iri, i) for i in ("n1", "n2"))
        assert _graph_triples(store, n1) == before[n1]
        after = _graph_triples(store, n2)
        assert not any("smith" in t.lower() for t in after)
        assert any("Mary Jones" in t for t in after)


def test_rebuild_is_deterministic(tmp_path: Path, nlp: Language) -> None:
    source = _write(tmp_path / "a.jsonl", ARTICLES)
    graphs = []
    for name in ("one", "two"):
        settings = Settings(store=tmp_path / name)
        build([source], settings, nlp=nlp)
        with GraphStore(settings.store) as store:
            graphs.append({g: _graph_triples(store, g) for g in store.named_graphs()})
    assert graphs[0] == graphs[1]


def test_bad_input_reported_rest_built(tmp_path: Path, settings: Settings, nlp: Language) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_text("")
    (folder / "good.txt").write_text("Senator Ann Lee resigned from the committee on Tuesday.")
    (folder / "bad.jsonl").write_text('{"id": "x", "text": 5}\n')
    report = build([folder], settings, nlp=nlp)
    assert not report.ok
    assert len(report.built) == 1 and len(report.failed) == 2
    messages = " ".join(m for _, m in report.failed)
    assert "empty.txt" in messages and "bad.jsonl:1" in messages
    with GraphStore(settings.store) as store:
        assert store.named_graphs() == [iri.graph_iri(settings.base_iri, "good")]


def test_duplicate_ids_in_one_batch_are_reported(
    tmp_path: Path, settings: Settings, nlp: Language
) -> None:
    dup = [ARTICLES[1], {**ARTICLES[1], "text": "A different text."}]
    report = build([_write(tmp_path / "d.jsonl", dup)], settings, nlp=nlp)
    assert len(report.built) == 1
    assert "duplicate article id 'n2'" in report.failed[0][1]


def test_entities_shared_across_articles_with_their_identity_key(
    tmp_path: Path, settings: Settings, nlp: Language
) -> None:
    articles = [
        {"id": "x1", "text": "Chancellor Olaf Scholz met the unions in Berlin on Monday."},
        {"id": "x2", "text": "Olaf Scholz, the German chancellor, flew to Paris on Friday."},
    ]
    build([_write(tmp_path / "x.jsonl", articles)], settings, nlp=nlp)
    query = """PREFIX kg: <https://w3id.org/kg-news/ontology#>
        SELECT DISTINCT ?e ?key WHERE { GRAPH ?g { ?e a kg:Person ; kg:identityKey ?key } }"""
    with GraphStore(settings.store) as store:
        rows = {(r["e"].value, r["key"].value) for r in store.query(query, union=False)}  # type: ignore[union-attr]
        graphs = {
            r["g"].value
            for r in store.query(  # type: ignore[union-attr]
                "SELECT ?g WHERE { GRAPH ?g { ?e <https://w3id.org/kg-news/ontology#identityKey>"
                ' "Person|olaf scholz" } }',
                union=False,
            )
        }
    assert rows == {
        (iri.entity_iri(settings.base_iri, "Person", "Olaf Scholz"), "Person|olaf scholz")
    }
    assert len(graphs) == 2


def test_one_process_runner_returns_batches_in_order_and_raises_their_errors(
    tmp_path: Path, settings: Settings, nlp: Language
) -> None:
    """The one-process runner extracts on a thread, a batch ahead: results come back in the
    order submitted, and a batch that fails raises in the caller, not in the thread."""
    articles = [
        Article(id=f"n{i}", text=f"Acme Corp hired Ann Lee in {2000 + i}.") for i in range(3)
    ]
    jobs = [(a, f"hash{i}") for i, a in enumerate(articles)]
    runner = InlineRunner(settings, nlp, None)
    for number, job in enumerate(jobs):
        runner.submit(Batch(number, (job,)))
    graphs = [runner.result().graphs[0].graph for _ in jobs]
    assert graphs == [iri.graph_iri(settings.base_iri, a.id) for a in articles]
    runner.close()
    broken = InlineRunner(settings, nlp, tmp_path / "no such folder")  # its shard cannot be written
    broken.submit(Batch(0, (jobs[0],)))
    with pytest.raises(FileNotFoundError):
        broken.result()
    broken.close(abort=True)


def test_run_all_marks_the_results_that_come_after_the_last_batch(
    settings: Settings, nlp: Language
) -> None:
    """Once every batch is submitted, the results still in flight (capacity of them) come
    back marked tail, in the order they finish; those before are not."""
    articles = [
        Article(id=f"t{i}", text=f"Acme Corp hired Ann Lee in {2000 + i}.") for i in range(5)
    ]
    jobs = [Batch(n, ((a, f"hash{n}"),)) for n, a in enumerate(articles)]
    results = list(run_all(lambda: InlineRunner(settings, nlp, None), jobs))
    assert [r.graphs[0].graph for r in results] == [
        iri.graph_iri(settings.base_iri, a.id) for a in articles
    ]
    tail = InlineRunner.capacity
    assert [r.tail for r in results] == [False] * (len(jobs) - tail) + [True] * tail
    few = list(run_all(lambda: InlineRunner(settings, nlp, None), jobs[:1]))
    assert [r.tail for r in few] == [True]


def test_store_compacted_after_building_a_large_part_of_it(
    tmp_path: Path, settings: Settings, nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that writes at least OPTIMIZE_SHARE of the article graphs compacts the store
    (queries read fewer files); a small update to a larger store does not pay for it."""
    calls: list[int] = []
    optimize = GraphStore.optimize

    def counted(store: GraphStore) -> None:
        calls.append(len(store.article_graphs()))
        optimize(store)

    monkeypatch.setattr(GraphStore, "optimize", counted)
    articles = [
        {"id": f"a{n}", "text": f"Acme {n} Corp fired its chief executive, John Smith, on Friday."}
        for n in range(12)
    ]
    source = _write(tmp_path / "a.jsonl", articles)
    build([source], settings, nlp=nlp)
    assert calls == [12]  # a new store: everything was written
    articles[0] = {**articles[0], "text": "Acme Corp appointed Mary Jones as chairman."}
    assert len(build([_write(source, articles)], settings, nlp=nlp).built) == 1
    assert calls == [12]  # 1 of 12 graphs, under 10%
    for n in (1, 2):
        articles[n] = {**articles[n], "text": f"Globex {n} named Ann Lee its chief executive."}
    assert len(build([_write(source, articles)], settings, nlp=nlp).built) == 2
    assert calls == [12, 12]
    with GraphStore(settings.store) as store:
        assert len(store.article_graphs()) == 12
