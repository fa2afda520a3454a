"""build(): ingest → extract → RDF → store, streamed in batches; what `kg build` calls.

Articles are read lazily and sent in batches of ``KG_BATCH_SIZE`` to a runner: this process,
``KG_PROCESSES`` worker processes, or a Dask cluster (``KG_DASK_SCHEDULER``). Only a few
batches are in flight at a time, so memory does not grow with the corpus. Unchanged articles
(same content hash, which covers the text, metadata, kg's version and the model) are skipped;
the new graphs of a batch are added in one atomic bulk ingestion and a changed article's graph
is replaced in one transaction (:meth:`GraphStore.add_graphs`), so an interrupted build, run
again, does the rest and duplicates nothing. A bad file or JSON line is reported and the rest
goes on.

``bulk=True`` writes N-Quads shards instead and loads them with Oxigraph's bulk loader, which
is fast but not transactional: for a fresh store, or one no one reads during the build. A
marker file (``STORE.bulk-loading``) lives while a bulk build replaces graphs and lists each
one before it is dropped; if a build finds it, a bulk build was cut short: the listed graphs
(missing, old or partly loaded) are dropped, and those the input holds are built again.
docs/reliability/crash-safety.md has the details and the tests.

prune(): after a build, removes the graphs of articles that build did not read (``kg build
--prune``), as delete() does, so the store mirrors its input.

link_store(): reads the entities of every article graph with their context (the evidence
sentences and the other entities of the article), links them offline or online, and replaces the
links graph (``{base}graph/links``) in one transaction; ``build(..., link=True)`` runs it after
extraction.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg import iri
from kg.batches import ArticleGraph, BatchResult, batches
from kg.config import VERSION, Settings
from kg.errors import InputError, LinkError, NotFound
from kg.ingest import read_paths
from kg.linking import GazetteerLinker, LinkContext, Linker, SparqlLinker
from kg.model import Article, Entity, EntityType, Link
from kg.rdf import link_triples
from kg.runners import InlineRunner, ProcessRunner, Runner, run_all
from kg.store import GraphStore

if TYPE_CHECKING:  # spaCy only where extraction runs: a multi-process build's parent never needs it
    from spacy.language import Language

__all__ = [
    "BuildReport",
    "LinkReport",
    "Progress",
    "build",
    "content_hash",
    "delete",
    "link_store",
    "prune",
]

logger = logging.getLogger(__name__)

FLUSH_EVERY = 500
"""Graphs written between store flushes: Oxigraph keeps writes in memory until a flush, and
without one a writer's memory grows by about 200 MiB per 1,000 articles (docs/benchmarks.md)."""


OPTIMIZE_SHARE = 0.1
"""A build that wrote at least this share of the store's article graphs compacts the store at
the end (:meth:`GraphStore.optimize`): after a 10,000-article build the stored queries ran
1.2-1.9x as fast, for 17 s of compaction at 7.3M quads. A small update to a large store leaves it
to RocksDB's background compaction, rather than pay for compacting the whole store."""


@dataclass(slots=True)
class BuildReport:
    """What a build did: articles built and skipped, failures with their messages."""

    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0
    links: LinkReport | None = None
    articles: dict[str, str] = field(default_factory=dict)
    """The id and origin of every article read, built or not (what :func:`prune` keeps)."""
    extracted: int = 0
    """Articles extracted so far; written ones are in ``built``, the others wait to be written."""

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failed

    @property
    def done(self) -> int:
        """Articles dealt with so far: extracted (built or waiting to be written), unchanged or
        failed."""
        return self.extracted + len(self.unchanged) + len(self.failed)


