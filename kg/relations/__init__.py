"""Statistical entity and relation extraction trained on CoNLL04.

Entities: Peop, Org, Loc, Other. Relations: Work_For, Kill, OrgBased_In, Live_In, Located_In.
``load_relation_model().predict(text_or_tokens)`` returns a :class:`Sentence` with scored
entities and relations; :func:`score` gives strict P/R/F1; :func:`train` rebuilds the weights.
"""

from __future__ import annotations

from kg.relations.data import (
    ENTITY_TYPES,
    RELATION_SIGNATURES,
    RELATION_TYPES,
    EntitySpan,
    Relation,
    Sentence,
    read_conll04,
)
from kg.relations.evaluate import Counts, Report, score
from kg.relations.model import WEIGHTS_DIR, RelationModel, load_relation_model
from kg.relations.train import TrainConfig, train

__all__ = [
    "ENTITY_TYPES",
    "RELATION_SIGNATURES",
    "RELATION_TYPES",
    "WEIGHTS_DIR",
    "Counts",
    "EntitySpan",
    "Relation",
    "RelationModel",
    "Report",
    "Sentence",
    "TrainConfig",
    "load_relation_model",
    "read_conll04",
    "score",
    "train",
]
