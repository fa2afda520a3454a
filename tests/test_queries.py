"""Every query in queries/ parses, documents itself and returns the demo's facts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from spacy.language import Language

from kg.build import build
from kg.config import Settings
from kg.queries import load_queries
from kg.store import GraphStore
from tests.conftest import ROOT

QUERIES = {q.name: q for q in load_queries()}


def _rows(store: GraphStore, name: str) -> list[dict[str, str]]:
    result = store.query(QUERIES[name].sparql)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in result]


def test_queries_library_is_documented() -> None:
    assert len(QUERIES) >= 8
    for query in QUERIES.values():
        assert query.title, f"{query.name}.rq has no '# title:' header"
        assert query.description, f"{query.name}.rq has no '# description:' header"


@pytest.fixture(scope="module")
def linked_store_path(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Path:
    """The demo graph built with --link, for the queries that use the links."""
    path = tmp_path_factory.mktemp("linked") / "store"
    assert build([ROOT / "data"], Settings(store=path), nlp=nlp, link=True).ok
    return path


@pytest.fixture
def linked_store(linked_store_path: Path) -> Iterator[GraphStore]:
    with GraphStore(linked_store_path) as store:
        yield store


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_runs_on_demo_graph(
    demo_store: GraphStore, request: pytest.FixtureRequest, name: str
) -> None:
    query = QUERIES[name]
    if query.remote:
        pytest.skip(f"{name} asks a remote endpoint (# remote: true)")
    store = request.getfixturevalue("linked_store") if query.needs_links else demo_store
    assert _rows(store, name), f"{name} returned no rows on the demo graph"


def test_remote_queries_parse() -> None:
    from rdflib.plugins.sparql import prepareQuery

    remote = [q for q in QUERIES.values() if q.remote]
    assert remote
    for query in remote:
        assert "SERVICE" in query.sparql
        prepareQuery(query.sparql)  # parsed only: no test goes online


def test_wikidata_ids_on_linked_demo_graph(linked_store: GraphStore) -> None:
    rows = _rows(linked_store, "wikidata-ids")
    assert all(r["wikidata"].startswith("http://www.wikidata.org/entity/Q") for r in rows)
    assert {r["method"] for r in rows} == {"gazetteer"}
    assert all(0.0 < float(r["score"]) <= 1.0 for r in rows)


def test_who_holds_which_post(demo_store: GraphStore) -> None:
    pairs = {(r["personLabel"], r["postLabel"]) for r in _rows(demo_store, "who-holds-which-post")}
    assert ("James Mattis", "Secretary of Defense") in pairs
    assert ("Donald Trump", "President") in pairs


def test_events_with_roles_resignation(demo_store: GraphStore) -> None:
    rows = [r for r in _rows(demo_store, "events-with-roles") if r["type"].endswith("Resignation")]
    resignation = [r for r in rows if r["agentLabel"] == "James Mattis"]
    assert resignation
    assert {r["affectedLabel"] for r in resignation} == {"Secretary of Defense"}
    assert {r["dateText"] for r in resignation} == {"the end of February"}
    reasons = " ".join(r["reason"] for r in resignation)
    assert "difference of views" in reasons
    assert "treatment of allies" in reasons and "international order" in reasons


def test_announcements_via_twitter(demo_store: GraphStore) -> None:
    rows = _rows(demo_store, "announcements")
    assert any(
        r["announcerLabel"] == "Donald Trump"
        and r["agentLabel"] == "James Mattis"
        and r["medium"] == "Twitter"
        for r in rows
    )


def test_characterized_as_retirement(demo_store: GraphStore) -> None:
    rows = _rows(demo_store, "characterizations")
    assert any(
        r["speakerLabel"] == "Donald Trump"
        and r["statedType"].endswith("#Resignation")
        and r["describedAs"].endswith("#Retirement")
        for r in rows
    )


def test_causes_cite_difference_of_views(demo_store: GraphStore) -> None:
    rows = _rows(demo_store, "causes")
    due_to = [r for r in rows if r["marker"] == "due to"]
    assert due_to and due_to[0]["reason"].startswith("a difference of views")
    assert "Donald Trump" in due_to[0]["mentions"]


def test_withdrawal_from_syria(demo_store: GraphStore) -> None:
    rows = _rows(demo_store, "withdrawals")
    assert any(
        r["agentLabel"] == "Donald Trump"
        and r["forcesLabel"] == "US forces"
        and r["placeLabel"] == "Syria"
        and r["modality"].endswith("#Asserted")
        for r in rows
    )
    planned = [r for r in rows if r["modality"].endswith("#Planned")]
    assert planned and planned[0]["placeLabel"] == "Afghanistan"


def test_quotes_attributed_to_both(demo_store: GraphStore) -> None:
    rows = _rows(demo_store, "quotes-by-person")
    speakers = {r["speakerLabel"] for r in rows}
    assert {"Donald Trump", "James Mattis"} <= speakers
    trump = [r for r in rows if r["speakerLabel"] == "Donald Trump"]
    assert trump[0]["medium"] == "Twitter"
    assert trump[0]["text"].startswith("General Jim Mattis will be retiring")


def test_facts_with_evidence_offsets_point_into_text(demo_store: GraphStore) -> None:
    from tests.conftest import DEMO

    text = DEMO.read_text("utf-8")
    rows = _rows(demo_store, "facts-with-evidence")
    assert rows
    for row in rows:
        start, end = int(row["start"]), int(row["end"])
        assert 0 <= start < end <= len(text)
        assert text[start:end] in row["sentence"]
        assert 0.0 <= float(row["confidence"]) <= 1.0
        assert row["extractor"].startswith("kg_")


def test_facts_per_article(demo_store: GraphStore) -> None:
    rows = _rows(demo_store, "facts-per-article")
    assert [r["identifier"] for r in rows] == ["mattis-resignation"]
    assert int(rows[0]["facts"]) > 10 and int(rows[0]["quotes"]) >= 3


def test_queries_do_not_repeat_rows_per_article(tmp_path: Path, nlp: Language) -> None:
    """Every article graph repeats its entities' labels; the union must not multiply rows."""
    import json

    text = (ROOT / "data" / "mattis-resignation.txt").read_text("utf-8")
    source = tmp_path / "twice.jsonl"
    source.write_text("\n".join(json.dumps({"id": i, "text": text}) for i in ("a", "b")) + "\n")
    settings = Settings(store=tmp_path / "store")
    assert build([source], settings, nlp=nlp).ok
    with GraphStore(settings.store) as store:
        holders = _rows(store, "who-holds-which-post")
        entities = _rows(store, "entities")
    assert len(holders) == len({(r["person"], r["post"]) for r in holders}) == 2
    assert len(entities) == len({r["entity"] for r in entities})


