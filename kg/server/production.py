"""`kg serve --workers N`: several gunicorn worker processes, each over a read-only store.

An Oxigraph store directory has one writer, so with more than one worker every process opens
the store read-only (``Store.read_only``) after the fork, and writes (SPARQL Update, Graph Store
PUT/POST/DELETE) are refused with a 403. A read-only store does not see the writes of another
process, so serving refuses to start while a writer (``kg build``) holds the store. The
listening socket is bound here, before gunicorn starts, so ``--port 0`` can report the port it
got; gunicorn takes it over by file descriptor.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from kg.config import Settings
from kg.server import create_app
from kg.store import GraphStore

__all__ = ["bind_socket", "serve_workers"]


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
            "graceful_timeout": 10,
            "preload_app": False,
            "proc_name": "kg-serve",
        }
        for name, value in options.items():
            self.cfg.set(name, value)

    def load(self) -> Flask:
        return create_app(self.settings)


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
    GraphStore(settings.store).close()  # fails while a writer holds the store
    listener = bind_socket(settings.host, settings.port)
    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    announce(f"http://{shown}:{listener.getsockname()[1]}/")
    _Workers(settings, listener.detach()).run()
