"""Crash safety: `kg build` and `kg serve` are killed with SIGKILL at seeded random and at chosen
points; after each kill the store opens, every article graph is its old or its new version
(never half of either, never lost), and running the build again completes it with exactly the
quads of a clean build, no duplicates.

v1 of the corpus in tests/data/crash/ is built first; each test then builds v2 (edited, added
and dropped articles) over a copy of that store. Kill points: while the process starts (imports,
model load), just after the first graphs were written (the ``built`` lines of ``-v``), at random
times, and, for the bulk path, when its k-th shard file appears. Large single writes (one
graph through GraphStore, or through `kg serve`) are killed at delays spread over their length.
Figures: run with ``-o log_cli=true --log-cli-level=INFO``; docs/reliability/crash-safety.md
has them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from spacy.language import Language

from kg import iri
from kg.build import build
from kg.config import Settings
from kg.ingest import read_paths
from kg.store import GraphStore
from tests.conftest import _start_server, _stop
from tests.versions import (
    V2,
    Graphs,
    expected_after,
    kg_env,
    ntriples,
    store_graphs,
    versions_of,
)

logger = logging.getLogger(__name__)

SEED = 20251127
TOKEN = "crash-token"


@dataclass(frozen=True, slots=True)
class Kill:
    """When to SIGKILL a build: `seconds` after it logged `lines` built articles, or after
    `count` files match the glob `files` (beside the store), or after it started (neither set).
    It may also finish first."""

    seconds: float = 0.0
    lines: int = 0
    files: str = ""
    count: int = 0

    def reached(self, log: Path, root: Path) -> bool:
        """Whether the event the delay counts from has happened."""
        if self.lines:
            return _built_lines(log) >= self.lines
        if self.files:
            return len(list(root.glob(self.files))) >= self.count
        return True


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a killed build had done: its exit status (None: killed) and the graphs it logged."""

    returncode: int | None
    built: int


def _built_lines(log: Path) -> int:
    return sum(1 for line in log.read_text().splitlines() if line.startswith("built "))


def _build_command(store: Path, *extra: str) -> list[str]:
    command = [sys.executable, "-m", "kg", "build", str(V2), "--store", str(store)]
    return [*command, "-v", "--no-progress", *extra]


def _run_and_kill(command: list[str], kill: Kill, log: Path, root: Path) -> Outcome:
    """Start a build in its own process group and SIGKILL the group (it and any workers) at
    the kill point."""
    env = kg_env(KG_BATCH_SIZE="1", KG_WRITE_TRIPLES="1")
    with log.open("w") as stderr:
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True
        )
    deadline, since = time.monotonic() + 240, None
    try:
        while process.poll() is None:
            assert time.monotonic() < deadline, "the build never reached its kill point"
            if since is None and kill.reached(log, root):
                since = time.monotonic()
            if since is not None and time.monotonic() - since >= kill.seconds:
                break
            time.sleep(0.005)
    finally:
        finished = process.poll() is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return Outcome(process.returncode if finished else None, _built_lines(log))


def _origins() -> dict[str, str]:
    """The graph IRI of each article of v2, by its origin (what `-v` logs)."""
    base = Settings().base_iri
    return {
        r.origin: iri.graph_iri(base, r.article.id)
        for r in read_paths([V2], Settings())
        if r.article
    }


def _input_graphs() -> set[str]:
    return set(_origins().values())


def _logged_graphs(log: Path) -> set[str]:
    """Graphs the build logged as written (``built ORIGIN: N triples``), so committed."""
    origins = _origins()
    lines = [x for x in log.read_text().splitlines() if x.startswith("built ")]
    return {origins[x.removeprefix("built ").rsplit(": ", 1)[0]] for x in lines}


