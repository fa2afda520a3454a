"""GraphStore: kg's embedded, persistent Oxigraph store; the only module that touches pyoxigraph.

One named graph per article. ``replace_graph_text`` swaps an article's graph in a single SPARQL
update, which Oxigraph applies as one transaction: readers see the old graph or the new one,
never half of either. A graph the store does not hold yet is written with Oxigraph's N-Triples
loader instead, also one transaction and about 1.6x faster than parsing the same data as a
SPARQL update. :meth:`add_graphs` writes the new graphs of a batch of articles together with
Oxigraph's bulk loader, in calls small enough to be one atomic ingestion each. rdflib sees the
same data through oxrdflib (:meth:`rdflib_dataset`). :meth:`bulk_load` is the exception, for
``kg build --bulk``: Oxigraph's bulk loader over a whole corpus, fast and not transactional.
"""

from __future__ import annotations

import fcntl
import io
import json
import logging
import os
import re
import shutil
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import pyoxigraph as ox
from rdflib import Dataset, URIRef
from rdflib.term import Node

from kg.errors import QueryError, StoreError
from kg.vocab import KG_NAMESPACE

__all__ = ["GraphStore", "QueryResult", "backup_store"]

_CONTENT_HASH = ox.NamedNode(f"{KG_NAMESPACE}contentHash")
_BULK_SST = re.compile(r"bulk-[0-9]+\.sst")
logger = logging.getLogger(__name__)

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

STATISTICS_FILE = "kg-statistics.json"
"""Counts computed from the whole store (for VoID), saved in the store's directory and deleted
by every write (RocksDB leaves files it does not name alone)."""

ATOMIC_BULK_TRIPLES = 250_000
"""Most triples :meth:`GraphStore.add_graphs` hands Oxigraph's bulk loader in one call. The
loader sorts up to 1,000,000 quads in memory, writes one file per index and has RocksDB ingest
them all in one step, which RocksDB makes atomic; a call well under that size is therefore all
or nothing, also when the process is killed (tests/test_crash_safety.py), and readers, who
query a snapshot, see all of it or none."""


