"""The offline linker: candidates from the bundled gazetteer by normalised label or alias, kept
when their type fits, scored by how the name matched and by context words and co-occurring
entities (a post's or a person's country, say); a near tie or a low score leaves the entity
unlinked. The gazetteer is built by ``scripts/build_gazetteer.py`` (see kg/linking/data/README.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.linking.context import WIKIDATA_ENTITY, LinkContext, normalise_name
from kg.model import Entity, EntityType, Link, LinkRelation

__all__ = ["GAZETTEER_PATH", "Gazetteer", "GazetteerEntry", "GazetteerLinker", "load_gazetteer"]

GAZETTEER_PATH = Path(__file__).resolve().parent / "data" / "gazetteer.jsonl"
GEONAMES = "https://sws.geonames.org/"
METHOD = "gazetteer"

_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,5}$")
_BASE = {"label": 0.85, "alias": 0.8, "weak": 0.7}
_CROSS = {frozenset({EntityType.PLACE, EntityType.ORGANIZATION})}
_TIE = 0.05


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One item of the gazetteer."""

    qid: str
    type: EntityType
    label: str
    aliases: tuple[str, ...] = ()
    context: frozenset[str] = frozenset()
    country: str | None = None
    geonames: int | None = None
    dbpedia: str | None = None
    category: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GazetteerEntry:
        """An entry from one line of gazetteer.jsonl."""
        return cls(
            qid=data["qid"],
            type=EntityType(data["type"]),
            label=data["label"],
            aliases=tuple(data.get("aliases", ())),
            context=frozenset(data.get("context", ())),
            country=data.get("country"),
            geonames=data.get("geonames"),
            dbpedia=data.get("dbpedia"),
            category=data.get("category"),
        )

    def targets(self) -> Iterator[str]:
        """The external IRIs of this item: Wikidata, then DBpedia and GeoNames if known."""
        yield WIKIDATA_ENTITY + self.qid
        if self.dbpedia:
            yield self.dbpedia
        if self.geonames:
            yield f"{GEONAMES}{self.geonames}/"


@dataclass(slots=True)
class Gazetteer:
    """Entries indexed by normalised name (acronyms by their exact letters)."""

    entries: dict[str, GazetteerEntry] = field(default_factory=dict)
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    acronyms: dict[str, set[str]] = field(default_factory=dict)
    country_names: dict[str, set[str]] = field(default_factory=dict)

    def add(self, entry: GazetteerEntry) -> None:
        """Index an entry under its label and aliases."""
        self.entries[entry.qid] = entry
        self._index(entry.label, entry, "label")
        for alias in entry.aliases:
            weak = " " not in alias.strip() and entry.category != "country"
            self._index(alias, entry, "weak" if weak else "alias")
        if entry.category == "country":
            names = {normalise_name(n).replace(".", "") for n in (entry.label, *entry.aliases)}
            self.country_names[entry.qid] = names

    def _index(self, name: str, entry: GazetteerEntry, strength: str) -> None:
        if _ACRONYM.match(name):
            self.acronyms.setdefault(name.replace(".", ""), set()).add(entry.qid)
            return
        slot = self.names.setdefault(normalise_name(name), {})
        if _BASE[slot.get(entry.qid, "weak")] <= _BASE[strength]:
            slot[entry.qid] = strength

    def candidates(self, name: str) -> dict[str, str]:
        """QIDs the name may denote, each with how it matched (label, alias or weak)."""
        found = dict(self.names.get(normalise_name(name), {}))
        for qid in self.acronyms.get(name.strip().replace(".", ""), ()):
            found.setdefault(qid, "alias")
        return found


def load_gazetteer(path: Path = GAZETTEER_PATH) -> Gazetteer:
    """Read a gazetteer file (JSON Lines, one entry a line).

    Raises:
        InputError: the file is missing or a line is not a valid entry.
    """
    gazetteer = Gazetteer()
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read the gazetteer {path}: {exc}") from exc
    for number, line in enumerate(lines, 1):
        try:
            gazetteer.add(GazetteerEntry.from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{number}: not a gazetteer entry: {exc}") from exc
    return gazetteer


class GazetteerLinker:
    """Links entities offline against the bundled gazetteer."""

    def __init__(self, gazetteer: Gazetteer | None = None, min_score: float = 0.75) -> None:
        self.gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
        self.min_score = min_score

    def link(self, entities: Sequence[Entity], context: LinkContext) -> list[Link]:
        """Links (Wikidata, DBpedia, GeoNames) of every entity with one confident candidate."""
        links: list[Link] = []
        for entity in entities:
            best = self.best(entity, context)
            if best is None:
                continue
            entry, score = best[0], round(best[1], 3)
            relation = LinkRelation.for_score(score)
            for target in entry.targets():
                links.append(Link(entity.key, target, score, METHOD, relation))
        return links

    def best(self, entity: Entity, context: LinkContext) -> tuple[GazetteerEntry, float] | None:
        """The winning entry and its score, or None when nothing is confident and unique."""
        scored = sorted(
            ((self._score(qid, how, entity, context), qid) for qid, how in self._found(entity)),
            reverse=True,
        )
        scored = [(s, q) for s, q in scored if s > 0]
        if not scored or scored[0][0] < self.min_score:
            return None
        if len(scored) > 1 and scored[0][0] - scored[1][0] < _TIE:
            return None
        return self.gazetteer.entries[scored[0][1]], scored[0][0]

    def _found(self, entity: Entity) -> Iterator[tuple[str, str]]:
        seen: dict[str, str] = {}
        for name in (entity.label, *entity.alt_labels):
            for qid, how in self.gazetteer.candidates(name).items():
                if _BASE[how] > _BASE.get(seen.get(qid, ""), 0.0):
                    seen[qid] = how
        yield from seen.items()

    def _score(self, qid: str, how: str, entity: Entity, context: LinkContext) -> float:
        entry = self.gazetteer.entries[qid]
        score = _BASE[how]
        if entry.type != entity.type:
            if frozenset({entry.type, entity.type}) not in _CROSS:
                return 0.0
            score -= 0.1
        score += 0.05 * min(len(entry.context & context.words), 2)
        if entry.country and self._country_in(entry.country, context):
            score += 0.1
        return min(score, 1.0)

    def _country_in(self, country: str, context: LinkContext) -> bool:
        names = self.gazetteer.country_names.get(country, set())
        if names & context.labels:
            return True
        return any(len(n) > 3 and " " not in n and n in context.words for n in names)
