"""build(): ingest → extract → RDF → store, article by article; what `kg build` calls.

Unchanged articles (same content hash, which covers the text, metadata, kg's version and the
model) are skipped; a changed article's graph is replaced in one transaction. A bad file or
JSON line is reported and the rest of the batch goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from kg import iri
from kg.config import VERSION, Settings
from kg.ingest import read_paths
from kg.model import Article, Fact
from kg.nlp import extract, load_pipeline
from kg.rdf import article_triples
from kg.store import GraphStore

__all__ = ["BuildReport", "build", "content_hash"]


@dataclass(slots=True)
class BuildReport:
    """What a build did: articles built and skipped, failures with their messages."""

    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    triples: int = 0

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failed


def content_hash(article: Article, settings: Settings) -> str:
    """A digest of everything that shapes an article's graph."""
    published = article.published.isoformat() if article.published else ""
    parts = (VERSION, settings.spacy_model, settings.base_iri, str(settings.min_confidence))
    relations = settings.relations
    fields = (article.id, article.text, article.title or "", article.url or "", published)
    return iri.stable_hash(*parts, relations, *fields, article.source or "", length=32)


def build(paths: Iterable[Path], settings: Settings, nlp: Language | None = None) -> BuildReport:
    """Build (or update) the store at settings.store from the articles under paths.

    Raises:
        InputError: a path does not exist or has an unsupported type.
        StoreError: the store cannot be opened or written.
    """
    report = BuildReport()
    with GraphStore(settings.store) as store:
        pending = list(_changed(paths, settings, store, report))
        if not pending:
            return report
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
    return report


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
