"""A short bounded load on `kg serve --workers 2`: cheap, heavier and runaway queries at once.

Runaway queries (an aggregate over a cartesian product of the whole store) compute before their
first row, which pyoxigraph cannot interrupt; they must get a 503, the other queries complete
answers, and the worker that ran a runaway must be replaced so that the computation stops.
"""

from __future__ import annotations

import json
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from kg.store import GraphStore
from tests.conftest import _start_server, _stop
from tests.server import IGNORE_LIVE_SERVER_PIPES
from tests.server.test_production import _alive, _children

pytestmark = IGNORE_LIVE_SERVER_PIPES

EX = "http://example.org/"
QUADS = 20_000  # a cartesian product of the store: 4e8 pairs, minutes of work
CHEAP = {
    "ask": f"ASK {{ <{EX}s7> ?p ?o }}",
    "lookup": f"SELECT ?p ?o WHERE {{ <{EX}s42> ?p ?o }}",
    "limit": "SELECT ?s ?o WHERE { ?s ?p ?o } LIMIT 10",
}
HEAVIER = {
    "count": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "join": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{EX}p1> ?b . ?b ?q ?c }}",
}
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one request got: its query's name, the status (0: no response) and the body."""

    name: str
    status: int
    body: bytes


def _fill(path: Path, quads: int = QUADS) -> None:
    with GraphStore(path) as store:
        store.native.bulk_extend(
            ox.Quad(
                ox.NamedNode(f"{EX}s{i}"),
                ox.NamedNode(f"{EX}p{i % 7}"),
                ox.NamedNode(f"{EX}s{(i * 7919) % quads}"),
                ox.NamedNode(f"{EX}g{i % 50}"),
            )
            for i in range(quads)
        )


def _ask(client: httpx.Client, url: str, name: str, query: str) -> Outcome:
    try:
        response = client.post(f"{url}/sparql", data={"query": query})
    except httpx.TransportError as exc:
        return Outcome(name, 0, repr(exc).encode())
    return Outcome(name, response.status_code, response.content)


def _drive(url: str, plan: list[tuple[str, str]]) -> list[Outcome]:
    """Send plan's queries from 6 threads, each with its own keep-alive connection."""
    chunks = [plan[i::6] for i in range(6)]

    def send(chunk: list[tuple[str, str]]) -> list[Outcome]:
        with httpx.Client(timeout=120) as client:
            return [_ask(client, url, name, query) for name, query in chunk]

    with ThreadPoolExecutor(max_workers=6) as pool:
        return [outcome for done in pool.map(send, chunks) for outcome in done]


def _complete(outcome: Outcome) -> bool:
    """The body is whole JSON results with the answer this store must give."""
    results = json.loads(outcome.body)
    if outcome.name == "ask":
        return results["boolean"] is True
    bindings = results["results"]["bindings"]
    expected = {"lookup": 1, "limit": 10, "count": 1, "join": 1}[outcome.name]
    if outcome.name == "count":
        return int(bindings[0]["n"]["value"]) == QUADS
    return len(bindings) == expected


def _workers(pid: int, count: int) -> set[int]:
    deadline = time.monotonic() + 60
    found = {p for p in _children(pid) if _alive(p)}
    while len(found) < count and time.monotonic() < deadline:
        time.sleep(0.2)
        found = {p for p in _children(pid) if _alive(p)}
    return found


