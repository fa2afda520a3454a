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
@_errors
def build(
    paths: tuple[Path, ...],
    store: Path | None,
    spacy_model: str | None,
    processes: int | None,
    dask_scheduler: str | None,
    **flags: bool,
) -> None:
    """Extract facts from articles (.txt, .html, .jsonl, folders) into the store."""
    settings = _settings(
        store=store, spacy_model=spacy_model, processes=processes, dask_scheduler=dask_scheduler
    )
    show = flags["progress"] if flags["progress"] is not None else sys.stderr.isatty()
    if flags["verbose"]:
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        report = _run_build(paths, settings, bulk=flags["bulk"], show=show)
    except KeyboardInterrupt:
        click.echo("Interrupted; run the same command again to build the rest.", err=True)
        sys.exit(130)
    finally:
        signal.signal(signal.SIGTERM, previous)
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
    if not report.ok:
        sys.exit(InputError.exit_code)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _run_build(paths: tuple[Path, ...], settings: Settings, *, bulk: bool, show: bool) -> Any:
    from kg.build import BuildReport
    from kg.build import build as run_build

    if not show:
        return run_build(paths, settings, bulk=bulk)
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

        return run_build(paths, settings, bulk=bulk, progress=advance)


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
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write to this file instead of standard output.",
)
@_errors
def export(store: Path | None, fmt: str, graph: str | None, output: Path | None) -> None:
    """Write the graph (all articles, or one) in a standard RDF serialisation."""
    from kg.export import export as run_export
    from kg.export import format_named
    from kg.store import GraphStore

    settings = _settings(store=store)
    with GraphStore(settings.store) as graph_store:
        if output is None:
            run_export(graph_store, sys.stdout.buffer, format_named(fmt), settings.base_iri, graph)
            sys.stdout.buffer.flush()
        else:
            with output.open("wb") as handle:
                run_export(graph_store, handle, format_named(fmt), settings.base_iri, graph)


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
@_store_option
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to bind; 0 picks a free one.")
@click.option("--threads", type=int, default=None, help="WSGI worker threads.")
@click.option(
    "--update-token",
    default=None,
    help="Bearer token that enables SPARQL Update (default: KG_UPDATE_TOKEN; unset refuses).",
)
@_errors
def serve(
    store: Path | None,
    host: str | None,
    port: int | None,
    threads: int | None,
    update_token: str | None,
) -> None:
    """Serve the SPARQL endpoint under waitress; prints `Serving on URL` first."""
    from waitress.server import create_server

    from kg.server import create_app

    settings = _settings(
        store=store, host=host, port=port, threads=threads, update_token=update_token
    )
    app = create_app(settings)
    server: Any = create_server(
        app, host=settings.host, port=settings.port, threads=settings.threads
    )
    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    click.echo(f"Serving on http://{shown}:{server.effective_port}/", nl=True)
    sys.stdout.flush()
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("Stopped.")


def main() -> None:
    """Entry point of the `kg` console script."""
    cli()
