"""CoNLL04 sentences in SpERT JSON, and the entity and relation values the extractor returns.

Spans are token offsets with an exclusive end; relations point into their sentence's entity
list by index, as in the SpERT files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError

__all__ = [
    "ENTITY_TYPES",
    "RELATION_SIGNATURES",
    "RELATION_TYPES",
    "EntitySpan",
    "Relation",
    "Sentence",
    "read_conll04",
]

ENTITY_TYPES: tuple[str, ...] = ("Loc", "Org", "Other", "Peop")

#: Relation type -> (head entity type, tail entity type); every CoNLL04 train relation fits.
RELATION_SIGNATURES: dict[str, tuple[str, str]] = {
    "Kill": ("Peop", "Peop"),
    "Live_In": ("Peop", "Loc"),
    "Located_In": ("Loc", "Loc"),
    "OrgBased_In": ("Org", "Loc"),
    "Work_For": ("Peop", "Org"),
}

RELATION_TYPES: tuple[str, ...] = tuple(sorted(RELATION_SIGNATURES))


@dataclass(frozen=True, slots=True)
class EntitySpan:
    """An entity mention: tokens ``start``..``end`` (exclusive) of its sentence."""

    start: int
    end: int
    label: str
    score: float = 1.0


@dataclass(frozen=True, slots=True)
class Relation:
    """A directed relation between two entities of a sentence, by index into its entities."""

    head: int
    tail: int
    label: str
    score: float = 1.0


@dataclass(frozen=True, slots=True)
class Sentence:
    """A tokenised sentence with its entities and the relations between them."""

    tokens: tuple[str, ...]
    entities: tuple[EntitySpan, ...] = ()
    relations: tuple[Relation, ...] = ()


def _sentence_from_json(item: dict[str, object]) -> Sentence:
    tokens = tuple(str(t) for t in item["tokens"])  # type: ignore[attr-defined]
    entities = tuple(
        EntitySpan(int(e["start"]), int(e["end"]), str(e["type"]))
        for e in item["entities"]  # type: ignore[attr-defined]
    )
    relations = tuple(
        Relation(int(r["head"]), int(r["tail"]), str(r["type"]))
        for r in item["relations"]  # type: ignore[attr-defined]
    )
    return Sentence(tokens, entities, relations)


def read_conll04(path: Path) -> list[Sentence]:
    """Read a SpERT-format JSON file (a list of sentences).

    Raises:
        InputError: the file is missing or not a list of SpERT sentences.
    """
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
        return [_sentence_from_json(item) for item in items]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise InputError(f"cannot read CoNLL04 JSON from {path}: {err}") from err
