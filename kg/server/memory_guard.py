"""A worker's resident memory, watched: past the limit its queries get a 503 and it is replaced.

A query that materialises its solutions before the first one (ORDER BY, DISTINCT or GROUP BY
over a cartesian product) grows for as long as it computes, about 100 MiB/s on the development
machine, and pyoxigraph cannot stop it: only the end of the process frees that memory
(docs/reliability/load.md). The query timeout and the grace bound how long it runs, not how much
it takes. With ``kg serve --workers N``, each worker therefore polls its resident set size
(``/proc/self/statm``) every 0.2 s; past ``KG_WORKER_MAX_RSS_MB`` it abandons its query runner
(the requests waiting on a query, and any new ones, get a 503 at once), starts gunicorn's graceful
stop (no new connections; the arbiter starts a fresh worker) and ends the process 2 s later
whatever is still running. A single-process ``kg serve`` has no worker to replace and is not
watched.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from kg.config import Settings

__all__ = ["MemoryGuard", "memory_limit", "resident_bytes"]

logger = logging.getLogger(__name__)

_PERIOD_S = 0.2
_FLOOR = 512 * 2**20  # an automatic limit is never below this: a worker starts at ~150 MiB


def resident_bytes() -> int | None:
    """This process's resident set size, or None where /proc is not available."""
    try:
        resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return resident_pages * os.sysconf("SC_PAGE_SIZE")


def memory_limit(settings: Settings) -> int | None:
    """The resident bytes a worker may hold (None: no limit), from KG_WORKER_MAX_RSS_MB."""
    if settings.worker_max_rss_mb < 0:
        return None
    if settings.worker_max_rss_mb > 0:
        return settings.worker_max_rss_mb * 2**20
    try:
        machine = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return None
    return max(_FLOOR, machine // 2 // max(1, settings.workers))


class MemoryGuard:
    """Calls over_limit(resident bytes) once, the first time the process holds more than limit."""

    def __init__(self, limit: int, over_limit: Callable[[int], None]) -> None:
        self.limit = limit
        self._over_limit = over_limit
        self._stop = threading.Event()

    def start(self) -> bool:
        """Start watching in a daemon thread; False (nothing started) where RSS is unreadable."""
        if resident_bytes() is None:
            logger.warning("cannot read this process's memory use: KG_WORKER_MAX_RSS_MB ignored")
            return False
        thread = threading.Thread(target=self._watch, name="kg-memory-guard", daemon=True)
        thread.start()
        return True

    def stop(self) -> None:
        self._stop.set()

    def _watch(self) -> None:
        while not self._stop.wait(_PERIOD_S):
            resident = resident_bytes()
            if resident is not None and resident > self.limit:
                self._over_limit(resident)
                return
