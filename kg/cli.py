"""The `kg` command: thin click wrappers over the library. Catches KgError only."""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from kg.config import Settings
from kg.errors import InputError, KgError

__all__ = ["cli", "main"]

F = TypeVar("F", bound=Callable[..., Any])


def _store_option(func: F) -> F:
    return click.option(
        "--store",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Store directory (default: KG_STORE, else data/store).",
    )(func)


def _settings(**overrides: Any) -> Settings:
    return Settings.from_env().replace(**overrides)


def _errors(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KgError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


def _online_options(func: F) -> F:
    func = click.option(
        "--endpoint",
        default=None,
        help="SPARQL endpoint to link against (implies --online; default KG_WIKIDATA_URL).",
    )(func)
    return click.option(
        "--online", is_flag=True, help="Link against a SPARQL endpoint instead of the gazetteer."
    )(func)


def _endpoint(settings: Settings, online: bool, endpoint: str | None) -> str | None:
    return endpoint or (settings.wikidata_url if online else None)


def _echo_links(report: Any) -> None:
    click.echo(
        f"Linked {report.linked} of {report.entities} entities ({report.method}); "
        f"{report.triples} triples in <{report.graph}>."
    )


@click.group()
@click.version_option(package_name="kg")
def cli() -> None:
    """kg: turn news articles into a queryable RDF knowledge graph."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_store_option
@click.option("--model", "spacy_model", default=None, help="spaCy pipeline to load by name.")
@click.option(
    "--processes", type=int, default=None, help="Worker processes (default: KG_PROCESSES, 1)."
)
@click.option(
    "--scheduler",
    "dask_scheduler",
    default=None,
    help="Run on Dask: a scheduler address (tcp://host:8786) or 'local' (KG_DASK_SCHEDULER).",
)
@click.option(
    "--bulk",
    is_flag=True,
    help="Write N-Quads shards and bulk-load them (fast, not transactional: fresh or offline "
    "stores only).",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar (default: when stderr is a terminal).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log each article built on stderr.")
@click.option("--link", is_flag=True, help="Then link entities to Wikidata (see `kg link`).")
@click.option(
    "--prune",
    is_flag=True,
    help="Then remove the graphs of articles not in PATHS (as `kg delete` does), so the store "
    "mirrors them; refused if any input fails.",
)
@_online_options
@_errors
def build(
    paths: tuple[Path, ...],
    store: Path | None,
    spacy_model: str | None,
    processes: int | None,
    dask_scheduler: str | None,
    endpoint: str | None,
    **flags: bool,
) -> None:
    """Extract facts from articles (.txt, .html, .jsonl, folders) into the store."""
    settings = _settings(
        store=store, spacy_model=spacy_model, processes=processes, dask_scheduler=dask_scheduler
    )
    show = flags["progress"] if flags["progress"] is not None else sys.stderr.isatty()
    if flags["verbose"]:
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    url = _endpoint(settings, flags["online"], endpoint)
    link: bool | str = (url or True) if flags["link"] else False
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        report = _run_build(paths, settings, show=show, bulk=flags["bulk"], link=link)
    except KeyboardInterrupt:
        click.echo("Interrupted; run the same command again to build the rest.", err=True)
        sys.exit(130)
    finally:
        signal.signal(signal.SIGTERM, previous)
    _echo_build(report)
    if flags["prune"]:
        _prune(report, settings)
    if not report.ok:
        sys.exit(InputError.exit_code)


def _prune(report: Any, settings: Settings) -> None:
    from kg.build import prune

    try:
        pruned = prune(report, settings)
    except InputError as exc:  # the build itself is done: a warning, then a non-zero exit
        click.echo(f"Warning: {exc}.", err=True)
        sys.exit(InputError.exit_code)
    click.echo(f"Pruned {len(pruned)} article graph(s) not in the input.")


def _echo_build(report: Any) -> None:
    if report.links is not None:
        for warning in report.links.warnings:
            click.echo(f"Warning: {warning}", err=True)
        _echo_links(report.links)
    for origin, message in report.failed:
        click.echo(
            f"Error: {message}" if origin in message else f"Error: {origin}: {message}", err=True
        )
    click.echo(
        f"Built {len(report.built)} article(s), {report.triples} triples; "
        f"{len(report.unchanged)} unchanged; {len(report.failed)} failed."
    )
    rate = len(report.built) / report.seconds if report.seconds else 0.0
    click.echo(f"Took {report.seconds:.1f} s ({rate:.1f} articles/s).")


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _run_build(paths: tuple[Path, ...], settings: Settings, *, show: bool, **options: Any) -> Any:
    from kg.build import BuildReport
    from kg.build import build as run_build

    if not show:
        return run_build(paths, settings, **options)
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from kg.ingest import count_articles

    rate = TextColumn("{task.fields[rate]:.1f} articles/s")
    columns = (BarColumn(), MofNCompleteColumn(), rate, TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task("build", total=count_articles(paths), rate=0.0)

        def advance(report: BuildReport) -> None:
            elapsed = bar.tasks[0].elapsed or 0.0
            bar.update(task, completed=report.done, rate=report.done / max(elapsed, 1e-9))

        return run_build(paths, settings, progress=advance, **options)


@cli.command()
@click.argument("article_ids", nargs=-1, required=True)
@_store_option
@_errors
def delete(article_ids: tuple[str, ...], store: Path | None) -> None:
    """Remove articles' graphs by id; entities no other article mentions go with them."""
    from kg.build import delete as run_delete

    deleted = run_delete(article_ids, _settings(store=store))
    click.echo(f"Deleted {len(deleted)} article(s).")


@cli.command()
@_store_option
@click.option("--graph", default=None, help="Validate only this named graph.")
@_errors
def validate(store: Path | None, graph: str | None) -> None:
    """Check the store against kg's SHACL shapes (ontology/shapes.ttl); exit 2 if it fails."""
    from kg.store import GraphStore
    from kg.validation import validate_store

    settings = _settings(store=store)
    with GraphStore(settings.store) as graph_store:
        report = validate_store(graph_store, settings.base_iri, graph)
    if report.conforms:
        click.echo("Conforms to kg's SHACL shapes.")
        return
    click.echo(report.text, err=True)
    click.echo(f"Error: {report.results} SHACL violation(s).", err=True)
    sys.exit(InputError.exit_code)


@cli.command()
@_store_option
@_errors
def optimize(store: Path | None) -> None:
    """Compact the store's indexes so queries read fewer files, as a `kg build` that wrote a
    tenth of the store does at its end; for a store grown by many small builds. The content
    does not change; about 2 s per million quads. Then count what the VoID description gives
    (about 2 s per million quads again) and keep the counts in the store until its next write."""
    import time

    from kg.store import GraphStore
    from kg.void_stats import void_statistics

    settings = _settings(store=store)
    if not (settings.store / "CURRENT").exists():
        raise InputError(f"no kg store at {settings.store}: nothing to optimise")
    started = time.perf_counter()
    with GraphStore(settings.store) as graph_store:
        graph_store.optimize()
        counts = void_statistics(graph_store, settings.base_iri)
    seconds = time.perf_counter() - started
    quads, graphs = counts.totals["triples"], counts.totals["documents"]
    click.echo(f"Optimised {settings.store}: {quads} quads in {graphs} graphs, {seconds:.1f} s.")


@cli.command()
@_store_option
@_errors
def stats(store: Path | None) -> None:
    """Count triples, articles, entities, events and facts in the store."""
    from kg.stats import store_stats
    from kg.store import GraphStore

    settings = _settings(store=store)
    with GraphStore(settings.store) as graph_store:
        for name, value in store_stats(graph_store).items():
            click.echo(f"{name:>14}: {value}")


@cli.command()
@_store_option
@click.option(
    "--format",
    "fmt",
    default="turtle",
    show_default=True,
    type=click.Choice(["turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml"]),
    help="Serialisation.",
)
@click.option("--graph", default=None, help="Export only this named graph (an article's IRI).")
@click.option(
    "--links",
    default="include",
    show_default=True,
    type=click.Choice(["include", "exclude", "only"]),
    help="Include the links to external graphs (the linkset), leave them out, or export only them.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write to this file instead of standard output.",
)
@_errors
def export(
    store: Path | None, fmt: str, graph: str | None, links: str, output: Path | None
) -> None:
    """Write the graph (all articles, or one) in a standard RDF serialisation."""
    from kg.export import export as run_export
    from kg.export import format_named
    from kg.store import GraphStore

    settings = _settings(store=store)
    with GraphStore(settings.store) as graph_store:
        if output is None:
            spec = format_named(fmt)
            run_export(graph_store, sys.stdout.buffer, spec, settings.base_iri, graph, links)
            sys.stdout.buffer.flush()
        else:
            with output.open("wb") as handle:
                spec = format_named(fmt)
                run_export(graph_store, handle, spec, settings.base_iri, graph, links)


@cli.command()
@_store_option
@_online_options
@_errors
def link(store: Path | None, online: bool, endpoint: str | None) -> None:
    """Link the store's entities to Wikidata (and DBpedia, GeoNames); offline by default."""
    from kg.build import link_store

    settings = _settings(store=store)
    _echo_links(link_store(settings, _endpoint(settings, online, endpoint)))


@cli.command()
@click.argument("query")
@_store_option
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "ntriples"]),
    help="Output format.",
)
@_errors
def query(query: str, store: Path | None, fmt: str) -> None:
    """Run a SPARQL query (text, a .rq file or a stored query's name) and print the results."""
    from kg.query_output import render, resolve_query
    from kg.store import GraphStore

    settings = _settings(store=store)
    with GraphStore(settings.store) as graph_store:
        result = graph_store.query(resolve_query(query), union=settings.union_default_graph)
        sys.stdout.buffer.write(render(result, fmt, settings.base_iri))
        sys.stdout.buffer.flush()


