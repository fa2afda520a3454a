"""Builds at scale: worker processes, bulk loading, Dask, interruption and resumption, deletion.

Every variant must leave the same quads in the store as the plain one-process build.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from spacy.language import Language

from kg import iri
from kg.build import BuildReport, build, delete, prune
from kg.cli import cli
from kg.config import Settings
from kg.errors import InputError, KgError, NotFound
from kg.runners import InlineRunner
from kg.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]
PEOPLE = ["Ann Lee", "Omar Haddad", "Lena Berg", "Tomas Novak", "Priya Raman", "Jorge Silva"]
ORGS = ["Acme Corp", "Globex", "Initech", "Umbrella Bank", "Hooli", "Vandelay Industries"]

pytestmark = pytest.mark.slow


def _articles(count: int) -> list[dict[str, str]]:
    out = []
    for n in range(count):
        person, org = PEOPLE[n % len(PEOPLE)], ORGS[(n // len(PEOPLE)) % len(ORGS)]
        text = (
            f"{org} appointed {person} as chief executive on Monday. "
            f"{person} said the company would open an office in Oslo."
        )
        out.append({"id": f"a{n:03d}", "text": text, "published": f"2024-03-0{n % 9 + 1}"})
    return out


def _corpus(path: Path, articles: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(a) + "\n" for a in articles))
    return path


def _quads(store_path: Path) -> set[str]:
    with GraphStore(store_path) as store:
        return {str(q) for q in store.native}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return _corpus(tmp_path / "corpus.jsonl", _articles(5))


@pytest.fixture
def reference(tmp_path: Path, corpus: Path, nlp: Language) -> set[str]:
    """The quads of a plain one-process build of the corpus."""
    report = build([corpus], Settings(store=tmp_path / "reference"), nlp=nlp)
    assert report.ok and len(report.built) == 5
    return _quads(tmp_path / "reference")


def test_build_processes_same_graphs_as_one_process(
    tmp_path: Path, corpus: Path, reference: set[str]
) -> None:
    settings = Settings(store=tmp_path / "two", processes=2, batch_size=2)
    report = build([corpus], settings)
    assert sorted(report.built) == [f"{corpus}:{n}" for n in range(1, 6)]
    assert _quads(settings.store) == reference


def test_build_bulk_same_graphs_and_replaces_old_ones(
    tmp_path: Path, corpus: Path, reference: set[str], nlp: Language
) -> None:
    settings = Settings(store=tmp_path / "bulk", batch_size=2)
    stale = _articles(5)
    stale[0] = {**stale[0], "text": "Hooli fired Mary Jones, its chairman, on Friday."}
    build([_corpus(tmp_path / "old.jsonl", stale)], settings, nlp=nlp)
    report = build([corpus], settings, nlp=nlp, bulk=True)
    assert len(report.built) == 1 and len(report.unchanged) == 4
    assert _quads(settings.store) == reference
    assert not any("Mary Jones" in q for q in reference)
    assert not (tmp_path / "bulk.shards").exists()


def test_build_after_cut_short_bulk_load_rebuilds_everything(
    tmp_path: Path, corpus: Path, reference: set[str], nlp: Language
) -> None:
    settings = Settings(store=tmp_path / "store")
    build([corpus], settings, nlp=nlp)
    marker = tmp_path / "store.bulk-loading"
    marker.touch()
    report = build([corpus], settings, nlp=nlp)
    assert len(report.built) == 5 and report.unchanged == []
    assert not marker.exists()
    assert _quads(settings.store) == reference


def test_build_progress_sees_every_article(tmp_path: Path, corpus: Path, nlp: Language) -> None:
    seen: list[int] = []

    def progress(report: BuildReport) -> None:
        seen.append(report.done)

    settings = Settings(store=tmp_path / "store", batch_size=2)
    build([corpus], settings, nlp=nlp, progress=progress)
    build([corpus], settings, nlp=nlp, progress=progress)
    assert seen == [2, 4, 5, 1, 2, 3, 4, 5]


@pytest.fixture
def dask_scheduler() -> Iterator[str]:
    """A LocalCluster of two single-threaded worker processes; its scheduler's address."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def test_build_on_dask_same_graphs(
    tmp_path: Path, corpus: Path, reference: set[str], dask_scheduler: str
) -> None:
    for bulk in (True, False):
        settings = Settings(store=tmp_path / f"dask-{bulk}", dask_scheduler=dask_scheduler)
        report = build([corpus], settings.replace(batch_size=2), bulk=bulk)
        assert report.ok and len(report.built) == 5
        assert _quads(settings.store) == reference


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_interrupted_build_resumes_without_duplicates(
    tmp_path: Path, nlp: Language, signum: int
) -> None:
    corpus = _corpus(tmp_path / "corpus.jsonl", _articles(120))
    store = tmp_path / "store"
    command = [sys.executable, "-m", "kg", "build", str(corpus), "--store", str(store), "-v"]
    # KG_WRITE_TRIPLES=1: each batch written as it comes, so that the build is cut mid-way.
    env = {
        **os.environ,  # noqa: TID251 - the child's environment
        "PYTHONPATH": str(ROOT),
        "KG_PROCESSES": "2",
        "KG_BATCH_SIZE": "2",
        "KG_WRITE_TRIPLES": "1",
    }
    # A shell's background job starts with SIGINT ignored, and a child inherits that: give the
    # build the default disposition, as in a terminal.
    process = subprocess.Popen(
        command, env=env, stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint
    )
    try:
        assert process.stderr is not None
        built = []
        for line in process.stderr:
            if line.startswith("built"):
                built.append(line)
            if len(built) >= 2:  # early: a loaded machine must not let the build finish first
                break
        process.send_signal(signum)
        assert process.wait(timeout=60) == 130
    finally:
        process.kill()
        process.wait()
        if process.stderr is not None:
            process.stderr.close()
    resumed = build([corpus], Settings(store=store), nlp=nlp)
    assert len(resumed.unchanged) >= 2 and resumed.built
    assert len(resumed.unchanged) + len(resumed.built) == 120
    build([corpus], Settings(store=tmp_path / "clean"), nlp=nlp)
    assert _quads(store) == _quads(tmp_path / "clean")


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _entity(store_path: Path, label: str) -> set[str]:
    query = (
        f'SELECT DISTINCT ?e WHERE {{ ?e <http://www.w3.org/2000/01/rdf-schema#label> "{label}" }}'
    )
    with GraphStore(store_path) as store:
        return {row["e"].value for row in store.query(query)}  # type: ignore[union-attr]


