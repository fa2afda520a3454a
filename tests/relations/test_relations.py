"""Tests of the CoNLL04 entity and relation extractor: packaged model, scorer, training."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.relations import (
    WEIGHTS_DIR,
    EntitySpan,
    Relation,
    RelationModel,
    Sentence,
    TrainConfig,
    load_relation_model,
    score,
    train,
)
from kg.relations.classifier import LogisticModel, fit_logistic
from kg.relations.data import read_conll04
from kg.relations.features import DocFeatures, pair_features
from kg.relations.ner import vote_entities
from kg.relations.pairs import (
    candidates,
    labelled_features,
    predict_relations,
    predict_sentences,
)


@pytest.fixture(scope="module")
def model() -> RelationModel:
    return load_relation_model()


def _relations(sentence: Sentence) -> set[tuple[str, str, str]]:
    def text(e: EntitySpan) -> str:
        return " ".join(sentence.tokens[e.start : e.end])

    ents = sentence.entities
    return {(r.label, text(ents[r.head]), text(ents[r.tail])) for r in sentence.relations}


def test_weights_are_packaged_inside_kg() -> None:
    assert WEIGHTS_DIR.parent == Path(__file__).parents[2] / "kg" / "relations"
    assert (WEIGHTS_DIR / "ner" / "config.cfg").is_file()
    assert (WEIGHTS_DIR / "relations.npz").is_file()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Maria Lopez, a spokeswoman for Acme Corp., said the plant would stay open.",
            ("Work_For", "Maria Lopez", "Acme Corp."),
        ),
        (
            "Peter Novak, the president of Fabrikam Industries, announced the merger on Friday.",
            ("Work_For", "Peter Novak", "Fabrikam Industries"),
        ),
        (
            "John Carver was shot dead by Samuel Hale in Denver on Tuesday night.",
            ("Kill", "Samuel Hale", "John Carver"),
        ),
    ],
)
def test_model_predicts_relation(
    model: RelationModel, text: str, expected: tuple[str, ...]
) -> None:
    assert expected in _relations(model.predict(text))


@pytest.mark.slow
def test_model_scores_are_probabilities(model: RelationModel) -> None:
    sentence = model.predict("Maria Lopez, a spokeswoman for Acme Corp., said so in Boston.")
    scores = [e.score for e in sentence.entities] + [r.score for r in sentence.relations]
    assert sentence.relations
    assert all(0.0 <= s <= 1.0 for s in scores)


@pytest.mark.slow
def test_model_keeps_given_tokens(model: RelationModel) -> None:
    tokens = ["Ann", "Lee", "works", "for", "Globex", "Inc.", "in", "Paris", "."]
    sentence = model.predict(tokens)
    assert sentence.tokens == tuple(tokens)
    assert EntitySpan(0, 2, "Peop") in {
        EntitySpan(e.start, e.end, e.label) for e in sentence.entities
    }


@pytest.mark.slow
def test_model_keeps_relations_within_a_sentence(model: RelationModel) -> None:
    sentence = model.predict("Maria Lopez spoke on Monday. Acme Corp. closed a plant in Ohio.")
    assert ("Work_For", "Maria Lopez", "Acme Corp.") not in _relations(sentence)


_TOKENS = ("Ann", "Lee", "of", "Acme", "Corp", "in", "Ohio")
_ANN, _ACME, _OHIO = EntitySpan(0, 2, "Peop"), EntitySpan(3, 5, "Org"), EntitySpan(6, 7, "Loc")
_GOLD = Sentence(
    _TOKENS, (_ANN, _ACME, _OHIO), (Relation(0, 1, "Work_For"), Relation(1, 2, "OrgBased_In"))
)


def test_score_perfect_prediction() -> None:
    report = score([_GOLD], [_GOLD])
    assert (report.entity_micro.f1, report.relation_micro.f1) == (1.0, 1.0)
    assert report.relations["Work_For"].tp == 1


def test_score_span_mismatch_is_wrong_for_entity_and_relation() -> None:
    short = EntitySpan(3, 4, "Org")  # "Acme" instead of "Acme Corp"
    pred = Sentence(_TOKENS, (_ANN, short, _OHIO), _GOLD.relations)
    report = score([_GOLD], [pred])
    assert report.entities["Org"].as_dict() | {} == {
        "tp": 0,
        "fp": 1,
        "fn": 1,
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
    }
    assert report.entity_micro.precision == pytest.approx(2 / 3)
    assert (report.relation_micro.tp, report.relation_micro.fp, report.relation_micro.fn) == (
        0,
        2,
        2,
    )


def test_score_wrong_argument_type_is_wrong_relation() -> None:
    pred = Sentence(_TOKENS, (_ANN, EntitySpan(3, 5, "Loc"), _OHIO), _GOLD.relations[:1])
    report = score([_GOLD], [pred])
    assert report.relation_micro.tp == 0
    assert report.relations["Work_For"].fp == 1


def test_score_partial_relations() -> None:
    pred = Sentence(
        _TOKENS, _GOLD.entities, (Relation(0, 1, "Work_For"), Relation(0, 2, "Live_In"))
    )
    report = score([_GOLD], [pred])
    micro = report.relation_micro
    assert (micro.precision, micro.recall, micro.f1) == (0.5, 0.5, 0.5)
    assert report.relations["Live_In"].as_dict()["precision"] == 0.0
    assert report.relations["OrgBased_In"].fn == 1
    assert json.loads(json.dumps(report.as_dict()))["relation_micro"]["f1"] == 0.5


def test_score_rejects_misaligned_inputs() -> None:
    with pytest.raises(ValueError, match="1 gold sentences but 0 predicted"):
        score([_GOLD], [])


_TINY = [
    {
        "tokens": [
            "Ann",
            "Lee",
            ",",
            "a",
            "lawyer",
            "for",
            "Acme",
            "Corp",
            ",",
            "lives",
            "in",
            "Ohio",
            ".",
        ],
        "entities": [
            {"type": "Peop", "start": 0, "end": 2},
            {"type": "Org", "start": 6, "end": 8},
            {"type": "Loc", "start": 11, "end": 12},
        ],
        "relations": [
            {"type": "Work_For", "head": 0, "tail": 1},
            {"type": "Live_In", "head": 0, "tail": 2},
        ],
    },
    {
        "tokens": [
            "Bob",
            "Stone",
            "was",
            "killed",
            "by",
            "Carl",
            "Reed",
            "in",
            "Lima",
            ",",
            "Peru",
            ".",
        ],
        "entities": [
            {"type": "Peop", "start": 0, "end": 2},
            {"type": "Peop", "start": 5, "end": 7},
            {"type": "Loc", "start": 8, "end": 9},
            {"type": "Loc", "start": 10, "end": 11},
        ],
        "relations": [
            {"type": "Kill", "head": 1, "tail": 0},
            {"type": "Located_In", "head": 2, "tail": 3},
        ],
    },
    {
        "tokens": ["The", "1990", "census", "counted", "Globex", "staff", "in", "Texas", "."],
        "entities": [
            {"type": "Other", "start": 1, "end": 2},
            {"type": "Org", "start": 4, "end": 5},
            {"type": "Loc", "start": 7, "end": 8},
        ],
        "relations": [{"type": "OrgBased_In", "head": 1, "tail": 2}],
    },
]


@pytest.mark.slow
def test_train_runs_end_to_end_on_tiny_data(tmp_path: Path) -> None:
    data = tmp_path / "tiny.json"
    data.write_text(json.dumps(_TINY), encoding="utf-8")
    assert len(read_conll04(data)) == 3
    out = tmp_path / "model"
    metrics = train(
        data, data, out, seed=1, config=TrainConfig(ner_epochs=1, ner_members=2, relation_epochs=1)
    )
    assert {"end_to_end", "gold_entities", "threshold", "train_seconds"} <= set(metrics)
    assert json.loads(json.dumps(metrics))["seed"] == 1
    reloaded = load_relation_model(out)
    sentence = reloaded.predict(["Ann", "Lee", "lives", "in", "Ohio", "."])
    assert sentence.tokens[0] == "Ann"
    assert all(0.0 <= r.score <= 1.0 for r in sentence.relations)


def test_vote_entities_keeps_majority_and_scores_share() -> None:
    peop, org = EntitySpan(0, 2, "Peop"), EntitySpan(3, 5, "Org")
    members = [[peop, org], [peop, EntitySpan(3, 4, "Org")], [peop]]
    voted = vote_entities(members)
    assert [(e.start, e.end, e.label) for e in voted] == [(0, 2, "Peop")]
    assert voted[0].score == 1.0
    assert vote_entities([[peop, org], [org], []]) == [EntitySpan(3, 5, "Org", 2 / 3)]


def test_logistic_model_learns_and_round_trips(tmp_path: Path) -> None:
    instances = [["bias", "kill"], ["bias", "visit"]] * 20
    labels = [1, 0] * 20
    model = fit_logistic(instances, labels, epochs=5, members=3, seed=0)
    assert model.probability(["bias", "kill"]) > 0.8 > 0.2 > model.probability(["bias", "visit"])
    model.save(tmp_path / "m.npz")
    again = LogisticModel.load(tmp_path / "m.npz")
    assert again.probability(["bias", "kill", "unseen"]) == model.probability(["bias", "kill"])


def test_read_conll04_rejects_malformed_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('[{"tokens": ["a"]}]', encoding="utf-8")
    with pytest.raises(InputError, match="cannot read CoNLL04 JSON"):
        read_conll04(bad)


def test_logistic_model_looks_up_prefixed_features_and_rows_exactly() -> None:
    instances = [["A:bias", "A:kill"], ["A:bias", "A:visit"], ["B:bias", "B:kill"]] * 10
    model = fit_logistic(instances, [1, 0, 0] * 10, epochs=3, members=3, seed=0)
    assert model.columns(["bias", "kill", "unseen"], "A").tolist() == sorted(
        model.columns(["A:bias", "A:kill"]).tolist()
    )
    assert model.columns(["kill"], "C").tolist() == []
    rows = [model.columns(i) for i in instances[:3]]
    assert model.probabilities_of_rows(rows) == [model.probability(i) for i in instances[:3]]
    assert model.probabilities_of_rows([]) == []


@pytest.mark.slow
def test_doc_features_shared_by_pairs_equal_features_of_each_pair(model: RelationModel) -> None:
    doc = model.parse(
        "Ann Lee of Acme Corp. visited Ohio. Bob Stone , the head of Initech , met Ann."
    )
    sents = list(doc.sents)
    assert len(sents) == 2
    spans = [
        [EntitySpan(0, 2, "Peop"), EntitySpan(3, 5, "Org"), EntitySpan(6, 7, "Loc")],
        [EntitySpan(8, 10, "Peop"), EntitySpan(14, 15, "Org"), EntitySpan(17, 18, "Peop")],
    ]
    names = [[doc[e.start : e.end].text for e in s] for s in spans]
    assert names == [["Ann Lee", "Acme Corp.", "Ohio"], ["Bob Stone", "Initech", "Ann"]]
    shared = DocFeatures(doc)
    for entities, sent in zip(spans, sents, strict=True):
        bounds = (sent.start, sent.end)
        for h, t, _ in candidates(entities):
            feats = shared.pair(entities[h], entities[t], entities, bounds)
            assert feats == pair_features(doc, entities[h], entities[t], entities, bounds)
    first = pair_features(doc, spans[0][0], spans[0][1], spans[0], (sents[0].start, sents[0].end))
    assert {"bw=of", "bwo=of|ht", "bm=of", "hw=ann lee", "tw=acme corp.", "l1=<s>"} <= set(first)
    together = predict_sentences(
        model.classifier,
        model.thresholds,
        doc,
        [(s, (x.start, x.end)) for s, x in zip(spans, sents, strict=True)],
    )
    one_by_one = [
        predict_relations(model.classifier, model.thresholds, doc, s, (x.start, x.end))
        for s, x in zip(spans, sents, strict=True)
    ]
    assert together == one_by_one
    assert any(r.label == "Work_For" for r in together[0])
    for (entities, sent), kept in zip(zip(spans, sents, strict=True), together, strict=True):
        for r in kept:
            feats = labelled_features(
                doc, entities, r.head, r.tail, r.label, (sent.start, sent.end)
            )
            assert r.score == model.classifier.probability(feats)


def test_issue_fuzz_candidates_skip_pairs_further_than_max_gap() -> None:
    near, far = EntitySpan(0, 2, "Peop"), EntitySpan(3, 4, "Org")
    distant = EntitySpan(200, 201, "Org")
    entities = [near, far, distant]
    assert (0, 2, "Work_For") in candidates(entities)
    capped = candidates(entities, max_gap=100)
    assert (0, 1, "Work_For") in capped
    assert all(2 not in (head, tail) for head, tail, _ in capped)
