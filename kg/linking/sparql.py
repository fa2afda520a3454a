"""The online linker: asks a Wikidata-shaped SPARQL endpoint (rdfs:label, skos:altLabel,
wdt:P31, schema:description) for items named like kg's entities, many labels per query (VALUES),
through one httpx client with a descriptive User-Agent, an on-disk cache, a minimum interval
between requests, and retries with exponential back-off on timeouts and 5xx answers.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from kg.config import VERSION, Settings
from kg.errors import LinkError
from kg.linking.context import WIKIDATA_ENTITY, LinkContext, context_words
from kg.model import Entity, EntityType, Link, LinkRelation

__all__ = ["USER_AGENT", "SparqlLinker", "candidates_query"]

USER_AGENT = f"kg/{VERSION} (news knowledge graph entity linker; +https://w3id.org/kg-news)"
METHOD = "sparql"
_WD = WIKIDATA_ENTITY
# wdt:P31 values that tell the kind of an item (human, country, city, organisation, post...).
_KINDS: dict[str, EntityType] = {
    **dict.fromkeys(["Q5"], EntityType.PERSON),
    **dict.fromkeys(["Q6256", "Q3624078", "Q515", "Q5119", "Q1549591"], EntityType.PLACE),
    **dict.fromkeys(
        ["Q43229", "Q4830453", "Q783794", "Q7278", "Q484652", "Q327333"], EntityType.ORGANIZATION
    ),
    **dict.fromkeys(["Q4164871", "Q294414"], EntityType.POST),
}
_BASE = {"label": 0.85, "alias": 0.8}


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"@en'


def candidates_query(names: Sequence[str]) -> str:
    """One query for the items whose English label or alias is one of names."""
    values = " ".join(_literal(n) for n in names)
    return (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "PREFIX wdt: <http://www.wikidata.org/prop/direct/>\n"
        "PREFIX schema: <http://schema.org/>\n"
        "SELECT ?name ?item ?via ?type ?description WHERE {\n"
        f"  VALUES ?name {{ {values} }}\n"
        '  { ?item rdfs:label ?name BIND("label" AS ?via) }\n'
        '  UNION { ?item skos:altLabel ?name BIND("alias" AS ?via) }\n'
        "  OPTIONAL { ?item wdt:P31 ?type }\n"
        '  OPTIONAL { ?item schema:description ?description FILTER(LANG(?description) = "en") }\n'
        "}"
    )


@dataclass(slots=True)
class _Candidate:
    item: str
    via: str
    kinds: set[EntityType]
    words: frozenset[str]


class SparqlLinker:
    """Links entities by asking a SPARQL endpoint; see the module docstring."""

    def __init__(self, settings: Settings, endpoint: str | None = None) -> None:
        self.settings = settings
        self.endpoint = endpoint or settings.wikidata_url
        self._last = 0.0

    def link(self, entities: Sequence[Entity], context: LinkContext) -> list[Link]:
        """Links to the endpoint's items for entities with one confident candidate.

        Raises:
            LinkError: the endpoint is down, too slow or answers with an error.
        """
        names = sorted({n for e in entities for n in (e.label, *e.alt_labels)})
        found = self.lookup(names)
        links = []
        for entity in entities:
            best = self._best(entity, found, context)
            if best is not None:
                item, score = best[0], round(best[1], 3)
                links.append(Link(entity.key, item, score, METHOD, LinkRelation.for_score(score)))
        return links

    def lookup(self, names: Sequence[str]) -> dict[str, list[_Candidate]]:
        """Candidates per name, asked in batches of settings.link_batch_size.

        Raises:
            LinkError: the endpoint failed.
        """
        found: dict[str, dict[str, _Candidate]] = {}
        size = max(1, self.settings.link_batch_size)
        for start in range(0, len(names), size):
            for row in self._bindings(candidates_query(names[start : start + size])):
                _collect(found, row)
        return {name: list(items.values()) for name, items in found.items()}

    def _best(
        self, entity: Entity, found: dict[str, list[_Candidate]], context: LinkContext
    ) -> tuple[str, float] | None:
        scores: dict[str, float] = {}
        for name in (entity.label, *entity.alt_labels):
            for cand in found.get(name, []):
                score = _score(cand, entity.type, context)
                scores[cand.item] = max(scores.get(cand.item, 0.0), score)
        ranked = sorted(((s, i) for i, s in scores.items() if s > 0), reverse=True)
        if not ranked or ranked[0][0] < self.settings.link_min_score:
            return None
        if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < 0.05:
            return None
        return ranked[0][1], ranked[0][0]

    def _bindings(self, query: str) -> list[dict[str, Any]]:
        cached = self._cache_path(query)
        if cached.exists():
            return list(json.loads(cached.read_text("utf-8")))
        rows = list(self._request(query)["results"]["bindings"])
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(rows, sort_keys=True), "utf-8")
        return rows

    def _cache_path(self, query: str) -> Path:
        key = hashlib.sha256(f"{self.endpoint}\n{query}".encode()).hexdigest()
        return self.settings.link_cache / key[:2] / f"{key}.json"

    def _request(self, query: str) -> dict[str, Any]:
        attempts = self.settings.link_retries + 1
        reason = ""
        for attempt in range(attempts):
            if attempt:
                time.sleep(self.settings.link_backoff_s * 2 ** (attempt - 1))
            self._wait_turn()
            try:
                response = self._post(query)
            except httpx.TimeoutException:
                reason = f"no answer within {self.settings.link_timeout_s} s"
                continue
            except httpx.TransportError as exc:
                reason = f"cannot connect ({exc})"
                continue
            if response.status_code >= 500 or response.status_code == 429:
                reason = f"HTTP {response.status_code}"
                continue
            return _decode(response, self.endpoint)
        raise LinkError(
            f"linking endpoint {self.endpoint} failed after {attempts} attempt(s): {reason}; "
            "check KG_WIKIDATA_URL or --endpoint, or link offline (without --online)"
        )

    def _wait_turn(self) -> None:
        delay = self._last + self.settings.link_min_interval_s - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self._last = time.monotonic()

    def _post(self, query: str) -> httpx.Response:
        headers = {"Accept": "application/sparql-results+json", "User-Agent": USER_AGENT}
        with httpx.Client(timeout=self.settings.link_timeout_s, headers=headers) as client:
            return client.post(self.endpoint, data={"query": query})


def _decode(response: httpx.Response, endpoint: str) -> dict[str, Any]:
    if response.status_code != 200:
        raise LinkError(
            f"linking endpoint {endpoint} refused the query: HTTP "
            f"{response.status_code}: {response.text[:200]}"
        )
    try:
        data: dict[str, Any] = response.json()
        data["results"]["bindings"]
    except (ValueError, KeyError, TypeError) as exc:
        raise LinkError(f"linking endpoint {endpoint} sent no SPARQL JSON results: {exc}") from exc
    return data


def _collect(found: dict[str, dict[str, _Candidate]], row: dict[str, Any]) -> None:
    name, item = row["name"]["value"], row["item"]["value"]
    if not item.startswith(_WD):
        return
    slot = found.setdefault(name, {})
    via = row.get("via", {}).get("value", "alias")
    cand = slot.setdefault(item, _Candidate(item, via, set(), frozenset()))
    if via == "label":
        cand.via = "label"
    kind = _KINDS.get(row.get("type", {}).get("value", "").removeprefix(_WD))
    if kind is not None:
        cand.kinds.add(kind)
    if "description" in row:
        cand.words = cand.words | context_words([row["description"]["value"]])


def _score(cand: _Candidate, wanted: EntityType, context: LinkContext) -> float:
    score = _BASE.get(cand.via, 0.8)
    if cand.kinds and wanted not in cand.kinds:
        return 0.0
    score += 0.05 if cand.kinds else -0.1
    score += 0.05 * min(len(cand.words & context.words), 2)
    return min(score, 1.0)
