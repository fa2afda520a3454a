"""build(): ingest → extract → RDF → store, article by article; what `kg build` calls.

Unchanged articles (same content hash, which covers the text, metadata, kg's version and the
model) are skipped; a changed article's graph is replaced in one transaction. A bad file or
JSON line is reported and the rest of the batch goes on.

link_store(): reads the entities of every article graph with their context (the evidence
sentences and the other entities of the article), links them offline or online, and replaces the
links graph (``{base}graph/links``) in one transaction; ``build(..., link=True)`` runs it after
extraction.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from kg import iri
from kg.config import VERSION, Settings
from kg.errors import LinkError
from kg.ingest import read_paths
from kg.linking import GazetteerLinker, LinkContext, Linker, SparqlLinker
from kg.model import Article, Entity, EntityType, Fact, Link
from kg.nlp import extract, load_pipeline
from kg.rdf import article_triples, link_triples
from kg.store import GraphStore

__all__ = ["BuildReport", "LinkReport", "build", "content_hash", "link_store"]

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class BuildReport:
    """What a build did: articles built and skipped, failures with their messages."""

    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    triples: int = 0
    links: LinkReport | None = None

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failed


@dataclass(slots=True)
class LinkReport:
    """What linking did: entities seen and linked, triples in the links graph, warnings."""

    graph: str = ""
    entities: int = 0
    linked: int = 0
    triples: int = 0
    method: str = "gazetteer"
    warnings: list[str] = field(default_factory=list)


def content_hash(article: Article, settings: Settings) -> str:
    """A digest of everything that shapes an article's graph."""
    published = article.published.isoformat() if article.published else ""
    parts = (VERSION, settings.spacy_model, settings.base_iri, str(settings.min_confidence))
    relations = settings.relations
    fields = (article.id, article.text, article.title or "", article.url or "", published)
    return iri.stable_hash(*parts, relations, *fields, article.source or "", length=32)


def build(
    paths: Iterable[Path],
    settings: Settings,
    nlp: Language | None = None,
    *,
    link: bool = False,
    endpoint: str | None = None,
) -> BuildReport:
    """Build (or update) the store at settings.store from the articles under paths.

    With link, entities are then linked (online when endpoint is given; if it fails, a warning
    and the offline gazetteer instead).

    Raises:
        InputError: a path does not exist or has an unsupported type.
        StoreError: the store cannot be opened or written.
    """
    report = BuildReport()
    with GraphStore(settings.store) as store:
        _extract(paths, settings, store, report, nlp)
        if link:
            report.links = _link_lenient(store, settings, endpoint)
    return report


def _link_lenient(store: GraphStore, settings: Settings, endpoint: str | None) -> LinkReport:
    if endpoint is None:
        return link_open_store(store, settings, None)
    try:
        return link_open_store(store, settings, endpoint)
    except LinkError as exc:
        logger.warning("online linking failed, linked offline instead: %s", exc)
        report = link_open_store(store, settings, None)
        report.warnings.append(f"online linking failed, linked offline instead: {exc}")
        return report


def _extract(
    paths: Iterable[Path],
    settings: Settings,
    store: GraphStore,
    report: BuildReport,
    nlp: Language | None,
) -> None:
    pending = list(_changed(paths, settings, store, report))
    if pending:
        pipeline = nlp if nlp is not None else load_pipeline(settings)
        hashes = {a.id: h for a, h in pending}
        for article, entities, facts in extract(pipeline, (a for a, _ in pending)):
            kept = [f for f in facts if _confidence(f) >= settings.min_confidence]
            triples = article_triples(
                settings.base_iri, article, entities, kept, hashes[article.id]
            )
            graph = iri.graph_iri(settings.base_iri, article.id)
            report.triples += store.replace_graph(graph, triples)
            report.built.append(article.origin or article.id)


def _confidence(fact: Fact) -> float:
    return fact.evidence.confidence