def _mentions(store_path: Path, entity: str) -> int:
    node = ox.NamedNode(entity)
    with GraphStore(store_path) as store:
        as_subject = list(store.native.quads_for_pattern(node, None, None, None))
        as_object = list(store.native.quads_for_pattern(None, None, node, None))
    return len(as_subject) + len(as_object)


def test_delete_removes_graph_and_entities_left_without_evidence(
    tmp_path: Path, nlp: Language
) -> None:
    articles = [
        {"id": "one", "text": "Acme Corp fired its chief executive, John Smith, on Friday."},
        {"id": "two", "text": "Acme Corp appointed Mary Jones as chairman on Monday."},
    ]
    settings = Settings(store=tmp_path / "store")
    build([_corpus(tmp_path / "c.jsonl", articles)], settings, nlp=nlp)
    (smith,), (acme,) = _entity(settings.store, "John Smith"), _entity(settings.store, "Acme Corp")
    assert delete(["one"], settings) == ["one"]
    assert _mentions(settings.store, smith) == 0
    assert _entity(settings.store, "Acme Corp") == {acme} and _mentions(settings.store, acme) > 0
    with GraphStore(settings.store) as store:
        assert store.named_graphs() == [iri.graph_iri(settings.base_iri, "two")]
    with pytest.raises(NotFound, match="'one'"):
        delete(["one", "two"], settings)
    assert _quads(settings.store) == set()