def _rerun(store: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        _build_command(store, *extra),
        env=kg_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def _kill_chain(
    store: Path, kills: list[Kill], old: Graphs, new: Graphs, *extra: str
) -> list[dict[str, str]]:
    """Build v2 over store, killed at each point in turn; check each graph after every kill."""
    states = []
    for number, kill in enumerate(kills):
        log = store.with_name(f"{number}.log")
        outcome = _run_and_kill(_build_command(store, *extra), kill, log, store.parent)
        seen = versions_of(store_graphs(store), old, new)
        assert all(seen[g] == "new" for g in _logged_graphs(log)), "a committed graph was lost"
        states.append(seen)
        changed = sum(1 for g, v in seen.items() if v == "new" and old.get(g) != new[g])
        logger.info("kill %d (%s, %s): %s; %d graphs new", number, extra, kill, outcome, changed)
    return states


@pytest.fixture
def v1_copy(tmp_path: Path, versioned_stores: tuple[Path, Path]) -> Path:
    """A copy of the v1 store, to build v2 over."""
    target = tmp_path / "store"
    shutil.copytree(versioned_stores[0], target)
    return target


@pytest.fixture
def versions(versioned_stores: tuple[Path, Path]) -> tuple[Graphs, Graphs]:
    """The graphs of the v1 and v2 stores."""
    return store_graphs(versioned_stores[0]), store_graphs(versioned_stores[1])


def test_killed_build_leaves_old_or_new_graphs_and_rerun_completes(
    v1_copy: Path, versions: tuple[Graphs, Graphs]
) -> None:
    old, new = versions
    rng = random.Random(SEED)
    kills = [
        Kill(seconds=rng.uniform(0.3, 2.5)),  # imports, reading the input, loading the model
        Kill(lines=1),  # right after the first graph was written
        Kill(seconds=rng.uniform(3.0, 9.0)),  # the model loading or the writes, as load has it
        Kill(lines=rng.randint(1, 3), seconds=rng.uniform(0.0, 0.2)),  # extracting, writing
        Kill(lines=rng.randint(1, 3), seconds=rng.uniform(0.0, 0.2)),
    ]
    states = _kill_chain(v1_copy, kills, old, new)
    result = _rerun(v1_copy)
    assert store_graphs(v1_copy) == expected_after(old, new, _input_graphs())
    done = sum(1 for g, v in states[-1].items() if v == "new" and g in new)
    built, unchanged = _counts(result.stdout)
    logger.info("rerun: %d built, %d unchanged", built, unchanged)
    assert built + unchanged == len(new) and unchanged >= done


def _counts(stdout: str) -> tuple[int, int]:
    """Articles built and unchanged, from `kg build`'s summary line."""
    line = next(x for x in stdout.splitlines() if x.startswith("Built "))
    built = int(line.split()[1])
    unchanged = int(line.split("; ")[1].split()[0])
    return built, unchanged


def test_killed_multiprocess_build_leaves_old_or_new_graphs(
    v1_copy: Path, versions: tuple[Graphs, Graphs]
) -> None:
    old, new = versions
    rng = random.Random(SEED + 1)
    kills = [Kill(seconds=rng.uniform(1.0, 6.0)), Kill(lines=2, seconds=rng.uniform(0.0, 0.2))]
    _kill_chain(v1_copy, kills, old, new, "--processes", "2")
    _rerun(v1_copy, "--processes", "2")
    assert store_graphs(v1_copy) == expected_after(old, new, _input_graphs())


def test_killed_bulk_build_is_repaired_by_the_next_build(
    v1_copy: Path, versions: tuple[Graphs, Graphs]
) -> None:
    """The bulk loader is not transactional. A bulk build lists each graph in its marker file
    before it drops it (then loads them all): after a kill, any graph that is neither old nor
    new is missing, or listed in the marker. The next build (bulk or not) drops the listed
    graphs and finishes with the exact v2 graphs."""
    old, new = versions
    marker = v1_copy.with_name(v1_copy.name + ".bulk-loading")
    shards = f"{v1_copy.name}.shards/shard-*.nq"  # one per article built (KG_BATCH_SIZE=1)
    changed = [g for g in new if old.get(g) != new[g]]
    rng = random.Random(SEED + 2)
    kills = [
        Kill(files=shards, count=rng.randint(3, 10)),  # extracting and dropping graphs
        Kill(files=shards, count=len(changed), seconds=rng.uniform(0.0, 0.3)),  # loading
        Kill(seconds=rng.uniform(2.0, 8.0)),
    ]
    for number, kill in enumerate(kills):
        log = v1_copy.with_name(f"bulk{number}.log")
        outcome = _run_and_kill(_build_command(v1_copy, "--bulk"), kill, log, v1_copy.parent)
        graphs = store_graphs(v1_copy)
        listed = set(marker.read_text().splitlines()[1:]) if marker.exists() else set()
        damaged = {
            g for g in set(graphs) | set(old) if graphs.get(g) not in (old.get(g), new.get(g))
        }
        assert damaged <= listed | (set(old) - set(graphs))
        partial = len(damaged & set(graphs))
        figures = (len(listed), len(damaged), partial)
        logger.info(
            "bulk kill %d (%s): %s; listed, damaged, partial: %s", number, kill, outcome, figures
        )
    _rerun(v1_copy, "--bulk")
    assert not marker.exists()
    assert store_graphs(v1_copy) == expected_after(old, new, _input_graphs())


def test_build_after_cut_short_bulk_build_drops_the_graphs_it_listed(
    v1_copy: Path, versions: tuple[Graphs, Graphs], nlp: Language
) -> None:
    """Only the graphs a cut-short bulk build listed are dropped (and rebuilt if in the input);
    the content hashes of the others are trusted, so unchanged articles are skipped."""
    old, new = versions
    unchanged = sorted(g for g in old if old[g] == new.get(g))
    dropped = sorted(set(old) - set(new))
    marker = v1_copy.with_name(v1_copy.name + ".bulk-loading")
    marker.write_text(f"# kg bulk build: graphs being replaced\n{unchanged[0]}\n{dropped[0]}\n")
    report = build([V2], Settings(store=v1_copy), nlp=nlp)
    expected = expected_after(old, new, _input_graphs())
    del expected[dropped[0]]
    assert store_graphs(v1_copy) == expected
    assert len(report.built) == len(new) - len(unchanged) + 1
    assert not marker.exists()


_WRITE = """
import sys
from pathlib import Path
from kg.store import GraphStore
store = GraphStore(Path(sys.argv[1]))
text = Path(sys.argv[3]).read_text()
print("writing", flush=True)
store.replace_graph_text(sys.argv[2], text)
print("written", flush=True)
"""


def _spread(rng: random.Random, count: int, span: float) -> list[float]:
    """count seeded random delays in [0, span), one in each of count equal slices (so they
    cover the span), in shuffled order."""
    delays = [(n + rng.random()) * span / count for n in range(count)]
    rng.shuffle(delays)
    return delays


def _large_graph(graph: str, tag: str, count: int) -> frozenset[str]:
    """count triples about graph, tagged so two versions differ in every triple."""
    comment = "<http://www.w3.org/2000/01/rdf-schema#comment>"
    return frozenset(
        f'<{graph}#t{n}> {comment} "triple {n} of version {tag}, long enough to weigh" .'
        for n in range(count)
    )


def _one_graph(store: Path, graph: str) -> frozenset[str]:
    return store_graphs(store).get(graph, frozenset())


def _run_child(command: list[str], kill_after: float | None) -> float:
    """Run a writer child that prints "writing", then "written" when done; SIGKILL it
    kill_after seconds after "writing" (None: let it finish). Returns the seconds it ran."""
    process = subprocess.Popen(command, env=kg_env(), stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    try:
        assert process.stdout.readline().strip() == "writing"
        started = time.monotonic()
        if kill_after is None:
            assert process.stdout.readline().strip() == "written"
            return time.monotonic() - started
        time.sleep(kill_after)
        return kill_after
    finally:
        process.kill()
        process.wait()
        process.stdout.close()


def _write_in_child(store: Path, graph: str, body: Path, kill_after: float | None) -> float:
    """Replace graph with body's triples in a child process; SIGKILL it kill_after seconds into
    the write (None: let it finish). Returns the seconds the write ran."""
    return _run_child([sys.executable, "-c", _WRITE, str(store), graph, str(body)], kill_after)


def test_store_write_killed_midway_keeps_old_or_new_graph(tmp_path: Path) -> None:
    """GraphStore.replace_graph_text (what `kg build` writes each graph with) SIGKILLed while
    Oxigraph applies a large update: the graph is all of one version. The kill delays spread
    over 1.5 times the length of an uninterrupted write, timed first."""
    store, graph, body = tmp_path / "store", "https://example.org/graph/large", tmp_path / "b.nt"
    states = {t: _large_graph(graph, t, 6_000) for t in ("A", "B")}
    for version in ("A", "B"):  # the second one, a large graph replacing another, is timed
        body.write_text(ntriples(states[version]))
        length = _write_in_child(store, graph, body, None)
        assert _one_graph(store, graph) == states[version]
    outcomes = []
    for delay in _spread(random.Random(SEED + 3), 4, 1.5 * length):
        current = next(t for t, triples in states.items() if triples == _one_graph(store, graph))
        target = "B" if current == "A" else "A"
        body.write_text(ntriples(states[target]))
        _write_in_child(store, graph, body, delay)
        after = _one_graph(store, graph)
        assert after in (states["A"], states["B"])
        outcomes.append("after" if after == states[target] else "before")
    logger.info("store write of %.2f s, kills: %s", length, outcomes)


def test_new_graph_write_killed_midway_leaves_no_graph_or_all_of_it(tmp_path: Path) -> None:
    """A graph the store does not hold yet is loaded as N-Triples (not a SPARQL update): a
    SIGKILL during that load leaves no trace of it or the whole of it, never a part."""
    store, body = tmp_path / "store", tmp_path / "b.nt"
    timed = "https://example.org/graph/timed"
    body.write_text(ntriples(_large_graph(timed, "A", 6_000)))
    length = _write_in_child(store, timed, body, None)
    outcomes = []
    for n, delay in enumerate(_spread(random.Random(SEED + 4), 4, 1.5 * length)):
        graph = f"https://example.org/graph/new{n}"
        full = _large_graph(graph, "A", 6_000)
        body.write_text(ntriples(full))
        _write_in_child(store, graph, body, delay)
        after = _one_graph(store, graph)
        assert after in (frozenset(), full)
        outcomes.append("after" if after else "before")
    assert _one_graph(store, timed) == _large_graph(timed, "A", 6_000)
    logger.info("new graph load of %.2f s, kills: %s", length, outcomes)


_ADD = """
import sys
from pathlib import Path
from kg.store import GraphStore
store = GraphStore(Path(sys.argv[1]))
comment = "<http://www.w3.org/2000/01/rdf-schema#comment>"
print("writing", flush=True)
for batch in range(int(sys.argv[2])):
    graphs = []
    for n in range(32):
        graph = f"https://example.org/graph/b{batch}-{n}"
        text = "".join(f'<{graph}#t{k}> {comment} "triple {k} of {graph}" .\\n' for k in range(300))
        graphs.append((graph, text))
    store.add_graphs(graphs)
print("written", flush=True)
"""


def _add_in_child(store: Path, batches: int, kill_after: float | None) -> float:
    """Add batches of 32 new 300-triple graphs with GraphStore.add_graphs in a child process;
    SIGKILL it kill_after seconds in (None: let it finish). Returns the seconds it ran."""
    return _run_child([sys.executable, "-c", _ADD, str(store), str(batches)], kill_after)


def test_batch_of_new_graphs_killed_midway_is_all_there_or_absent(tmp_path: Path) -> None:
    """GraphStore.add_graphs (what `kg build` writes a batch's new graphs with: Oxigraph's bulk
    loader, one call per batch) SIGKILLed at delays spread over 1.5 times an uninterrupted run:
    after each kill every graph holds all its triples or none, whole batches at a time, and the
    index by predicate agrees with the index by graph (one ingestion for every index)."""
    store = tmp_path / "store"
    length = _add_in_child(store, 12, None)
    shutil.rmtree(store)
    comment = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
    outcomes = []
    for delay in _spread(random.Random(SEED + 5), 4, 1.5 * length):
        _add_in_child(store, 12, delay)
        reopened = ox.Store(str(store))
        by_graph: dict[str, int] = {}
        for quad in reopened.quads_for_pattern(None, None, None, None):
            by_graph[str(quad.graph_name)] = by_graph.get(str(quad.graph_name), 0) + 1
        assert set(by_graph.values()) <= {300}
        batches = {g.split("/b")[1].split("-")[0] for g in by_graph}
        assert len(by_graph) == 32 * len(batches)
        assert sum(1 for _ in reopened.quads_for_pattern(None, comment, None, None)) == sum(
            by_graph.values()
        )
        del reopened
        outcomes.append(len(batches))
        shutil.rmtree(store)
    logger.info("batch adds of %.2f s, batches whole after each kill: %s", length, outcomes)


def _send(
    url: str, method: str, graph: str, triples: frozenset[str], statuses: list[int] | None = None
) -> None:
    """PUT the graph (Graph Store Protocol) or replace it with a SPARQL update, appending the
    response's status to statuses; the server may die on the way (no status then)."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = ntriples(triples)
    try:
        if method == "gsp":
            headers = auth | {"Content-Type": "application/n-triples"}
            response = httpx.put(
                f"{url}/store", params={"graph": graph}, content=body, headers=headers, timeout=60
            )
        else:
            update = (
                f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}"
            )
            headers = auth | {"Content-Type": "application/sparql-update"}
            response = httpx.post(f"{url}/sparql", content=update, headers=headers, timeout=60)
    except httpx.TransportError:
        return
    if statuses is not None:
        statuses.append(response.status_code)


def _timed_sends(url: str, graph: str, states: dict[str, frozenset[str]]) -> dict[str, float]:
    """Seconds a large graph replacing another takes, by Graph Store PUT and by SPARQL update
    (the graph ends as version B)."""
    _send(url, "gsp", graph, states["B"])
    lengths = {}
    for method, version in (("gsp", "A"), ("update", "B")):
        started = time.monotonic()
        _send(url, method, graph, states[version])
        lengths[method] = time.monotonic() - started
    return lengths


# a 6,000-triple graph is over the default body and update-text limits
LARGE_WRITES = ("--max-body-bytes", "8000000", "--max-query-chars", "8000000")


@pytest.mark.server
def test_server_killed_during_update_keeps_old_or_new_graph(
    v1_copy: Path, versions: tuple[Graphs, Graphs]
) -> None:
    """`kg serve` SIGKILLed while it replaces an article graph by a large (~0.5 MB) one, by
    Graph Store PUT or SPARQL update in turn: the store reopens and the graph is all one
    version; an update answered before the kill is kept; sending again then works. The kill
    delays spread over 1.5 times the length of an uninterrupted update, timed first."""
    old, _ = versions
    graph = sorted(old)[0]
    states = {t: _large_graph(graph, t, 6_000) for t in ("A", "B")}
    process, url = _start_server(v1_copy, "--update-token", TOKEN, *LARGE_WRITES)
    try:
        lengths = _timed_sends(url, graph, states)
    finally:
        _stop(process)
    rng = random.Random(SEED + 4)
    delays = {m: _spread(rng, 2, 1.5 * length) for m, length in lengths.items()}
    kills = [(m, delays[m][n]) for n in range(2) for m in ("gsp", "update")]
    outcomes = []
    for method, delay in kills:
        current = next(t for t, triples in states.items() if triples == _one_graph(v1_copy, graph))
        target = "B" if current == "A" else "A"
        process, url = _start_server(v1_copy, "--update-token", TOKEN, *LARGE_WRITES)
        statuses: list[int] = []
        args = (url, method, graph, states[target], statuses)
        sender = threading.Thread(target=_send, args=args)
        sender.start()
        time.sleep(delay)
        process.kill()
        process.wait()
        sender.join()
        _stop(process)
        after = _one_graph(v1_copy, graph)
        assert after in (states["A"], states["B"])
        if statuses:  # answered before the kill: committed, so kept
            assert statuses[0] in (201, 204) and after == states[target]
        outcomes.append(f"{method}: {'after' if after == states[target] else 'before'}")
        assert store_graphs(v1_copy).keys() == old.keys()
    logger.info("server updates of %s s, kills: %s", lengths, outcomes)
    process, url = _start_server(v1_copy, "--update-token", TOKEN, *LARGE_WRITES)
    statuses = []
    try:
        _send(url, "gsp", graph, old[graph], statuses)
    finally:
        _stop(process)
    assert statuses == [204]
    assert store_graphs(v1_copy) == old


_BULK = """
import sys
from pathlib import Path
from kg.store import GraphStore
store = GraphStore(Path(sys.argv[1]))
print("writing", flush=True)
store.bulk_load([Path(sys.argv[2])])
print("written", flush=True)
"""


def test_sst_files_of_a_killed_bulk_load_go_at_the_next_writable_open(tmp_path: Path) -> None:
    """Oxigraph's bulk loader writes bulk-<random>.sst files into the store before RocksDB
    ingests them; SIGKILLed while one exists, the file stays. A read-only open leaves it (a
    writer may be loading); the next writable open, which holds the store's lock, removes it,
    and the store is usable."""
    store, shard = tmp_path / "store", tmp_path / "shard.nq"
    with shard.open("w") as out:
        for i in range(1_500_000):
            out.write(f'<http://e.org/s{i}> <http://e.org/p> "{i}" <http://e.org/g{i % 50}> .\n')
    command = [sys.executable, "-c", _BULK, str(store), str(shard)]
    process = subprocess.Popen(command, env=kg_env(), stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    try:
        assert process.stdout.readline().strip() == "writing"
        deadline = time.monotonic() + 120
        while not list(store.glob("bulk-*.sst")) and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        process.kill()
        process.wait()
        process.stdout.close()
    strays = list(store.glob("bulk-*.sst"))
    assert strays, "no bulk-*.sst file seen before the kill: has Oxigraph renamed them?"
    with GraphStore(store, read_only=True):
        assert all(stray.exists() for stray in strays)
    with GraphStore(store) as reopened:
        assert not list(store.glob("bulk-*.sst"))
        reopened.replace_graph_text(
            "http://e.org/after", '<http://e.org/a> <http://e.org/b> "c" .\n'
        )
        assert reopened.has_graph("http://e.org/after")