class GraphStore:
    """An Oxigraph store in a directory, opened for reading and writing, or read-only."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        """Open (creating if needed) the store at path.

        Raises:
            StoreError: the directory is locked by another process or holds no store.
        """
        self.path = path
        self.read_only = read_only
        self.generation = 0
        """Moves on before and after each write through this handle: a cache key for what is
        computed from the content (VoID). Nothing else changes the store while it is open: a
        writable store holds the writer lock, and a read-only one does not see later writes."""
        self._writes = 0  # writes under way (SPARQL updates may run on several threads)
        self._lock = threading.Lock()
        try:
            if read_only:
                if not (path / "CURRENT").exists():
                    raise StoreError(f"no kg store at {path}: run `kg build --store {path}` first")
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
                _remove_stray_bulk_files(path)
        except OSError as exc:
            raise _open_error(path, exc) from exc

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the store (and its lock)."""
        store = self.__dict__.pop("_store", None)
        if store is not None:
            del store

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Around every write: the generation moves on before and after it, saved statistics
        are deleted before it, and none are saved while it runs."""
        with self._lock:
            self.generation += 1
            self._writes += 1
            self._forget_statistics()
        try:
            yield
        finally:
            with self._lock:
                self.generation += 1
                self._writes -= 1

    def _forget_statistics(self) -> None:
        if not self.read_only:  # a read-only handle's writes fail, and its view may be older
            (self.path / STATISTICS_FILE).unlink(missing_ok=True)

    def saved_statistics(self) -> dict[str, Any] | None:
        """What :meth:`save_statistics` saved, if the store has not been written since (None
        also when the file is unreadable: the caller computes the statistics again)."""
        try:
            data = json.loads((self.path / STATISTICS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def save_statistics(self, data: dict[str, Any], generation: int) -> bool:
        """Save statistics computed from the content at ``generation``, in the store directory,
        where every write through a GraphStore deletes them. Returns False, saving nothing, when
        the store was written since (or is being written), or is open read-only: another process
        may then be writing it.
        """
        if self.read_only:
            return False
        target = self.path / STATISTICS_FILE
        partial = target.with_name(f"{target.name}.partial")
        with self._lock:
            if self._writes or self.generation != generation:
                return False
            try:
                partial.write_text(json.dumps(data), encoding="utf-8")
                partial.replace(target)
            except OSError:
                partial.unlink(missing_ok=True)
                return False
        return True

    @property
    def native(self) -> ox.Store:
        """The underlying pyoxigraph Store."""
        return self._store

    def content_hash(self, graph: str) -> str | None:
        """The content hash recorded in an article's graph, or None if the graph is absent."""
        # An index lookup, not a SPARQL query: a build asks this once per article.
        name = ox.NamedNode(graph)
        for quad in self._store.quads_for_pattern(None, _CONTENT_HASH, None, name):
            if isinstance(quad.object, ox.Literal):
                return quad.object.value
        return None

    def replace_graph(self, graph: str, triples: Iterable[tuple[URIRef, URIRef, Node]]) -> int:
        """Replace a named graph's content with triples, atomically; returns the triple count.

        Raises:
            StoreError: the update failed; the graph is left as it was.
        """
        lines = [f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in triples]
        self.replace_graph_text(graph, "".join(lines))
        return len(lines)

    def write_triples(
        self, graph: str | None, triples: Iterable[ox.Triple], *, replace: bool
    ) -> None:
        """Add triples to a named graph (None: the default graph), first emptying it if replace;
        one update, so one transaction.

        Raises:
            StoreError: the update failed; the graph is left as it was.
        """
        target = "DEFAULT" if graph is None else f"GRAPH <{graph}>"
        steps = [f"DROP SILENT {target}"] if replace else []
        if graph is not None:
            steps.append(f"CREATE SILENT GRAPH <{graph}>")
        body = "\n".join(f"{t} ." for t in triples)
        data = body if graph is None else f"GRAPH <{graph}> {{\n{body}\n}}"
        steps.append(f"INSERT DATA {{\n{data}\n}}")
        try:
            with self._writing():
                self._store.update(" ;\n".join(steps))
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"writing graph <{graph or 'default'}> failed: {exc}") from exc

    def replace_graph_text(self, graph: str, ntriples: str) -> None:
        """Replace a named graph's content with N-Triples text, atomically.

        A new graph is loaded as N-Triples (one transaction: nothing to drop first); an
        existing one is dropped and rewritten in a single SPARQL update.

        Raises:
            StoreError: the update failed; the graph is left as it was.
        """
        name = ox.NamedNode(graph)
        try:
            with self._writing():
                if not self._store.contains_named_graph(name):
                    self._store.load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=name)
                    return
                update = f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n"
                self._store.update(update + ntriples + "} }")
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"writing graph <{graph}> failed: {exc}") from exc

    def add_graphs(self, graphs: Sequence[tuple[str, str]]) -> None:
        """Write graphs given as (IRI, N-Triples text): the graphs of a batch of articles.

        Graphs the store does not hold yet go to Oxigraph's bulk loader together, as N-Quads,
        in calls of at most :data:`ATOMIC_BULK_TRIPLES` triples: each call is one atomic
        ingestion and costs about half the CPU of loading its graphs one transaction at a time
        (docs/benchmarks.md). A graph the store holds already is replaced by
        :meth:`replace_graph_text`, and so is one the bulk path cannot take as it is: larger
        than a call, with blank nodes (their labels would be shared by the graphs of a call),
        or not written one triple a line, each ending in " ." (as :func:`kg.rdf.nquads` does).

        Raises:
            StoreError: a graph cannot be written; the calls made before it stay written.
        """
        bulk: list[tuple[str, str, int]] = []
        single: list[tuple[str, str]] = []
        seen: set[str] = set()
        for graph, text in graphs:
            lines = text.count("\n")
            if _bulk_ready(text, lines) and graph not in seen and not self.has_graph(graph):
                bulk.append((graph, text, lines))
            else:
                single.append((graph, text))
            seen.add(graph)
        for chunk in _chunks(bulk, ATOMIC_BULK_TRIPLES):
            self._bulk_add(chunk)
        for graph, text in single:
            self.replace_graph_text(graph, text)

    def _bulk_add(self, chunk: list[tuple[str, str]]) -> None:
        """One bulk_load call (one atomic ingestion) for new graphs; if it fails, nothing of it
        was written, and the graphs are written one at a time, so an error names its graph."""
        try:
            quads = "".join(
                text.replace(" .\n", f" {ox.NamedNode(graph)} .\n") for graph, text in chunk
            )
            with self._writing():
                self._store.bulk_load(quads.encode(), ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError, ValueError):
            for graph, text in chunk:
                self.replace_graph_text(graph, text)

    def flush(self) -> None:
        """Write Oxigraph's in-memory buffers to disk (they are not bounded otherwise).

        Raises:
            StoreError: the store cannot be written.
        """
        try:
            self._store.flush()
        except OSError as exc:
            raise StoreError(f"flushing the store at {self.path} failed: {exc}") from exc

    def drop_graph(self, graph: str) -> None:
        """Remove a named graph."""
        with self._writing():
            self._store.update(f"DROP SILENT GRAPH <{graph}>")

    def has_graph(self, graph: str) -> bool:
        """True when the named graph holds at least one triple."""
        return bool(self._store.contains_named_graph(ox.NamedNode(graph)))

    def bulk_load(self, shards: Iterable[Path]) -> None:
        """Load N-Quads files with Oxigraph's bulk loader, as one stream, then optimise.

        Not transactional: a reader (or a crash) may see part of the data. Only for a store
        no one else uses; drop the graphs being replaced first.

        Raises:
            StoreError: a shard cannot be read or parsed.
        """
        with io.BufferedReader(_Concatenated(shards), buffer_size=1 << 20) as stream:
            try:
                with self._writing():
                    self._store.bulk_load(stream, ox.RdfFormat.N_QUADS)
            except (OSError, SyntaxError, ValueError) as exc:
                raise StoreError(f"bulk load into {self.path} failed: {exc}") from exc
        self.optimize()

    def optimize(self) -> None:
        """Compact every index into as few files as it takes (a full RocksDB compaction), so
        queries read fewer files: 1.2-1.9x as fast after a 10,000-article build, ~2 s per
        million quads (docs/benchmarks.md). The content does not change.

        Raises:
            StoreError: the store cannot be written.
        """
        try:
            self._store.optimize()
        except OSError as exc:
            raise StoreError(f"optimising the store at {self.path} failed: {exc}") from exc

    def query(self, sparql: str, *, union: bool = True, **options: Any) -> QueryResult:
        """Run a SPARQL query; by default the default graph is the union of all graphs.

        Raises:
            QueryError: the query does not parse or cannot be evaluated.
        """
        try:
            return self._store.query(sparql, use_default_graph_as_union=union, **options)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL query: {exc}") from exc
        except (OSError, ValueError, TypeError) as exc:
            raise QueryError(f"query failed: {exc}") from exc

    def update(self, sparql: str) -> None:
        """Run a SPARQL update in one transaction.

        Raises:
            QueryError: the update does not parse or cannot be applied.
        """
        try:
            with self._writing():
                self._store.update(sparql)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL update: {exc}") from exc
        except (OSError, ValueError, RuntimeError) as exc:
            # RuntimeError: an operation failed while running (DROP of a missing graph, CREATE
            # of an existing one); the whole update is rolled back.
            raise QueryError(f"update failed: {exc}") from exc

    def article_graphs(self) -> list[str]:
        """IRIs of the graphs kg built from articles (those recording a content hash), sorted."""
        quads = self._store.quads_for_pattern(None, _CONTENT_HASH, None, None)
        return sorted({q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)})

    def named_graphs(self) -> list[str]:
        """IRIs of every named graph, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        return len(self._store)

    def dump(
        self,
        output: IO[bytes],
        fmt: ox.RdfFormat,
        graph: str | None,
        prefixes: dict[str, str],
        exclude: str | None = None,
    ) -> None:
        """Stream the store (a dataset format) or one graph or the union (a triple format),
        leaving out the named graph exclude if given."""
        if exclude is not None and graph is None:
            self._dump_without(output, fmt, prefixes, ox.NamedNode(exclude))
        elif fmt.supports_datasets and graph is None:
            self._store.dump(output, fmt, prefixes=prefixes)
        elif graph is not None:
            if not self._store.contains_named_graph(ox.NamedNode(graph)):
                raise StoreError(f"no graph <{graph}> in the store at {self.path}")
            self._store.dump(output, fmt, from_graph=ox.NamedNode(graph), prefixes=prefixes)
        else:
            union = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
            ox.serialize(union, output, fmt, prefixes=prefixes)  # type: ignore[arg-type]

    def _dump_without(
        self, output: IO[bytes], fmt: ox.RdfFormat, prefixes: dict[str, str], skip: ox.NamedNode
    ) -> None:
        if fmt.supports_datasets:
            quads = (q for q in self._store if q.graph_name != skip)
            ox.serialize(quads, output, fmt, prefixes=prefixes)
            return
        union = self._store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {skip}) }}"
        )
        ox.serialize(union, output, fmt, prefixes=prefixes)  # type: ignore[arg-type]

    def rdflib_dataset(self) -> Dataset:
        """An rdflib Dataset over the same store (through oxrdflib); give it SPARQL strings."""
        from oxrdflib import OxigraphStore

        return Dataset(store=OxigraphStore(store=self._store))


def _bulk_ready(ntriples: str, lines: int) -> bool:
    """Whether N-Triples text can go to the bulk loader as N-Quads: not larger than a call, one
    triple a line, each ending in " ." (the graph goes before it), and no blank nodes."""
    return (
        lines <= ATOMIC_BULK_TRIPLES
        and lines == ntriples.count(" .\n")
        and ntriples.endswith("\n")
        and "_:" not in ntriples
    )


def _chunks(graphs: list[tuple[str, str, int]], most: int) -> Iterator[list[tuple[str, str]]]:
    """Consecutive runs of (graph, text) whose line counts add up to at most most."""
    chunk: list[tuple[str, str]] = []
    size = 0
    for graph, text, lines in graphs:
        if chunk and size + lines > most:
            yield chunk
            chunk, size = [], 0
        chunk.append((graph, text))
        size += lines
    if chunk:
        yield chunk


def _remove_stray_bulk_files(path: Path) -> None:
    """Delete the SST files of a bulk load that was killed before RocksDB ingested them.

    Oxigraph's bulk loader writes each index's sorted quads to ``bulk-<random>.sst`` in the store
    directory, then has RocksDB ingest (move) them; a process killed in between leaves them
    there, unused, and RocksDB never deletes names it did not give. Only a writable open calls
    this: it holds the store's lock, so no bulk load of another process is running.
    """
    strays = [p for p in path.glob("bulk-*.sst") if _BULK_SST.fullmatch(p.name)]
    for stray in strays:
        try:
            size = stray.stat().st_size
            stray.unlink()
        except OSError as exc:  # the store still works with the file there
            logger.warning("cannot remove %s, left by a bulk load cut short: %s", stray, exc)
            continue
        logger.warning("removed %s (%d bytes), left by a bulk load cut short", stray, size)


def _open_error(path: Path, exc: OSError) -> StoreError:
    """The error for a store that would not open: locked by another process, or else."""
    if "lock" in str(exc).lower():
        return StoreError(
            f"the store at {path} is locked by another process (a running `kg build`, "
            "`kg serve` or other kg command; a store has one writer): wait for it to finish "
            f"or stop it, or use another --store. ({exc})"
        )
    return StoreError(f"cannot open the store at {path}: {exc}")


def backup_store(source: Path, target: Path) -> int:
    """Copy the store at source into the new directory target (hard links on the same file
    system); the number of quads copied. The copy opens like any store.

    Oxigraph reads a store read-only safely only while no process writes it, so the store's
    writer lock is held during the copy: it fails at once if a writer (a single-worker
    ``kg serve``, ``kg build``) has the store open, and no writer can open it meanwhile;
    read-only readers (``kg serve --workers N``) are unaffected. A read-only checkpoint leaves
    out the write-ahead log (what the last writer wrote but did not compact), so the log files
    are copied too, and the copy's quads are counted against the store's.

    Raises:
        StoreError: no store at source, target exists, a writer holds the store, or the copy
            fails or is incomplete.
    """
    if target.exists():
        raise StoreError(f"{target} already exists; back up into a new directory")
    with _writer_lock(source):
        with GraphStore(source, read_only=True) as store:
            count = len(store)
            try:
                store.native.backup(str(target))
            except OSError as exc:
                raise StoreError(f"backup of {source} into {target} failed: {exc}") from exc
        for log in sorted(source.glob("*.log")):
            if not (target / log.name).exists():
                shutil.copy2(log, target / log.name)
    with GraphStore(target, read_only=True) as copy:
        copied = len(copy)
    if copied != count:
        shutil.rmtree(target)
        raise StoreError(f"the backup of {source} held {copied} of its {count} quads; removed")
    return count


@contextmanager
def _writer_lock(path: Path) -> Iterator[None]:
    """Hold the store's RocksDB LOCK file (the lock a read-write open takes)."""
    if not (path / "CURRENT").exists():
        raise StoreError(f"no kg store at {path}")
    descriptor = os.open(path / "LOCK", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise StoreError(
                f"the store at {path} is open for writing by another process (a single-worker "
                "`kg serve` or `kg build`); stop it, or serve it with `--workers 2` or more "
                "(read-only), then back up"
            ) from exc
        yield
    finally:
        os.close(descriptor)


class _Concatenated(io.RawIOBase):
    """Several files read as one binary stream, opened one at a time."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self._paths = iter(paths)
        self._current: IO[bytes] | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            if self._current is None:
                path = next(self._paths, None)
                if path is None:
                    return 0
                self._current = path.open("rb")
            count = self._current.readinto(buffer)  # type: ignore[attr-defined]
            if count:
                return int(count)
            self._current.close()
            self._current = None

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
        super().close()
