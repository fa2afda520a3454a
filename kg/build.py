"""build(): ingest → extract → RDF → store, streamed in batches; what `kg build` calls.

Articles are read lazily and sent in batches of ``KG_BATCH_SIZE`` to a runner: this process,
``KG_PROCESSES`` worker processes, or a Dask cluster (``KG_DASK_SCHEDULER``). Only a few
batches are in flight at a time, so memory does not grow with the corpus. Unchanged articles
(same content hash, which covers the text, metadata, kg's version and the model) are skipped;
a changed article's graph is replaced in one transaction, so an interrupted build, run again,
does the rest and duplicates nothing. A bad file or JSON line is reported and the rest goes on.

``bulk=True`` writes N-Quads shards instead and loads them with Oxigraph's bulk loader, which
is fast but not transactional: for a fresh store, or one no one reads during the build. A
marker file (``STORE.bulk-loading``) lives while the loader runs; if a build finds it, a bulk
load was cut short, and every article given is rebuilt (its graph dropped and written again).
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from kg import iri
from kg.batches import BatchResult, batches
from kg.config import VERSION, Settings
from kg.errors import NotFound
from kg.ingest import read_paths
from kg.model import Article
from kg.runners import InlineRunner, ProcessRunner, Runner, run_all
from kg.store import GraphStore

__all__ = ["BuildReport", "Progress", "build", "content_hash", "delete"]

logger = logging.getLogger(__name__)

FLUSH_EVERY = 500
"""Graphs written between store flushes: Oxigraph keeps writes in memory until a flush, and
without one a writer's memory grows by about 200 MiB per 1,000 articles (docs/benchmarks.md)."""


@dataclass(slots=True)
class BuildReport:
    """What a build did: articles built and skipped, failures with their messages."""

    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failed

    @property
    def done(self) -> int:
        """Articles dealt with so far: built, unchanged or failed."""
        return len(self.built) + len(self.unchanged) + len(self.failed)


Progress = Callable[[BuildReport], None]
"""Called with the report each time articles are dealt with (to drive a progress bar)."""


def content_hash(article: Article, settings: Settings) -> str:
    """A digest of everything that shapes an article's graph."""
    published = article.published.isoformat() if article.published else ""
    parts = (VERSION, settings.spacy_model, settings.base_iri, str(settings.min_confidence))
    fields = (article.id, article.text, article.title or "", article.url or "", published)
    return iri.stable_hash(*parts, *fields, article.source or "", length=32)


def build(
    paths: Iterable[Path],
    settings: Settings,
    nlp: Language | None = None,
    *,
    bulk: bool = False,
    progress: Progress | None = None,
) -> BuildReport:
    """Build (or update) the store at settings.store from the articles under paths.

    nlp serves when the build runs in this process (``KG_PROCESSES=1``, no Dask); workers load
    their own. bulk writes shards and bulk-loads them; progress is called as articles are done.

    Raises:
        InputError: a path does not exist or has an unsupported type.
        StoreError: the store cannot be opened or written.
        KgError: a worker process died, or the Dask scheduler cannot be reached.
    """
    report = BuildReport()
    started = time.perf_counter()
    notify = progress or _ignore
    marker = _bulk_marker(settings)
    trust = not marker.exists()
    with GraphStore(settings.store) as store:
        shards = _shard_dir(settings) if bulk else None  # once the store's lock is ours
        jobs = _changed(paths, settings, store, report, notify, trust=trust)
        results = run_all(_starter(settings, nlp, shards), batches(jobs, settings.batch_size))
        if shards is None:
            _write(results, store, report, notify)
        else:
            _bulk(results, store, report, notify, settings)
    marker.unlink(missing_ok=True)
    report.seconds = time.perf_counter() - started
    return report


def delete(article_ids: Iterable[str], settings: Settings) -> list[str]:
    """Remove the graphs of the given articles (and so entities no other graph mentions).

    Raises:
        NotFound: some ids have no graph; the others are removed all the same.
        StoreError: the store cannot be opened.
    """
    deleted, missing = [], []
    with GraphStore(settings.store) as store:
        for article_id in article_ids:
            graph = iri.graph_iri(settings.base_iri, article_id)
            if store.has_graph(graph):
                store.drop_graph(graph)
                deleted.append(article_id)
            else:
                missing.append(article_id)
    if missing:
        names = ", ".join(repr(m) for m in missing)
        raise NotFound(f"no article {names} in the store at {settings.store}; removed {deleted}")
    return deleted


def _ignore(report: BuildReport) -> None:
    return None


def _default_shards(settings: Settings) -> Path:
    return settings.shards or settings.store.with_name(settings.store.name + ".shards")


def _bulk_marker(settings: Settings) -> Path:
    """Present while a bulk load runs: after a crash there, no content hash can be trusted."""
    return settings.store.with_name(settings.store.name + ".bulk-loading")


def _shard_dir(settings: Settings) -> Path:
    shards = _default_shards(settings)
    shards.mkdir(parents=True, exist_ok=True)
    for stale in shards.glob("shard-*.nq"):
        stale.unlink()
    return shards


def _starter(settings: Settings, nlp: Language | None, shards: Path | None) -> Callable[[], Runner]:
    def start() -> Runner:
        if settings.dask_scheduler:
            from kg.cluster import DaskRunner

            return DaskRunner(settings, settings.dask_scheduler, shards)
        if settings.processes > 1:
            return ProcessRunner(settings, settings.processes, shards)
        return InlineRunner(settings, nlp, shards)

    return start


def _write(
    results: Iterator[BatchResult], store: GraphStore, report: BuildReport, notify: Progress
) -> None:
    for result in results:
        for graph in result.graphs:
            store.replace_graph_text(graph.graph, graph.text)
            report.triples += graph.triples
            report.built.append(graph.origin)
            logger.info("built %s: %d triples", graph.origin, graph.triples)
            if len(report.built) % FLUSH_EVERY == 0:
                store.flush()
        notify(report)


def _bulk(
    results: Iterator[BatchResult],
    store: GraphStore,
    report: BuildReport,
    notify: Progress,
    settings: Settings,
) -> None:
    shards = _default_shards(settings)
    written = []
    for result in results:
        for graph in result.graphs:
            if store.has_graph(graph.graph):
                store.drop_graph(graph.graph)
            report.triples += graph.triples
            report.built.append(graph.origin)
        if result.shard is not None:
            written.append(result.shard)
        notify(report)
    marker = _bulk_marker(settings)
    marker.touch()
    store.bulk_load(sorted(written))
    marker.unlink()
    shutil.rmtree(shards, ignore_errors=True)


def _changed(
    paths: Iterable[Path],
    settings: Settings,
    store: GraphStore,
    report: BuildReport,
    notify: Progress,
    *,
    trust: bool = True,
) -> Iterator[tuple[Article, str]]:
    """Articles whose graph is missing or outdated (all of them unless trust), with hashes."""
    seen: dict[str, str] = {}
    for result in read_paths(paths, settings):
        if result.error is not None or result.article is None:
            report.failed.append((result.origin, str(result.error)))
            notify(report)
            continue
        article = result.article
        if article.id in seen:
            first = seen[article.id]
            message = f"{result.origin}: duplicate article id {article.id!r} (first in {first})"
            report.failed.append((result.origin, message))
            notify(report)
            continue
        seen[article.id] = result.origin
        digest = content_hash(article, settings)
        graph = iri.graph_iri(settings.base_iri, article.id)
        if trust and store.content_hash(graph) == digest:
            report.unchanged.append(result.origin)
            notify(report)
            continue
        yield article, digest
