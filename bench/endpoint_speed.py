"""Endpoint latency: kg's server against pyoxigraph in-process and rdflib-endpoint, one run.

Usage (by hand; results go to docs/benchmarks.md):

    python -m venv /tmp/benchvenv && /tmp/benchvenv/bin/pip install rdflib-endpoint uvicorn
    .venv/bin/python bench/endpoint_speed.py --copies 100 --runs 15 \
        --rdflib-endpoint-python /tmp/benchvenv/bin/python

The data is the demo article's graph copied into N named graphs (IRIs renamed per copy), so
every server holds the same triples. Each query is sent R times per server over one HTTP
client; the script prints median latencies and the ratio to kg's median in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]

QUERIES = {
    "posts (join, 4 patterns)": (ROOT / "queries" / "who-holds-which-post.rq").read_text(),
    "count by class": "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c",
    "10k rows as JSON": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10000",
    "label lookup": 'SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> "Syria" }',
}


def make_data(copies: int, directory: Path) -> tuple[Path, Path]:
    """A kg store and an N-Triples file (the union) holding `copies` copies of the demo."""
    demo = directory / "demo"
    subprocess.run(
        [sys.executable, "-m", "kg", "build", "--store", str(demo), str(ROOT / "data")],
        check=True,
        capture_output=True,
    )
    source = ox.Store(str(demo))
    quads = list(source.quads_for_pattern(None, None, None, None))
    del source
    store_path = directory / "store"
    store = ox.Store(str(store_path))
    for n in range(copies):
        store.extend(_renamed(q, n) for q in quads)
    nt = directory / "union.nt"
    with nt.open("wb") as handle:
        ox.serialize(
            (q.triple for q in store.quads_for_pattern(None, None, None, None)),
            handle,
            ox.RdfFormat.N_TRIPLES,
        )
    del store
    return store_path, nt


def _renamed(quad: ox.Quad, n: int) -> ox.Quad:
    def term(t: object) -> object:
        if isinstance(t, ox.NamedNode) and t.value.startswith("http://kg.example.org/"):
            return ox.NamedNode(f"{t.value}-c{n}")
        return t

    return ox.Quad(term(quad.subject), quad.predicate, term(quad.object), term(quad.graph_name))


def start(command: list[str], url: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            httpx.get(url, params={"query": "ASK {}"}, timeout=5)
            return process
        except httpx.TransportError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError(f"{command[:3]} did not start")


def timed(client: httpx.Client, url: str, query: str, runs: int) -> float:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.post(
            url, data={"query": query}, headers={"Accept": "application/sparql-results+json"}
        )
        response.raise_for_status()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def in_process(store_path: Path, query: str, runs: int) -> float:
    store = ox.Store.read_only(str(store_path))
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        store.query(query, use_default_graph_as_union=True).serialize(
            None, ox.QueryResultsFormat.JSON
        )
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rdflib-endpoint-python", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store_path, nt = make_data(args.copies, Path(tmp))
        print(f"data: {args.copies} copies, {sum(1 for _ in nt.open('rb'))} triples")
        results: dict[str, dict[str, float]] = {q: {} for q in QUERIES}
        for name, query in QUERIES.items():
            results[name]["pyoxigraph in-process"] = in_process(store_path, query, args.runs)
        kg = start(
            [
                sys.executable,
                "-m",
                "kg",
                "serve",
                "--store",
                str(store_path),
                "--port",
                "8771",
                "--threads",
                "4",
            ],
            "http://127.0.0.1:8771/sparql",
        )
        servers = [("kg serve", "http://127.0.0.1:8771/sparql", kg)]
        if args.rdflib_endpoint_python:
            other = start(
                [
                    args.rdflib_endpoint_python,
                    "-m",
                    "rdflib_endpoint",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "8772",
                    str(nt),
                ],
                "http://127.0.0.1:8772/",
            )
            servers.append(("rdflib-endpoint", "http://127.0.0.1:8772/", other))
        try:
            with httpx.Client(timeout=600) as client:
                for label, url, _ in servers:
                    for name, query in QUERIES.items():
                        results[name][label] = timed(client, url, query, args.runs)
        finally:
            for _, _, process in servers:
                process.terminate()
                process.wait(timeout=30)
        report(results)


def report(results: dict[str, dict[str, float]]) -> None:
    systems = list(next(iter(results.values())))
    print("| query | " + " | ".join(f"{s} (ms)" for s in systems) + " | ratio to kg serve |")
    print("|---" * (len(systems) + 2) + "|")
    for name, row in results.items():
        cells = " | ".join(f"{row[s] * 1000:.1f}" for s in systems)
        ratios = ", ".join(
            f"{s}: {row[s] / row['kg serve']:.2f}x" for s in systems if s != "kg serve"
        )
        print(f"| {name} | {cells} | {ratios} |")


if __name__ == "__main__":
    main()
