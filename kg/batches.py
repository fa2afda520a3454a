"""Batches: the unit of work of a build worker (this process, a worker process or a Dask worker).

A :class:`Batch` holds a few articles with their content hashes; :func:`run_batch` runs them
through the pipeline and maps each to the triples of its graph (:func:`graph_triples`, the one
per-article step after extraction). Without a shard directory the triples, as N-Triples text,
travel back to the builder, which writes each graph in one transaction; with one, the
worker writes the batch to ``shard-NNNNNN.nq`` there and sends back only counts, for a bulk load.
Everything here is plain data, so it pickles cheaply between processes and machines.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from kg import iri
from kg.config import Settings
from kg.model import Article, Entity, Fact
from kg.rdf import Triple, article_triples, nquads

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "ArticleGraph",
    "Batch",
    "BatchResult",
    "Job",
    "batches",
    "graph_triples",
    "run_batch",
    "shard_path",
]

Job = tuple[Article, str]
"""An article to build and the content hash its graph will record."""


@dataclass(frozen=True, slots=True)
class Batch:
    """Articles a worker takes at once; number names its shard."""

    number: int
    jobs: tuple[Job, ...]


@dataclass(frozen=True, slots=True)
class ArticleGraph:
    """One built article: where it came from, its graph, and (unless sharded) its N-Triples."""

    origin: str
    graph: str
    triples: int
    text: str = ""


@dataclass(frozen=True, slots=True)
class BatchResult:
    """The graphs of a batch, and the shard holding them when the worker wrote one.

    tail is set by :func:`kg.runners.run_all` on the results that come back once every batch
    was handed out: the build's last few, which nothing else is left to overlap with.
    """

    graphs: tuple[ArticleGraph, ...]
    shard: Path | None = None
    tail: bool = False


def batches(jobs: Iterable[Job], size: int) -> Iterator[Batch]:
    """Consecutive batches of at most size jobs, numbered from 0; lazy."""
    stream = iter(jobs)
    number = 0
    while chunk := tuple(islice(stream, max(size, 1))):
        yield Batch(number, chunk)
        number += 1


def graph_triples(
    article: Article, entities: list[Entity], facts: list[Fact], digest: str, settings: Settings
) -> list[Triple]:
    """The triples of one article's graph, from what the pipeline extracted from it."""
    kept = [f for f in facts if f.evidence.confidence >= settings.min_confidence]
    return article_triples(settings.base_iri, article, entities, kept, digest)


def shard_path(shards: Path, number: int) -> Path:
    """The N-Quads file of batch number in the shard directory."""
    return shards / f"shard-{number:06d}.nq"


def run_batch(
    nlp: Language, batch: Batch, settings: Settings, shards: Path | None = None
) -> BatchResult:
    """Extract and map every article of batch; write its shard if shards is a directory."""
    from kg.nlp import extract  # spaCy: imported where extraction runs, not by a build's parent

    digests = {article.id: digest for article, digest in batch.jobs}
    graphs = []
    for article, entities, facts in extract(nlp, (a for a, _ in batch.jobs)):
        graph = iri.graph_iri(settings.base_iri, article.id)
        triples = graph_triples(article, entities, facts, digests[article.id], settings)
        text = nquads(triples, graph if shards is not None else None)
        graphs.append(ArticleGraph(article.origin or article.id, graph, len(triples), text))
    if shards is None:
        return BatchResult(tuple(graphs))
    path = shard_path(shards, batch.number)
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(g.text for g in graphs)
    counted = tuple(ArticleGraph(g.origin, g.graph, g.triples) for g in graphs)
    return BatchResult(counted, path)
