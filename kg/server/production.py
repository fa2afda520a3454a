"""`kg serve --workers N`: several gunicorn worker processes, each over a read-only store.

An Oxigraph store directory has one writer, so with more than one worker every process opens
the store read-only (``Store.read_only``) after the fork, and writes (SPARQL Update, Graph Store
PUT/POST/DELETE) are refused with a 403. A read-only store does not see the writes of another
process, so serving refuses to start while a writer (``kg build``) holds the store. The
listening socket is bound here, before gunicorn starts, so ``--port 0`` can report the port it
got; gunicorn takes it over by file descriptor.

Runaway queries: pyoxigraph cannot stop a query that computes before its first row, so a worker
whose timed-out query is still computing ``KG_QUERY_GRACE_S`` after its 503 replaces itself (the
harakiri of uWSGI): it sends itself SIGTERM, gunicorn's graceful stop lets it finish the requests
it holds (the graceful timeout is twice the query timeout plus 10 s, so each gets its 200 or
503, including the one more request a kept-alive connection may bring) while the other workers
take new connections, then the process exits (``os._exit``: the query thread cannot be joined)
and the arbiter starts a fresh worker. The work stops with the process.
"""

from __future__ import annotations

import math
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from kg.config import Settings
from kg.server import create_app, services
from kg.server.memory_guard import MemoryGuard, memory_limit
from kg.server.runner import QueryRunner
from kg.store import GraphStore
from kg.void_stats import void_statistics

__all__ = ["bind_socket", "serve_workers"]

_MEMORY_DRAIN_S = 2.0


class _Workers(BaseApplication):  # type: ignore[misc]
    """A gunicorn application that builds kg's app in each worker."""

    def __init__(self, settings: Settings, fd: int) -> None:
        self.settings, self.fd = settings, fd
        super().__init__()

    def load_config(self) -> None:
        options: dict[str, Any] = {
            "bind": [f"fd://{self.fd}"],
            "workers": self.settings.workers,
            "worker_class": "gthread",
            "threads": self.settings.threads,
            # A worker is restarted when silent this long; queries are answered (or timed out)
            # well within it.
            "timeout": max(30, round(self.settings.query_timeout_s * 2) + 10),
            # A stopping worker answers the requests it holds, and one more per kept-alive
            # connection (gunicorn decides keep-alive before the app runs), each within the
            # query timeout.
            "graceful_timeout": 2 * math.ceil(self.settings.query_timeout_s) + 10,
            "preload_app": False,
            "proc_name": "kg-serve",
            "post_worker_init": _watch_runaways,
            "worker_exit": _exit_now,
        }
        if "control_socket_disable" in self.cfg.settings:
            # gunicorn >= 25.1 would listen on one per-user socket path that every kg serve
            # shares (and that can stop or resize any of them).
            options["control_socket_disable"] = True
        for name, value in options.items():
            self.cfg.set(name, value)

    def load(self) -> Flask:
        return create_app(self.settings)


def _watch_runaways(worker: Any) -> None:
    """gunicorn's post_worker_init: a stuck timed-out query makes the worker replace itself,
    and so does a worker holding more memory than KG_WORKER_MAX_RSS_MB (kg/server/memory_guard.py).
    """
    kg = services(worker.wsgi)
    kg.runner.recycle_with(partial(_recycle, worker))
    limit = memory_limit(kg.settings)
    if limit is not None:
        MemoryGuard(limit, partial(_over_memory, worker, kg.runner, limit)).start()


def _over_memory(worker: Any, runner: QueryRunner, limit: int, resident: int) -> None:
    """Answer the waiting queries with a 503, stop taking connections, end the process soon."""
    mib = 2**20
    worker.log.error(
        "worker %s holds %d MiB, over KG_WORKER_MAX_RSS_MB (%d MiB): replacing it",
        worker.pid,
        resident // mib,
        limit // mib,
    )
    runner.abandon(
        f"the query needed more memory than this server allows a worker ({limit // mib} MiB, "
        "KG_WORKER_MAX_RSS_MB); add a LIMIT or narrow its patterns, and avoid ORDER BY, "
        "DISTINCT or GROUP BY over many solutions"
    )
    os.kill(worker.pid, signal.SIGTERM)  # graceful stop: the arbiter starts a fresh worker
    # The query goes on taking memory while the worker stops: end it after a short drain.
    ender = threading.Timer(_MEMORY_DRAIN_S, _exit_now, args=(None, worker))
    ender.name, ender.daemon = "kg-memory-exit", True
    ender.start()


def _recycle(worker: Any) -> None:
    worker.log.warning(
        "a timed-out query is still computing after KG_QUERY_GRACE_S; "
        "replacing worker %s to stop it",
        worker.pid,
    )
    os.kill(worker.pid, signal.SIGTERM)


def _exit_now(server: Any, worker: Any) -> None:
    """gunicorn's worker_exit: end the process without the interpreter's teardown.

    A query thread may still be computing in Rust (it cannot be joined), and the teardown of a
    worker crashed in native code (SIGSEGV) even without one. The store is read-only: nothing is
    lost by not closing it.
    """
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(0)


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0: a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=128)


def serve_workers(settings: Settings, announce: Callable[[str], None]) -> None:
    """Run gunicorn with ``settings.workers`` processes; announce(url) once the port is bound.

    Raises:
        StoreError: there is no store to serve at ``settings.store``, or another process (a
            build) holds it: read-only workers would not see its writes.
    """
    GraphStore(settings.store, read_only=True).close()
    with GraphStore(settings.store) as store:  # fails while a writer holds the store
        # The VoID counts, computed once here (if the store changed since they were saved) for
        # every worker to read: a worker's read-only store cannot save them.
        void_statistics(store, settings.base_iri)
    listener = bind_socket(settings.host, settings.port)
    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    announce(f"http://{shown}:{listener.getsockname()[1]}/")
    _Workers(settings, listener.detach()).run()