def _cpu_ticks(pids: set[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def _idle(pid: int) -> bool:
    """The server's processes used under a quarter of a CPU over the next two seconds."""
    tree = {pid, *_children(pid)}
    before = _cpu_ticks(tree)
    time.sleep(2)
    return _cpu_ticks(tree) - before < 0.25 * 2 * 100  # clock ticks are 1/100 s


@pytest.mark.server
def test_mixed_load_with_runaways_frees_the_work(tmp_path: Path) -> None:
    _fill(tmp_path / "store")
    rng = random.Random(7)
    plan = [(name, CHEAP[name]) for name in rng.choices(sorted(CHEAP), k=240)]
    plan += [(name, HEAVIER[name]) for name in rng.choices(sorted(HEAVIER), k=40)]
    plan += [("runaway", RUNAWAY)] * 6
    rng.shuffle(plan)
    process, url = _start_server(
        tmp_path / "store", "--workers", "2", "--timeout", "3", "--query-grace", "1"
    )
    try:
        before = _workers(process.pid, 2)
        outcomes = _drive(url, plan)
        deadline = time.monotonic() + 90
        while all(_alive(p) for p in before) and time.monotonic() < deadline:
            time.sleep(0.2)
        replaced = not all(_alive(p) for p in before)
        after = _workers(process.pid, 2)
        deadline = time.monotonic() + 60
        idle = _idle(process.pid)
        while not idle and time.monotonic() < deadline:
            idle = _idle(process.pid)
        still_answering = _drive(url, [("ask", CHEAP["ask"])] * 12)
    finally:
        _stop(process)
    statuses = {(o.name == "runaway", o.status) for o in outcomes}
    assert statuses <= {(False, 200), (True, 503)}, [o for o in outcomes if o.status != 200][:3]
    assert len(outcomes) == len(plan)
    assert all(_complete(o) for o in outcomes if o.status == 200)
    assert sum(o.status == 503 for o in outcomes) == 6
    assert replaced, "the workers that ran runaway queries were not replaced"
    assert len(after) == 2 and after != before
    assert idle, "the server's processes kept computing after the runaway queries timed out"
    assert [o.status for o in still_answering] == [200] * 12
    assert all(_complete(o) for o in still_answering)


@pytest.mark.server
def test_a_stopping_worker_answers_the_next_request_of_a_kept_alive_connection(
    tmp_path: Path,
) -> None:
    # Runaways back to back on one connection: the worker starts to stop during the second
    # (grace over for the first), whose response keeps the connection alive (gunicorn decided
    # before the app ran), so the third reaches the stopping worker too. It must get its 503,
    # not a closed connection.
    _fill(tmp_path / "store")
    process, url = _start_server(
        tmp_path / "store", "--workers", "2", "--timeout", "7", "--query-grace", "1"
    )
    try:
        with httpx.Client(timeout=120) as client:
            outcomes = [_ask(client, url, "runaway", RUNAWAY) for _ in range(3)]
    finally:
        _stop(process)
    assert [o.status for o in outcomes] == [503, 503, 503], [o.body[:200] for o in outcomes]


MATERIALISING = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d"


@pytest.mark.server
def test_a_worker_past_its_memory_limit_answers_503_and_is_replaced(tmp_path: Path) -> None:
    """A sort over a cartesian product holds every solution, growing by hundreds of MiB a
    second; the worker running it passes --worker-max-rss-mb long before the query timeout, its
    request gets a 503 naming the limit, the worker is replaced and the server still answers.
    2,000 quads: 4e6 solutions, ~1.2 GiB sorted, a bound on what the test takes should the
    guard fail (a 20 s timeout bounds it too)."""
    _fill(tmp_path / "store", 2_000)
    process, url = _start_server(
        tmp_path / "store", "--workers", "2", "--timeout", "20", "--worker-max-rss-mb", "600"
    )
    try:
        before = _workers(process.pid, 2)
        started = time.monotonic()
        with httpx.Client(timeout=180) as client:
            answer = _ask(client, url, "materialising", MATERIALISING)
        took = time.monotonic() - started
        deadline = time.monotonic() + 60
        while all(_alive(p) for p in before) and time.monotonic() < deadline:
            time.sleep(0.1)
        after = _workers(process.pid, 2)
        still_answering = _drive(url, [("ask", CHEAP["ask"])] * 6)
    finally:
        _stop(process)
    assert answer.status == 503, answer.body[:300]
    assert "KG_WORKER_MAX_RSS_MB" in json.loads(answer.body)["message"]
    assert took < 15, f"answered after {took:.1f} s: the timeout, not the memory limit"
    assert not all(_alive(p) for p in before), "no worker was replaced"
    assert len(after) == 2 and after != before
    assert [o.status for o in still_answering] == [200] * 6