def test_spellings_that_normalise_alike_share_one_entity(tmp_path: Path, nlp: Language) -> None:
    """Two articles spell one name differently (accents): one IRI, one preferred label (the
    least), the other spelling as an alternative name, and the union still conforms."""
    import json

    from kg.validation import validate_store

    texts = {
        "one": "José Álvarez, the chief executive of Acme Corp, said on Monday.",
        "two": "Jose Alvarez, the chief executive of Acme Corp, resigned on Friday.",
    }
    articles = [{"id": key, "text": text} for key, text in texts.items()]
    source = tmp_path / "two.jsonl"
    source.write_text("".join(json.dumps(a) + "\n" for a in articles))
    settings = Settings(store=tmp_path / "store")
    assert build([source], settings, nlp=nlp).ok
    with GraphStore(settings.store) as store:
        people = [r for r in _rows(store, "entities") if r["type"].endswith("#Person")]
        holders = _rows(store, "who-holds-which-post")
        report = validate_store(store, settings.base_iri)
    assert [(r["label"], r["altLabels"]) for r in people] == [("Jose Alvarez", "José Álvarez")]
    assert [(r["personLabel"], r["orgLabel"]) for r in holders] == [("Jose Alvarez", "Acme Corp")]
    assert report.conforms, report.text