@cli.command()
@click.argument("dest", type=click.Path(path_type=Path, file_okay=False))
@_store_option
@_errors
def backup(dest: Path, store: Path | None) -> None:
    """Copy the store into the new directory DEST (no writer may hold it; a multi-worker
    `kg serve` may); restore by serving DEST or copying it back in place of the stopped store."""
    from kg.store import backup_store

    settings = _settings(store=store)
    count = backup_store(settings.store, dest)
    click.echo(f"Backed up {count} quads from {settings.store} to {dest}.")


@cli.command()
@_store_option
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1; KG_HOST).")
@click.option("--port", type=int, default=None, help="Port to bind; 0 picks a free one (KG_PORT).")
@click.option("--threads", type=int, default=None, help="Threads per worker (KG_THREADS).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (KG_WORKERS); more than 1 runs gunicorn over a read-only store "
    "and refuses writes.",
)
@click.option(
    "--update-token",
    default=None,
    help="Bearer token that enables SPARQL Update and Graph Store writes (KG_UPDATE_TOKEN; "
    "unset refuses).",
)
@click.option(
    "--timeout",
    "query_timeout_s",
    type=float,
    default=None,
    help="Seconds a query may run (KG_QUERY_TIMEOUT_S).",
)
@click.option(
    "--query-grace",
    "query_grace_s",
    type=float,
    default=None,
    help="Seconds a timed-out query may go on computing before its worker process is replaced "
    "(KG_QUERY_GRACE_S; --workers > 1).",
)
@click.option(
    "--worker-max-rss-mb",
    type=int,
    default=None,
    help="Resident MiB past which a worker's queries get a 503 and the worker is replaced "
    "(KG_WORKER_MAX_RSS_MB; 0: half the machine's memory over the workers; -1: none; "
    "--workers > 1).",
)
@click.option("--max-rows", type=int, default=None, help="Most result rows (KG_MAX_ROWS).")
@click.option(
    "--max-running-queries",
    type=int,
    default=None,
    help="Queries run at once per worker (KG_MAX_RUNNING_QUERIES).",
)
@click.option(
    "--cors-origins",
    default=None,
    help="CORS origins: '*', space-separated origins or 'none' (KG_CORS_ORIGINS).",
)
@click.option(
    "--union-default-graph/--no-union-default-graph",
    default=None,
    help="Default graph = union of all graphs, or the standard dataset (KG_UNION_DEFAULT_GRAPH).",
)
@click.option(
    "--service-allowlist",
    default=None,
    help="Comma-separated endpoint IRIs or prefixes SERVICE may call (KG_SERVICE_ALLOWLIST).",
)
@click.option(
    "--max-body-bytes",
    type=int,
    default=None,
    help="Largest request body read, in bytes (KG_MAX_BODY_BYTES).",
)
@click.option(
    "--max-query-chars",
    type=int,
    default=None,
    help="Longest query or update text, in characters (KG_MAX_QUERY_CHARS).",
)
@click.option(
    "--thread-stack-mb",
    type=click.IntRange(min=1),
    default=None,
    help="Stack of each server thread, in MiB (KG_THREAD_STACK_MB).",
)
@click.option(
    "--load-allowlist",
    default=None,
    help="Comma-separated IRIs or prefixes SPARQL Update LOAD may fetch (KG_LOAD_ALLOWLIST).",
)
@click.option("--base-iri", default=None, help="Base of kg's IRIs (KG_BASE_IRI).")
@_errors
def serve(**options: Any) -> None:
    """Serve the SPARQL endpoint (waitress; gunicorn with --workers > 1); prints `Serving on URL`
    first."""
    settings = _settings(**options)
    if settings.workers > 1:
        from kg.server.production import serve_workers

        serve_workers(settings, _announce)
        return
    _serve_waitress(settings)


