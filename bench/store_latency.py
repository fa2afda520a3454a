"""Latency of the query library, the pages, VoID and the service description on a large store.

Usage (by hand; results go to docs/benchmarks.md, section "Query and page latency at scale"):

    PYTHONPATH=$PWD .venv/bin/python bench/store_latency.py /tmp/kg-build-bench/bulk-kg-0

The store is opened read-only, so it can be measured while nothing writes to it. Every item (a
query of queries/*.rq, a page, VoID, the service description) runs in its own fresh process
with a 4 GiB memory cap, ``--runs`` times in a row there; the median and the first (cold) run
are printed with the rows (or the response size). An item past ``--timeout`` seconds is
reported as such. Pages go through the Flask app (``create_app``) with its test client, so they
include routing, the page queries, templating and serialisation, but no HTTP socket. VoID's
per-app cache is emptied before each run.

Which page: the entity mentioned in the most articles (the worst case for joins across
graphs), an entity of median mentions, the article with the most facts, a fact about the top
entity (an evidence node), and an event whose agent is the top entity.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import selectors
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PY = sys.executable
_PICK = {
    "top": """SELECT ?e (COUNT(*) AS ?n) WHERE { ?e kg:mentionedIn ?a }
              GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1""",
    "mentions": """SELECT ?e (COUNT(*) AS ?n) WHERE { ?e kg:mentionedIn ?a }
                   GROUP BY ?e ORDER BY ?n ?e""",
    "article": """SELECT ?a (COUNT(*) AS ?n) WHERE { ?f prov:wasDerivedFrom ?a }
                  GROUP BY ?a ORDER BY DESC(?n) ?a LIMIT 1""",
    "fact": "SELECT ?f WHERE { ?f rdf:subject $top ; a kg:Fact } ORDER BY ?f LIMIT 1",
    "event": "SELECT ?v WHERE { ?v a kg:Event ; kg:agent ?agent } ORDER BY ?v LIMIT 1",
}


def pick_pages(store_path: Path) -> dict[str, str]:
    """IRIs to measure pages on (see the module docstring), with their mention counts."""
    from kg.store import GraphStore
    from kg.vocab import PREFIXES

    def rows(query: str) -> list:
        return list(store.query(query, prefixes=PREFIXES))  # type: ignore[arg-type]

    with GraphStore(store_path, read_only=True) as store:
        top = rows(_PICK["top"])[0]
        counts = rows(_PICK["mentions"])
        median = counts[len(counts) // 2]
        top_iri = str(top["e"])
        picked = {
            f"entity, most mentioned ({top['n'].value} articles)": top["e"].value,
            f"entity, median mentions ({median['n'].value})": median["e"].value,
            "article with most facts": rows(_PICK["article"])[0]["a"].value,
        }
        named = (("fact (evidence) of the top entity", "fact"), ("event with an agent", "event"))
        for name, key in named:
            found = rows(_PICK[key].replace("$top", top_iri))
            if found:
                picked[name] = next(iter(found[0])).value
        return picked


def _capped() -> None:
    limit = 4 * 2**30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _query_child(store_path: Path, rq: Path, runs: int) -> None:
    from kg.store import GraphStore

    text = rq.read_text("utf-8")
    with GraphStore(store_path, read_only=True) as store:
        print("ready", flush=True)
        for _ in range(runs):
            started = time.perf_counter()
            rows = sum(1 for _ in store.query(text))  # type: ignore[union-attr]
            seconds = time.perf_counter() - started
            print(json.dumps({"rows": rows, "seconds": seconds}), flush=True)


def _page_child(store_path: Path, path: str, accept: str, runs: int) -> None:
    from kg.config import Settings
    from kg.server import create_app
    from kg.server.void import VoidCache

    app = create_app(Settings.from_env().replace(store=store_path, workers=2))
    client = app.test_client()
    print("ready", flush=True)
    for _ in range(runs):
        app.extensions["kg_void"] = VoidCache()
        started = time.perf_counter()
        response = client.get(path, headers={"Accept": accept})
        size = len(response.get_data())
        seconds = time.perf_counter() - started
        line = {"bytes": size, "status": response.status_code, "seconds": seconds}
        print(json.dumps(line), flush=True)


def _child(args: list[str]) -> None:
    _capped()
    kind, store_path, runs = args[0], Path(args[1]), int(args[2])
    if kind == "query":
        _query_child(store_path, Path(args[3]), runs)
    else:
        _page_child(store_path, args[3], args[4], runs)


def _lines(process: subprocess.Popen[str], timeout: float) -> list[dict[str, float]]:
    """The child's result lines, each awaited at most timeout seconds (then the child is killed)."""
    found: list[dict[str, float]] = []
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    startup = 60.0
    while True:
        if not selector.select(timeout + startup):
            process.kill()
            break
        startup = 0.0
        line = process.stdout.readline()
        if not line:
            break
        if line.startswith("{"):
            found.append(json.loads(line))
    process.wait()
    return found