def test_entity_iris_shared_across_articles_and_stable_across_rebuilds(
    tmp_path: Path, nlp: Language
) -> None:
    corpus = _corpus(tmp_path / "c.jsonl", _articles(7))
    first, second = Settings(store=tmp_path / "one"), Settings(store=tmp_path / "two")
    build([corpus], first, nlp=nlp)
    acme = _entity(first.store, "Acme Corp")
    assert len(acme) == 1
    query = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{next(iter(acme))}> ?p ?o }} }}"
    with GraphStore(first.store) as store:
        assert len(list(store.query(query, union=False))) == 6  # type: ignore[arg-type]
    build([corpus], second.replace(processes=2))
    for label in ("Acme Corp", "Ann Lee", "Lena Berg"):
        assert _entity(first.store, label) == _entity(second.store, label) != set()


def test_cli_delete_and_unknown_id(tmp_path: Path, nlp: Language, runner: CliRunner) -> None:
    settings = Settings(store=tmp_path / "store")
    build([_corpus(tmp_path / "c.jsonl", _articles(2))], settings, nlp=nlp)
    result = runner.invoke(cli, ["delete", "a000", "--store", str(settings.store)])
    assert result.exit_code == 0 and "Deleted 1 article(s)." in result.output
    result = runner.invoke(cli, ["delete", "a000", "--store", str(settings.store)])
    assert result.exit_code == NotFound.exit_code and "no article 'a000'" in result.output


def _links_of(store_path: Path, entity: str) -> list[str]:
    """Every quad of the links graph that names the entity or one of its kg:Link nodes."""
    base = Settings().base_iri
    query = f"""SELECT ?s ?p ?o WHERE {{ GRAPH <{iri.links_graph_iri(base)}> {{
      {{ <{entity}> ?p ?o BIND(<{entity}> AS ?s) }}
      UNION {{ ?s <{RDF_SUBJECT}> <{entity}> ; ?p ?o }} }} }}"""
    with GraphStore(store_path) as store:
        return [str(row) for row in store.query(query, union=False)]  # type: ignore[union-attr]


RDF_SUBJECT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"


def test_delete_removes_links_of_entities_left_without_evidence(
    tmp_path: Path, nlp: Language
) -> None:
    articles = [
        {"id": "one", "text": "Acme Corp opened an office in Norway on Friday."},
        {"id": "two", "text": "Acme Corp opened an office in Japan on Monday."},
    ]
    settings = Settings(store=tmp_path / "store")
    assert build([_corpus(tmp_path / "c.jsonl", articles)], settings, nlp=nlp, link=True).ok
    (norway,), (japan,) = _entity(settings.store, "Norway"), _entity(settings.store, "Japan")
    before = _links_of(settings.store, japan)
    assert _links_of(settings.store, norway) and before
    assert delete(["one"], settings) == ["one"]
    assert _links_of(settings.store, norway) == []
    assert _links_of(settings.store, japan) == before
    assert delete(["two"], settings) == ["two"]
    with GraphStore(settings.store) as store:
        assert store.named_graphs() == []
    assert _quads(settings.store) == set()


_THREE = [
    {"id": "one", "text": "Acme Corp opened an office in Japan on Monday."},
    {"id": "two", "text": "Globex appointed Mary Jones as chairman on Friday."},
    {"id": "three", "text": "Acme Corp opened an office in Norway on Tuesday."},
]