Progress = Callable[[BuildReport], None]
"""Called with the report each time articles are dealt with (to drive a progress bar)."""


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
    bulk: bool = False,
    progress: Progress | None = None,
    link: bool | str = False,
) -> BuildReport:
    """Build (or update) the store at settings.store from the articles under paths.

    nlp serves when the build runs in this process (``KG_PROCESSES=1``, no Dask); workers load
    their own. bulk writes shards and bulk-loads them; progress is called as articles are done.
    With link, entities are then linked: True links with the offline gazetteer, an endpoint URL
    online (if it fails, a warning and the offline gazetteer instead).

    Raises:
        InputError: a path does not exist or has an unsupported type.
        StoreError: the store cannot be opened or written.
        KgError: a worker process died, or the Dask scheduler cannot be reached.
    """
    report = BuildReport()
    started = time.perf_counter()
    notify = progress or _ignore
    with GraphStore(settings.store) as store:
        trust = _recover_bulk(store, settings)  # once the store's lock is ours
        shards = _shard_dir(settings) if bulk else None
        jobs = _changed(paths, settings, store, report, notify, trust=trust)
        results = run_all(_starter(settings, nlp, shards), batches(jobs, settings.batch_size))
        if shards is None:
            _write(results, store, report, notify, settings.write_triples)
            _settle(store, len(report.built))
        else:
            _bulk(results, store, report, notify, settings)
        if link:
            endpoint = link if isinstance(link, str) else None
            report.links = _link_lenient(store, settings, endpoint)
        _bulk_marker(settings).unlink(missing_ok=True)  # an empty one: all given were rebuilt
    report.seconds = time.perf_counter() - started
    return report


