"""kg.evaluation: literal rules, alignment and scoring on hand-made cases, the dev set's gold
files, and `kg eval` end to end on a small subset."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.evaluation import check_case, read_dev_set
from kg.evaluation.conll import cooccurrence_relations
from kg.evaluation.gold import GoldCase, GoldEntity, GoldFact
from kg.evaluation.match import literal_matches, name_variants, token_f1
from kg.evaluation.news import count_sentences, score_case
from kg.model import (
    Article,
    Cause,
    Entity,
    EntityType,
    Event,
    EventType,
    Evidence,
    HoldsPost,
    Modality,
    Quote,
    TimeExpr,
)
from kg.relations import EntitySpan, Relation, Sentence, score
from tests.conftest import ROOT

DEV = ROOT / "eval" / "news-dev"
TEXT = (
    "Acme Corp's chief executive, Jane Roe, resigned on Friday because sales had collapsed. "
    "“I leave with my head held high and my conscience clear,” Ms Roe said."
)
SENT1, SENT2 = TEXT.split(". ", 1)[0] + ".", TEXT.split(". ", 1)[1]


def _evidence(sentence: str = SENT1) -> Evidence:
    return Evidence("t", 0, sentence, 0, 1, "test", 1.0)


def _gold_case() -> GoldCase:
    entities = (
        GoldEntity("e1", "Person", "Jane Roe", ("Jane Roe", "Ms Roe")),
        GoldEntity("e2", "Post", "chief executive", ("chief executive",)),
        GoldEntity("e3", "Organization", "Acme Corp", ("Acme Corp",)),
        GoldEntity("e4", "Event", "resignation of Jane Roe", ("resigned",)),
    )
    facts = (
        GoldFact("e1", "holdsPost", "e2", SENT1),
        GoldFact("e2", "postIn", "e3", SENT1),
        GoldFact("e1", "memberOf", "e3", SENT1),
        GoldFact("e4", "eventType", "Resignation", SENT1),
        GoldFact("e4", "agent", "e1", SENT1),
        GoldFact("e4", "date", "Friday", SENT1),
        GoldFact("e4", "reason", "sales had collapsed", SENT1),
        GoldFact("e1", "quote", "I leave with my head held high and my conscience", SENT2),
    )
    return GoldCase(Article("t", TEXT), entities, facts)


def _entity(key: str, kind: EntityType, label: str, *alts: str) -> Entity:
    return Entity(key, kind, label, alts, ())


PREDICTED_ENTITIES = [
    _entity("P:roe", EntityType.PERSON, "Jane Roe", "Ms Roe"),
    _entity("Post:ce", EntityType.POST, "chief executive"),
    _entity("P:smith", EntityType.PERSON, "John Smith"),
]
PREDICTED_FACTS = [
    HoldsPost("P:roe", "Post:ce", _evidence()),
    HoldsPost("P:smith", "Post:ce", _evidence()),
    Event(
        "R|roe",
        EventType.RESIGNATION,
        "resigned",
        _evidence(),
        agent="P:roe",
        time=TimeExpr("on Friday", "2026-01-02"),
    ),
    Event("D|x", EventType.DISMISSAL, "sacked", _evidence(), modality=Modality.NEGATED),
    Cause("R|roe", "sales had collapsed so badly", "because", (), _evidence()),
    Quote("P:roe", "I leave with my head held high and my conscience clear", "said", _evidence()),
]


@pytest.mark.parametrize(
    ("predicate", "predicted", "gold", "expected"),
    [
        ("eventType", "resignation", "Resignation", True),
        ("eventType", "Retirement", "Resignation", False),
        ("date", "on Thursday", "Thursday", True),
        ("date", "the end of February", "end of February", True),
        ("date", "Friday", "Thursday", False),
        ("reason", "sales had collapsed so badly", "sales had collapsed", True),
        ("reason", "collapsed", "sales had collapsed badly in the north", False),
        ("quote", "“We will win this, whatever it takes”", "We will win this, whatever it", True),
        ("quote", "We will lose this", "We will win this", False),
    ],
)
def test_literal_matches_rules(predicate: str, predicted: str, gold: str, expected: bool) -> None:
    assert literal_matches(predicate, predicted, gold) is expected


def test_token_f1_exact() -> None:
    assert token_f1("a b c d", "a b") == pytest.approx(2 / 3)
    assert token_f1("x", "y") == 0.0


def test_name_variants_strip_titles_and_determiners() -> None:
    assert "jane roe" in name_variants("Ms Roe's") | name_variants("President Jane Roe")
    assert name_variants("its 400 police officers") == {"400 police officers"}
    assert "roe" in name_variants("Chief Executive Roe", posts=["chief executive"])


def test_score_case_exact_counts() -> None:
    result = score_case(_gold_case(), PREDICTED_ENTITIES, PREDICTED_FACTS)
    counts = {p: (c.tp, c.fp, c.fn) for p, c in result.counts.items() if c.tp + c.fp + c.fn}
    assert counts == {
        "holdsPost": (1, 1, 0),  # John Smith is not in the gold: a false positive
        "postIn": (0, 0, 1),
        "memberOf": (0, 0, 1),
        "eventType": (1, 0, 0),  # the negated dismissal is not scored
        "agent": (1, 0, 0),
        "date": (1, 0, 0),
        "reason": (1, 0, 0),  # token F1 0.86
        "quote": (1, 0, 0),
    }
    assert result.missed == ("e2 postIn e3", "e1 memberOf e3")
    assert result.spurious == ("P:smith holdsPost e2",)


def test_count_sentences() -> None:
    assert count_sentences(TEXT) == 2
    assert count_sentences("One. Two!\n\nThree") == 3


def test_cooccurrence_baseline_exact() -> None:
    entities = (EntitySpan(0, 1, "Peop"), EntitySpan(2, 3, "Org"), EntitySpan(4, 5, "Loc"))
    found = cooccurrence_relations(entities)
    assert set(found) == {
        Relation(0, 1, "Work_For"),
        Relation(0, 2, "Live_In"),
        Relation(1, 2, "OrgBased_In"),
    }
    tokens = ("Ann", "of", "Acme", "in", "Rome")
    gold = Sentence(tokens, entities, (Relation(0, 1, "Work_For"),))
    report = score([gold], [Sentence(tokens, entities, found)])
    assert (report.relation_micro.tp, report.relation_micro.fp) == (1, 2)
    assert report.relation_micro.precision == pytest.approx(1 / 3)
    assert report.entity_micro.f1 == 1.0


def test_dev_set_gold_files_pass_the_checks() -> None:
    cases = read_dev_set(DEV)
    assert [c.article.id for c in cases if c.demo] == ["mattis-resignation"]
    assert len([c for c in cases if not c.demo]) >= 15
    problems = [p for case in cases for p in check_case(case)]
    assert problems == []
    types = {f.o for c in cases for f in c.facts if f.p == "eventType"}
    assert len(types) >= 10


def test_gold_checker_finds_violations() -> None:
    case = _gold_case()
    broken = GoldCase(
        case.article,
        (*case.entities, GoldEntity("e5", "Person", "Max", ("Max Mustermann",))),
        (
            *(f for f in case.facts if f.p != "memberOf"),
            GoldFact("e4", "eventType", "Retirement", SENT1),
            GoldFact("e1", "quote", "words nobody said", "Not in the text."),
        ),
    )
    problems = "\n".join(check_case(broken))
    assert "mention 'Max Mustermann' not in the text" in problems
    assert "e4: 2 eventType facts" in problems
    assert "no memberOf" in problems
    assert "evidence not verbatim" in problems
    assert "quote not verbatim" in problems


def _subset(tmp_path: Path) -> tuple[Path, Path]:
    news = tmp_path / "news"
    news.mkdir()
    lines = (DEV / "articles.jsonl").read_text("utf-8").splitlines()
    chosen = [line for line in lines if json.loads(line).get("demo")][:1] + lines[:1]
    (news / "articles.jsonl").write_text("\n".join(chosen) + "\n", "utf-8")
    for line in chosen:
        name = f"{json.loads(line)['id']}.json"
        shutil.copy(DEV / name, news / name)
    conll = tmp_path / "conll04"
    conll.mkdir()
    dev = [
        {
            "tokens": ["Ann", "Lee", ",", "a", "clerk", "at", "Acme", "Corp", "in", "Ohio", "."],
            "entities": [
                {"type": "Peop", "start": 0, "end": 2},
                {"type": "Org", "start": 6, "end": 8},
                {"type": "Loc", "start": 9, "end": 10},
            ],
            "relations": [{"type": "Work_For", "head": 0, "tail": 1}],
        },
        {"tokens": ["It", "rained", "."], "entities": [], "relations": []},
    ]
    (conll / "dev.json").write_text(json.dumps(dev), "utf-8")
    return news, conll


def _unit(value: float) -> bool:
    return 0.0 <= value <= 1.0


@pytest.mark.slow
def test_kg_eval_end_to_end(tmp_path: Path, runner: CliRunner) -> None:
    news, conll = _subset(tmp_path)
    out = tmp_path / "scores.json"
    args = ["eval", "--news-dir", str(news), "--conll04-dir", str(conll), "--json", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "News dev (without demo, 1 articles)" in result.output
    data = json.loads(out.read_text("utf-8"))
    for system in ("model", "baseline"):
        part = data["conll04"][system]
        assert part["sentences"] == 2 and part["sentences_per_second"] > 0
        assert all(_unit(c["f1"]) for c in part["relations"].values())
        assert _unit(part["entity_micro"]["f1"]) and _unit(part["relation_micro"]["precision"])
    assert data["news"]["articles"] == 2
    assert data["news"]["demo_articles"] == ["mattis-resignation"]
    assert data["news"]["without_demo"]["articles"] == 1
    for name in ("all", "without_demo"):
        micro = data["news"][name]["micro"]
        assert _unit(micro["precision"]) and _unit(micro["recall"]) and _unit(micro["f1"])
        assert micro["tp"] + micro["fn"] > 0
        assert set(data["news"][name]["relations"]) >= {"holdsPost", "eventType", "quote"}
    assert set(data["news"]["errors"]) == {"mattis-resignation", "uk-transport-minister-resigns"}


def test_kg_eval_rejects_missing_folder(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["eval", "--news-dir", str(tmp_path / "nope")])
    assert result.exit_code != 0
    assert "does not exist" in result.output
