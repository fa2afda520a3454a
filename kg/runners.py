"""Where batches run: in this process (on an extraction thread), or in worker processes that
each load the model once.

A runner takes batches (:meth:`Runner.submit`) and hands back their results in the order they
finish (:meth:`Runner.result`); :func:`run_all` keeps at most ``capacity`` batches in flight,
so a build holds a few batches in memory whatever the size of the corpus. Worker processes are
started with ``spawn`` (no inherited store handle or threads), load kg's pipeline, and read
batches from a queue until told to stop; they ignore Ctrl-C and exit when the builder is gone,
and the builder stops them when it is interrupted.

Why not ``nlp.pipe(n_process=N)``: spaCy ships each Doc back with ``Doc.to_bytes``, whose
msgpack cannot encode kg's Doc extensions (``Article``, ``Entity`` and the facts are
dataclasses), and the parent would parse and map every article alone. Workers here send back
the finished N-Triples instead, so RDF mapping runs in parallel too.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kg.batches import Batch, BatchResult, run_batch
from kg.config import Settings
from kg.errors import KgError

if TYPE_CHECKING:  # spaCy is imported by the workers only (load_pipeline, below)
    from spacy.language import Language

__all__ = ["InlineRunner", "ProcessRunner", "Runner", "run_all"]

_POLL_S = 0.5


class Runner(Protocol):
    """Runs batches somewhere and returns their results as they finish."""

    capacity: int

    def submit(self, batch: Batch) -> None: ...

    def result(self) -> BatchResult: ...

    def close(self, *, abort: bool = False) -> None: ...


def run_all(start: Callable[[], Runner], batches: Iterable[Batch]) -> Iterator[BatchResult]:
    """Results of every batch, with a bounded number in flight; the runner starts lazily.

    The results that come back after the last batch was submitted are marked ``tail``.
    """
    runner: Runner | None = None
    in_flight = 0
    done = False
    try:
        for batch in batches:
            runner = runner if runner is not None else start()
            while in_flight >= runner.capacity:
                yield runner.result()
                in_flight -= 1
            runner.submit(batch)
            in_flight += 1
        for _ in range(in_flight):
            yield replace(runner.result(), tail=True)  # type: ignore[union-attr]
        done = True
    finally:
        if runner is not None:
            runner.close(abort=not done)


class InlineRunner:
    """Runs batches in this process, on one extraction thread, one batch ahead of the caller.

    While the builder writes a batch's graphs (Oxigraph releases the GIL as it writes) and
    reads the next articles, the thread extracts the following batch, so on a machine with a
    spare core the writes cost a one-process build little wall time. There is still one
    pipeline and one extraction at a time; the thread exists only to overlap that with I/O.
    """

    capacity = 2

    def __init__(self, settings: Settings, nlp: Language | None, shards: Path | None) -> None:
        self._settings, self._nlp, self._shards = settings, nlp, shards
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-extract")
        self._pending: deque[Future[BatchResult]] = deque()

    def submit(self, batch: Batch) -> None:
        self._pending.append(self._executor.submit(self._run, batch))

    def result(self) -> BatchResult:
        """The oldest submitted batch's result, once done; its error, if it failed."""
        return self._pending.popleft().result()

    def close(self, *, abort: bool = False) -> None:
        # Batches not started are dropped; one already running is waited for (a few seconds),
        # so no thread goes on using the pipeline (which may be the caller's) after a build.
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._pending.clear()

    def _run(self, batch: Batch) -> BatchResult:
        if self._nlp is None:
            from kg.nlp import load_pipeline

            self._nlp = load_pipeline(self._settings)
        return run_batch(self._nlp, batch, self._settings, self._shards)


class ProcessRunner:
    """Runs batches in worker processes, each with its own copy of the pipeline."""

    def __init__(self, settings: Settings, processes: int, shards: Path | None) -> None:
        context = multiprocessing.get_context("spawn")
        self._tasks: Any = context.Queue()
        self._results: Any = context.Queue()
        self.capacity = 2 * processes
        args = (settings, shards, self._tasks, self._results, os.getpid())
        self._workers: list[BaseProcess] = [
            context.Process(target=_work, args=args, daemon=True, name=f"kg-build-{n}")
            for n in range(processes)
        ]
        for worker in self._workers:
            worker.start()

    def submit(self, batch: Batch) -> None:
        self._tasks.put(batch)

    def result(self) -> BatchResult:
        """The next finished batch.

        Raises:
            KgError: a worker process died (its traceback is on stderr).
        """
        while True:
            try:
                return self._results.get(timeout=_POLL_S)  # type: ignore[no-any-return]
            except queue.Empty:
                dead = [w for w in self._workers if not w.is_alive()]
                if dead:
                    raise KgError(
                        f"build worker {dead[0].name} died with exit code {dead[0].exitcode}; "
                        "its error is printed above. Run `kg build` again to finish"
                    ) from None

    def close(self, *, abort: bool = False) -> None:
        if abort:
            self._tasks.cancel_join_thread()
            for worker in self._workers:
                worker.terminate()
        else:
            for _ in self._workers:
                self._tasks.put(None)
        for worker in self._workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.kill()
                worker.join()


def _work(settings: Settings, shards: Path | None, tasks: Any, results: Any, parent: int) -> None:
    """A worker process: load the pipeline once, then run batches until None or orphaned."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from kg.nlp import load_pipeline

    nlp = load_pipeline(settings)
    while os.getppid() == parent:
        try:
            batch = tasks.get(timeout=_POLL_S)
        except queue.Empty:
            continue
        if batch is None:
            return
        results.put(run_batch(nlp, batch, settings, shards))
