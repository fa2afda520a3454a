"""Queries under a deadline: each runs in its own thread; the request waits at most the timeout.

pyoxigraph cannot interrupt a running query (0.5.13 has no cancellation or timeout option). On
timeout the request gets a 503 and the query's thread is told to stop; it notices between two
result rows, so a query that computes for long before its first row (a big ORDER BY, an
aggregate, a property path over everything) keeps its thread and a CPU busy until it ends.
Those threads are capped: past ``max_running`` queries still running, new ones get a 503 straight
away. A runner may also be given ``on_stuck`` (``recycle_with``): it is called once a timed-out
query is still computing ``grace_s`` after its timeout; under gunicorn it replaces the worker
process, which is the only way to stop the computation (kg/server/production.py). A runner can
also be abandoned (:meth:`QueryRunner.abandon`, when the worker is about to be replaced for its
memory): the requests waiting on it, and any that come after, get a 503 at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from werkzeug.exceptions import ServiceUnavailable

from kg.errors import QueryTimeout

__all__ = ["QueryRunner"]

T = TypeVar("T")
_POLL_S = 0.2  # how often a waiting request checks whether the runner was abandoned


class QueryRunner:
    """Runs jobs in threads under a timeout, with at most max_running at once."""

    def __init__(self, timeout_s: float, max_running: int, grace_s: float = 5.0) -> None:
        self.timeout_s = timeout_s
        self.grace_s = grace_s
        self._slots = threading.BoundedSemaphore(max(1, max_running))
        self._running: dict[threading.Thread, threading.Event] = {}
        self._lock = threading.Lock()
        self._on_stuck: Callable[[], None] | None = None
        self._abandoned = threading.Event()
        self._reason = ""

    def recycle_with(self, on_stuck: Callable[[], None]) -> None:
        """Call on_stuck when a timed-out query still computes grace_s after its timeout."""
        self._on_stuck = on_stuck

    def abandon(self, reason: str) -> None:
        """Give up every job: those waited on and those to come get a 503 with reason."""
        self._reason = reason
        self._abandoned.set()

    def run(self, job: Callable[[threading.Event], T]) -> T:
        """The job's result, or its exception, if it ends within the timeout.

        Raises:
            QueryTimeout: the job did not end in time (it is told to stop).
            ServiceUnavailable: too many jobs still running, or the runner was abandoned.
        """
        self._check_abandoned()
        if not self._slots.acquire(blocking=False):
            raise ServiceUnavailable(
                "too many queries are still running (timed-out queries finish in the "
                "background); retry shortly",
                retry_after=max(1, round(self.timeout_s)),
            )
        future: Future[T] = Future()
        cancelled = threading.Event()
        thread = threading.Thread(
            target=self._work, args=(job, cancelled, future), name="kg-query", daemon=True
        )
        with self._lock:
            self._running[thread] = cancelled
        thread.start()
        deadline = time.monotonic() + self.timeout_s
        while True:
            left = deadline - time.monotonic()
            try:
                return future.result(timeout=max(0.0, min(left, _POLL_S)))
            except TimeoutError as exc:
                if self._abandoned.is_set():
                    cancelled.set()
                    self._check_abandoned()
                if left > _POLL_S:
                    continue
                cancelled.set()
                self._watch(thread)
                raise QueryTimeout(
                    f"the query ran past {self.timeout_s:g} s (KG_QUERY_TIMEOUT_S); "
                    "add a LIMIT, narrow its patterns or raise the timeout"
                ) from exc

    def _check_abandoned(self) -> None:
        if self._abandoned.is_set():
            raise ServiceUnavailable(self._reason, retry_after=1)

    def close(self, wait_s: float = 5.0) -> None:
        """Tell every running job to stop and wait up to wait_s for each."""
        with self._lock:
            running = list(self._running.items())
        for _, cancelled in running:
            cancelled.set()
        for thread, _ in running:
            thread.join(wait_s)

    def _watch(self, thread: threading.Thread) -> None:
        """Check after grace_s whether the timed-out query's thread is still computing."""
        if self._on_stuck is None:
            return
        timer = threading.Timer(self.grace_s, self._check_stuck, args=(thread,))
        timer.name, timer.daemon = "kg-query-watch", True
        timer.start()

    def _check_stuck(self, thread: threading.Thread) -> None:
        if thread.is_alive() and self._on_stuck is not None:
            self._on_stuck()

    def _work(
        self, job: Callable[[threading.Event], T], cancelled: threading.Event, future: Future[T]
    ) -> None:
        try:
            future.set_result(job(cancelled))
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting request thread
            future.set_exception(_without_frames(exc))
        finally:
            with self._lock:
                self._running.pop(threading.current_thread(), None)
            self._slots.release()


def _without_frames(exc: BaseException) -> BaseException:
    """exc with its tracebacks dropped: their frames hold pyoxigraph results, which must be
    freed in the thread that made them (and would keep the store open)."""
    link: BaseException | None = exc
    while link is not None:
        link.__traceback__ = None
        link = link.__cause__ or link.__context__
    return exc