def delete(article_ids: Iterable[str], settings: Settings) -> list[str]:
    """Remove the graphs of the given articles (and so entities no other graph mentions).

    The links (``owl:sameAs``... and their ``kg:Link`` nodes) of entities that no article graph
    mentions any more leave the links graph in the same call.

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
        if deleted:
            _drop_orphan_links(store, iri.links_graph_iri(settings.base_iri))
    if missing:
        names = ", ".join(repr(m) for m in missing)
        raise NotFound(f"no article {names} in the store at {settings.store}; removed {deleted}")
    return deleted


def prune(report: BuildReport, settings: Settings) -> list[str]:
    """After a build, remove the graphs of articles it did not read, so the store mirrors its
    input; returns their graph IRIs. Entities and links left without evidence go with them,
    as with :func:`delete`.

    Raises:
        InputError: the build failed to read some input (the graphs of its articles cannot be
            told apart from those of removed articles), or read no article at all (a wrong
            path would empty the store; ``kg delete`` does that on purpose): nothing is pruned.
        StoreError: the store cannot be opened.
    """
    if report.failed:
        raise InputError(
            f"nothing pruned: {len(report.failed)} input(s) failed, and the graphs of their "
            "articles cannot be told apart from those of removed articles"
        )
    if not report.articles:
        raise InputError(
            "nothing pruned: the input held no article, and pruning would empty the store"
        )
    kept = {iri.graph_iri(settings.base_iri, article_id) for article_id in report.articles}
    with GraphStore(settings.store) as store:
        pruned = [g for g in store.article_graphs() if g not in kept]
        for graph in pruned:
            store.drop_graph(graph)
        if pruned:
            _drop_orphan_links(store, iri.links_graph_iri(settings.base_iri))
    return pruned


_ORPHAN_LINKS = """
PREFIX kg: <https://w3id.org/kg-news/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
DELETE { GRAPH <%(graph)s> { ?entity ?p ?target . ?link ?lp ?lo } }
WHERE {
  GRAPH <%(graph)s> {
    ?link a kg:Link ; rdf:subject ?entity ; rdf:predicate ?p ; rdf:object ?target ; ?lp ?lo
  }
  FILTER NOT EXISTS { GRAPH ?g { ?entity kg:mentionedIn ?article } }
}
"""


def _drop_orphan_links(store: GraphStore, links_graph: str) -> None:
    """Remove the links of entities that no article graph mentions (after a delete)."""
    if not store.has_graph(links_graph):
        return
    store.update(_ORPHAN_LINKS % {"graph": links_graph})
    if not store.query(f"ASK {{ GRAPH <{links_graph}> {{ ?s ?p ?o }} }}"):
        store.drop_graph(links_graph)


def _settle(store: GraphStore, written: int) -> None:
    """Compact the store after a build that wrote a large part of it (OPTIMIZE_SHARE)."""
    if written and written >= OPTIMIZE_SHARE * len(store.article_graphs()):
        logger.info("optimising the store after writing %d graphs", written)
        store.optimize()


def _ignore(report: BuildReport) -> None:
    return None


def _default_shards(settings: Settings) -> Path:
    return settings.shards or settings.store.with_name(settings.store.name + ".shards")


_MARKER_HEADER = "# kg bulk build: graphs being replaced"


def _bulk_marker(settings: Settings) -> Path:
    """Present while a bulk build replaces graphs; lists them, one IRI a line, each written
    before the graph is touched. Found by a build: that bulk build was cut short."""
    return settings.store.with_name(settings.store.name + ".bulk-loading")


def _recover_bulk(store: GraphStore, settings: Settings) -> bool:
    """After a cut-short bulk build, drop the graphs it was replacing (they may be missing or
    partial); the build then writes those its input holds. Returns whether the content hashes
    of the other graphs can be trusted: not after an older kg's marker, which lists none."""
    marker = _bulk_marker(settings)
    if not marker.exists():
        return True
    lines = marker.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != _MARKER_HEADER:
        return False
    for graph in lines[1:]:
        store.drop_graph(graph)
    logger.warning("a bulk build was cut short: dropped the %d graphs it listed", len(lines) - 1)
    marker.unlink()
    return True


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
    results: Iterator[BatchResult],
    store: GraphStore,
    report: BuildReport,
    notify: Progress,
    gather: int,
) -> None:
    """Write the batches' graphs once they hold gather triples (KG_WRITE_TRIPLES; ~340 news
    articles by default): the new ones in one bulk ingestion, atomic up to 250,000 triples.

    Fewer, larger ingestions leave RocksDB fewer overlapping files to compact: replaying 9,000
    graphs, its compaction threads used 114 s of CPU with one ingestion per 32 graphs and 60 s
    with one per 320 (docs/benchmarks.md). A build cut short loses the graphs still gathering,
    which the next build writes. Once the input has run out (tail results), every result is
    written as it comes: the gathered graphs go in while the workers extract the last batches,
    and the build does not end on one large write that nothing overlaps.
    """
    waiting: list[ArticleGraph] = []
    gathered = flushed = 0
    for result in results:
        waiting.extend(result.graphs)
        gathered += sum(graph.triples for graph in result.graphs)
        report.extracted += len(result.graphs)
        if result.tail or gathered >= gather:
            _write_graphs(waiting, store, report)
            waiting, gathered = [], 0
        if len(report.built) - flushed >= FLUSH_EVERY:
            store.flush()
            flushed = len(report.built)
        notify(report)
    if waiting:
        _write_graphs(waiting, store, report)


def _write_graphs(graphs: list[ArticleGraph], store: GraphStore, report: BuildReport) -> None:
    store.add_graphs([(graph.graph, graph.text) for graph in graphs])
    for graph in graphs:
        report.triples += graph.triples
        report.built.append(graph.origin)
        logger.info("built %s: %d triples", graph.origin, graph.triples)


def _bulk(
    results: Iterator[BatchResult],
    store: GraphStore,
    report: BuildReport,
    notify: Progress,
    settings: Settings,
) -> None:
    shards = _default_shards(settings)
    written = []
    marker = _bulk_marker(settings)
    with marker.open("w", encoding="utf-8") as listed:
        listed.write(_MARKER_HEADER + "\n")
        for result in results:
            for graph in result.graphs:
                listed.write(graph.graph + "\n")
                listed.flush()  # named before it is dropped, so a crash leaves no stray graph
                store.drop_graph(graph.graph)
                report.triples += graph.triples
                report.built.append(graph.origin)
            report.extracted += len(result.graphs)
            if result.shard is not None:
                written.append(result.shard)
            notify(report)
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
    seen = report.articles
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
