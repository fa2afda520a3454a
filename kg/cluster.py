"""Batches on Dask: a runner over a dask.distributed cluster, the model loaded once per worker.

``KG_DASK_SCHEDULER`` (or ``kg build --scheduler``) names the scheduler, ``tcp://host:8786``;
``local`` starts a LocalCluster of ``KG_PROCESSES`` single-threaded worker processes for the
length of the build. A :class:`PipelinePlugin` loads kg's pipeline when each worker starts;
tasks run :func:`kg.batches.run_batch` with it. Workers return N-Triples text to the builder,
or, for ``--bulk``, write their shards themselves: on several machines the shard directory
must then be one shared filesystem path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from distributed import Client, LocalCluster, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin
from spacy.language import Language

from kg.batches import Batch, BatchResult, run_batch
from kg.config import Settings
from kg.errors import KgError
from kg.nlp import load_pipeline

__all__ = ["DaskRunner", "PipelinePlugin"]

_PLUGIN = "kg-pipeline"


class PipelinePlugin(WorkerPlugin):
    """Loads kg's pipeline once when a Dask worker starts, and keeps it for its tasks."""

    name = _PLUGIN

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.nlp: Language | None = None

    def setup(self, worker: Any) -> None:
        self.nlp = load_pipeline(self.settings)


def _run(batch: Batch, settings: Settings, shards: Path | None) -> BatchResult:
    plugin = get_worker().plugins[_PLUGIN]
    if not isinstance(plugin, PipelinePlugin) or plugin.nlp is None:
        raise KgError("the Dask worker has no kg pipeline: its PipelinePlugin did not start")
    return run_batch(plugin.nlp, batch, settings, shards)


class DaskRunner:
    """Runs batches as tasks on a Dask cluster (or a LocalCluster it starts and stops)."""

    def __init__(self, settings: Settings, address: str, shards: Path | None) -> None:
        """Connect to the scheduler at address, or start a LocalCluster for 'local'.

        Raises:
            KgError: the scheduler cannot be reached.
        """
        self._settings, self._shards = settings, shards
        self._cluster: LocalCluster | None = None
        try:
            if address == "local":
                self._cluster = LocalCluster(
                    n_workers=max(settings.processes, 1),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
                self._client = Client(self._cluster)
            else:
                self._client = Client(address, timeout=30)
        except OSError as exc:
            raise KgError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
        self._client.register_plugin(PipelinePlugin(settings), name=_PLUGIN)
        workers = len(self._client.scheduler_info()["workers"])
        self.capacity = 2 * max(workers, 1)
        self._done = as_completed()

    def submit(self, batch: Batch) -> None:
        future = self._client.submit(_run, batch, self._settings, self._shards, pure=False)
        self._done.add(future)

    def result(self) -> BatchResult:
        return next(self._done).result()  # type: ignore[no-any-return]

    def close(self, *, abort: bool = False) -> None:
        if abort:
            self._client.cancel(list(self._done.futures))
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