def _run(argv: list[str], timeout: float) -> dict[str, float] | str:
    """Median and first of the runs, or why there are none (over the timeout, failed)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # noqa: TID251 - the child's environment
    command = [PY, __file__, "--child", *argv]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    found = _lines(process, timeout)
    if not found:
        return f"over {timeout:.0f} s" if process.returncode < 0 else "failed (4 GiB cap?)"
    seconds = [line["seconds"] for line in found]
    result = {**found[-1], "first": seconds[0], "median": statistics.median(seconds)}
    result["runs"] = len(found)
    return result


def _ms(result: dict[str, float], key: str, runs: int) -> str:
    text = f"{result[key] * 1000:,.1f}"
    done = int(result["runs"])
    return text if key == "first" or done == runs else f"{text} ({done} of {runs} runs)"


def measure_queries(store_path: Path, runs: int, timeout: float, only: str) -> None:
    print("\n| query | rows | median ms | first run ms |")
    print("| --- | --- | --- | --- |")
    for rq in sorted((ROOT / "queries").glob("*.rq")):
        if only not in rq.stem or "remote: true" in rq.read_text("utf-8"):
            continue
        result = _run(["query", str(store_path), str(runs), str(rq)], timeout)
        if isinstance(result, str):
            print(f"| {rq.stem} | - | {result} | |", flush=True)
            continue
        median, first = _ms(result, "median", runs), _ms(result, "first", runs)
        print(f"| {rq.stem} | {int(result['rows']):,} | {median} | {first} |", flush=True)


def measure_pages(store_path: Path, runs: int, timeout: float, base: str) -> None:
    items = [
        ("VoID (/.well-known/void), Turtle", "/.well-known/void", "text/turtle"),
        ("service description (GET /sparql)", "/sparql", "text/turtle"),
    ]
    for name, iri in pick_pages(store_path).items():
        path = "/" + iri.removeprefix(base)
        items += [(f"{name}, HTML", path, "text/html"), (f"{name}, Turtle", path, "text/turtle")]
    print("\n| page | status | bytes | median ms | first run ms |")
    print("| --- | --- | --- | --- | --- |")
    for name, path, accept in items:
        result = _run(["page", str(store_path), str(runs), path, accept], timeout)
        if isinstance(result, str):
            print(f"| {name} | - | - | {result} | |", flush=True)
            continue
        median, first = _ms(result, "median", runs), _ms(result, "first", runs)
        size, status = int(result["bytes"]), int(result["status"])
        print(f"| {name} | {status} | {size:,} | {median} | {first} |", flush=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per item")
    parser.add_argument("--only", default="", help="queries whose name contains this")
    parser.add_argument("--no-queries", action="store_true")
    parser.add_argument("--no-pages", action="store_true")
    args = parser.parse_args()
    from kg.config import Settings
    from kg.store import GraphStore

    with GraphStore(args.store, read_only=True) as store:
        quads, graphs = len(store), len(store.named_graphs())
    print(f"store {args.store}: {quads:,} quads in {graphs:,} named graphs")
    if not args.no_queries:
        measure_queries(args.store, args.runs, args.timeout, args.only)
    if not args.no_pages:
        measure_pages(args.store, args.runs, args.timeout, Settings.from_env().base_iri)


if __name__ == "__main__":
    main()
