"""The per-app services the views use, kept in ``app.extensions["kg"]``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from kg.config import Settings
from kg.server.runner import QueryRunner
from kg.store import GraphStore

__all__ = ["Services", "services"]


@dataclass(frozen=True, slots=True)
class Services:
    """What the views use: the settings, the open store and the query runner."""

    settings: Settings
    store: GraphStore
    runner: QueryRunner

    @classmethod
    def open(cls, settings: Settings) -> Services:
        """Open the store named in settings and a runner with its limits.

        Raises:
            StoreError: the store cannot be opened.
        """
        runner = QueryRunner(
            settings.query_timeout_s, settings.max_running_queries, settings.query_grace_s
        )
        store = GraphStore(settings.store, read_only=settings.workers > 1)
        return cls(settings, store, runner)

    def close(self) -> None:
        """Stop running queries (waiting a little) and release the store."""
        self.runner.close()
        self.store.close()


def services(app: Flask) -> Services:
    """The kg services of an app made by create_app."""
    found: Services = app.extensions["kg"]
    return found