def _announce(url: str) -> None:
    click.echo(f"Serving on {url}", nl=True)
    sys.stdout.flush()


def _serve_waitress(settings: Settings) -> None:
    from waitress.server import create_server

    from kg.server import create_app

    app = create_app(settings)
    server: Any = create_server(
        app,
        host=settings.host,
        port=settings.port,
        threads=settings.threads,
        max_request_body_size=settings.max_body_bytes,
    )
    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    _announce(f"http://{shown}:{server.effective_port}/")
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("Stopped.")


@cli.command(name="eval")
@click.option(
    "--conll04-dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="CoNLL04 folder with dev.json (default: ../shared/data/conll04 beside the repo, if any).",
)
@click.option(
    "--news-dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="News dev set: articles.jsonl plus <id>.json gold files (default: eval/news-dev).",
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the scores as JSON to this file.",
)
@_errors
def eval_(conll04_dir: Path | None, news_dir: Path | None, json_out: Path | None) -> None:
    """Score extraction on CoNLL04 dev (with a baseline) and the news dev set; print tables."""
    import json

    from kg.evaluation import evaluate, render

    root = Path(__file__).resolve().parents[1]
    default_conll = root.parent / "shared" / "data" / "conll04"
    if conll04_dir is None and default_conll.is_dir():
        conll04_dir = default_conll
    if news_dir is None and (root / "eval" / "news-dev").is_dir():
        news_dir = root / "eval" / "news-dev"
    result = evaluate(_settings(), conll04_dir=conll04_dir, news_dir=news_dir)
    click.echo(render(result))
    if json_out is not None:
        json_out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")


def main() -> None:
    """Entry point of the `kg` console script."""
    cli()
