"""Precision and recall of a linker on a gold list of mentions (JSON Lines: sentence, mention,
type, context, qid or null). Recall counts only mentions whose gold item is known (not null)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.linking.context import WIKIDATA_ENTITY, LinkContext, Linker
from kg.model import Entity, EntityType

__all__ = ["LinkScores", "evaluate_linker", "read_gold"]


@dataclass(slots=True)
class LinkScores:
    """Counts and ratios of one evaluation, with the mistakes for inspection."""

    mentions: int = 0
    gold_linked: int = 0
    predicted: int = 0
    correct: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Correct links / links made."""
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """Correct links / mentions whose item is known."""
        return self.correct / self.gold_linked if self.gold_linked else 1.0


def read_gold(path: Path) -> list[dict[str, object]]:
    """The gold list, one dict a line."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _sentences(
    gold: list[dict[str, object]],
) -> Iterator[tuple[list[Entity], dict[str, str | None], str]]:
    groups: dict[object, list[dict[str, object]]] = {}
    for row in gold:
        groups.setdefault(row["sentence"], []).append(row)
    for sid, rows in groups.items():
        entities = [
            Entity(f"{sid}:{i}", EntityType(str(r["type"])), str(r["mention"]), (), ())
            for i, r in enumerate(rows)
        ]
        expected = {
            e.key: (str(r["qid"]) if r["qid"] else None)
            for e, r in zip(entities, rows, strict=True)
        }
        yield entities, expected, str(rows[0]["context"])


def evaluate_linker(linker: Linker, gold: list[dict[str, object]]) -> LinkScores:
    """Run linker sentence by sentence (the sentence and the other mentions as context)."""
    scores = LinkScores()
    for entities, expected, text in _sentences(gold):
        context = LinkContext.from_texts([text], [e.label for e in entities])
        found = {
            link.entity: link.target.removeprefix(WIKIDATA_ENTITY)
            for link in linker.link(entities, context)
            if link.target.startswith(WIKIDATA_ENTITY)
        }
        for entity in entities:
            want, got = expected[entity.key], found.get(entity.key)
            scores.mentions += 1
            scores.gold_linked += want is not None
            scores.predicted += got is not None
            scores.correct += got is not None and got == want
            if got != want:
                scores.errors.append(f"{entity.label!r} ({entity.type}): want {want}, got {got}")
    return scores