def test_prune_removes_graphs_of_articles_no_longer_in_the_input(
    tmp_path: Path, nlp: Language
) -> None:
    settings = Settings(store=tmp_path / "store")
    assert build([_corpus(tmp_path / "all.jsonl", _THREE)], settings, nlp=nlp, link=True).ok
    (norway,), (japan,) = _entity(settings.store, "Norway"), _entity(settings.store, "Japan")
    japan_links = _links_of(settings.store, japan)
    assert _links_of(settings.store, norway) and japan_links
    report = build([_corpus(tmp_path / "two.jsonl", _THREE[:2])], settings, nlp=nlp)
    assert len(report.unchanged) == 2 and not report.built
    assert sorted(report.articles) == ["one", "two"]
    base = settings.base_iri
    assert prune(report, settings) == [iri.graph_iri(base, "three")]
    assert _mentions(settings.store, norway) == 0 and _links_of(settings.store, norway) == []
    assert _links_of(settings.store, japan) == japan_links
    with GraphStore(settings.store) as store:
        graphs = {iri.graph_iri(base, "one"), iri.graph_iri(base, "two")}
        assert set(store.article_graphs()) == graphs
        assert set(store.named_graphs()) == graphs | {iri.links_graph_iri(base)}
    assert prune(report, settings) == []


def test_prune_touches_nothing_when_an_input_failed(
    tmp_path: Path, nlp: Language, runner: CliRunner
) -> None:
    settings = Settings(store=tmp_path / "store")
    assert build([_corpus(tmp_path / "all.jsonl", _THREE)], settings, nlp=nlp).ok
    before = _quads(settings.store)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    two = _corpus(tmp_path / "two.jsonl", _THREE[:2])
    report = build([two, empty], settings, nlp=nlp)
    assert report.failed
    with pytest.raises(KgError, match="nothing pruned"):
        prune(report, settings)
    assert _quads(settings.store) == before
    store = str(settings.store)
    result = runner.invoke(cli, ["build", str(two), str(empty), "--prune", "--store", store])
    assert result.exit_code == InputError.exit_code
    assert "Warning: nothing pruned" in result.output and "Pruned" not in result.output
    assert _quads(settings.store) == before
    nothing = tmp_path / "empty folder"
    nothing.mkdir()
    result = runner.invoke(cli, ["build", str(nothing), "--prune", "--store", store])
    assert result.exit_code == InputError.exit_code
    assert "the input held no article" in result.output and "Pruned" not in result.output
    assert _quads(settings.store) == before
    result = runner.invoke(cli, ["build", str(two), "--prune", "--store", store])
    assert result.exit_code == 0, result.output
    assert "Pruned 1 article graph(s) not in the input." in result.output
    with GraphStore(settings.store) as opened:
        assert iri.graph_iri(settings.base_iri, "three") not in opened.article_graphs()


def test_build_gathers_graphs_into_larger_writes(
    tmp_path: Path, corpus: Path, nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    """KG_WRITE_TRIPLES: graphs wait until they hold that many triples, then go to the store
    in one call (one bulk ingestion), until the input runs out: from then on each result is
    written as it comes (the last InlineRunner.capacity of them). The store is the same
    either way."""
    calls: list[int] = []
    write = GraphStore.add_graphs

    def recorded(store: GraphStore, graphs: Sequence[tuple[str, str]]) -> None:
        calls.append(len(graphs))
        write(store, graphs)

    monkeypatch.setattr(GraphStore, "add_graphs", recorded)
    one = build([corpus], Settings(store=tmp_path / "one", batch_size=1, write_triples=1), nlp=nlp)
    assert calls == [1] * 5
    calls.clear()
    gathered = Settings(store=tmp_path / "all", batch_size=1, write_triples=10**9)
    report = build([corpus], gathered, nlp=nlp)
    tail = InlineRunner.capacity
    assert calls == [5 - tail + 1] + [1] * (tail - 1)
    assert report.triples == one.triples and len(report.built) == 5
    with (
        GraphStore(tmp_path / "one", read_only=True) as a,
        GraphStore(tmp_path / "all", read_only=True) as b,
    ):
        assert sorted(map(str, a.native)) == sorted(map(str, b.native))