def _changed(
    paths: Iterable[Path], settings: Settings, store: GraphStore, report: BuildReport
) -> Iterator[tuple[Article, str]]:
    seen: dict[str, str] = {}
    for result in read_paths(paths, settings):
        if result.error is not None or result.article is None:
            report.failed.append((result.origin, str(result.error)))
            continue
        article = result.article
        if article.id in seen:
            first = seen[article.id]
            message = f"{result.origin}: duplicate article id {article.id!r} (first in {first})"
            report.failed.append((result.origin, message))
            continue
        seen[article.id] = result.origin
        digest = content_hash(article, settings)
        if store.content_hash(iri.graph_iri(settings.base_iri, article.id)) == digest:
            report.unchanged.append(result.origin)
            continue
        yield article, digest


def link_store(settings: Settings, endpoint: str | None = None) -> LinkReport:
    """Link the entities of the store at settings.store; online when endpoint is given.

    The links (and their kg:Link provenance nodes) replace the links graph in one transaction.

    Raises:
        LinkError: the endpoint failed (the links graph is left as it was).
        StoreError: the store cannot be opened or written.
    """
    with GraphStore(settings.store) as store:
        return link_open_store(store, settings, endpoint)


_ENTITIES = """
PREFIX kg: <https://w3id.org/kg-news/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?g ?e ?type ?label ?alt WHERE {
  VALUES ?type { kg:Person kg:Organization kg:Place kg:Post }
  GRAPH ?g { ?e a ?type ; rdfs:label ?label . OPTIONAL { ?e skos:altLabel ?alt } }
  FILTER(?g != <%s>)
} ORDER BY ?g ?e ?alt
"""
_SENTENCES = """
PREFIX kg: <https://w3id.org/kg-news/ontology#>
SELECT DISTINCT ?g ?s WHERE { GRAPH ?g { ?f a kg:Fact ; kg:sentence ?s } } ORDER BY ?g ?s
"""


def link_open_store(store: GraphStore, settings: Settings, endpoint: str | None) -> LinkReport:
    """link_store on a store that is already open.

    Raises:
        LinkError: the endpoint failed.
    """
    graph = iri.links_graph_iri(settings.base_iri)
    linker: Linker = (
        SparqlLinker(settings, endpoint)
        if endpoint
        else GazetteerLinker(min_score=settings.link_min_score)
    )
    best: dict[str, list[Link]] = {}
    entities: set[str] = set()
    for article_entities, context in _article_entities(store, graph):
        entities.update(e.key for e in article_entities)
        for key, links in _by_entity(linker.link(article_entities, context)).items():
            if key not in best or max(x.score for x in links) > max(x.score for x in best[key]):
                best[key] = links
    links = [link for key in sorted(best) for link in best[key]]
    triples = link_triples(settings.base_iri, links, {k: k for k in best})
    count = store.replace_graph(graph, triples)
    method = "sparql" if endpoint else "gazetteer"
    return LinkReport(graph, len(entities), len(best), count, method)


def _by_entity(links: list[Link]) -> dict[str, list[Link]]:
    grouped: dict[str, list[Link]] = {}
    for link in links:
        grouped.setdefault(link.entity, []).append(link)
    return grouped


def _article_entities(
    store: GraphStore, links_graph: str
) -> Iterator[tuple[list[Entity], LinkContext]]:
    rows: dict[str, dict[str, tuple[EntityType, str, list[str]]]] = {}
    for row in store.query(_ENTITIES % links_graph, union=False):  # type: ignore[union-attr]
        graph, key = row["g"].value, row["e"].value
        entry = rows.setdefault(graph, {}).setdefault(
            key, (EntityType(row["type"].value.rsplit("#", 1)[1]), row["label"].value, [])
        )
        if row["alt"] is not None:
            entry[2].append(row["alt"].value)
    sentences: dict[str, list[str]] = {}
    for row in store.query(_SENTENCES, union=False):  # type: ignore[union-attr]
        sentences.setdefault(row["g"].value, []).append(row["s"].value)
    for graph in sorted(rows):
        entities = [
            Entity(key, kind, label, tuple(alts), ())
            for key, (kind, label, alts) in sorted(rows[graph].items())
        ]
        labels = [e.label for e in entities]
        yield entities, LinkContext.from_texts(sentences.get(graph, []), labels)
