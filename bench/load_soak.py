"""Load and soak: cheap, expensive and runaway SPARQL queries against `kg serve --workers N`.

Usage (by hand; results go to docs/reliability/load.md):

    nice -n 10 .venv/bin/python bench/load_soak.py --store /tmp/kg-load/store \
        --corpus 1000 --minutes 6 --clients 4 --workers 2 --out /tmp/kg-load/result.json

If --store does not exist it is built first: `bench/corpus.py N` + `kg build`. The server runs
on 127.0.0.1 on a free port. Each query of the mix is timed once through the server before the
load and put in a class: cheap (under --cheap-ms), expensive (up to the timeout) or left out
(timed out). Steady clients send cheap and expensive queries back to back for the whole run;
runaway clients send queries that compute before their first row (an aggregate over a
cartesian product of the store, a property path over everything) only in every other phase of
--phase-s seconds, so cheap latency can be compared with and without runaways in one run. The
server's process tree is sampled every --sample-s seconds (RSS, CPU, worker pids). The server
is stopped by its pid at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RUNAWAYS = {
    "cartesian-count": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }",
    "path-everything": (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s (<{RDFS_LABEL}>|!<{RDFS_LABEL}>)* ?o }}"
    ),
    "cartesian-order": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?f LIMIT 1",
}


@dataclass(frozen=True, slots=True)
class Request:
    """One request of the run."""

    start: float
    latency: float
    cls: str
    name: str
    status: int  # 0: no HTTP response
    error: str
    runaway_phase: bool
    complete: bool


@dataclass(slots=True)
class Sample:
    """The server's process tree at one moment."""

    t: float
    rss_mib: float
    cpu_s: float
    workers: list[int] = field(default_factory=list)
    load1: float = 0.0


@dataclass(slots=True)
class Mix:
    """The queries of the run: templates by class, with the cheap lookups' arguments."""

    cheap: dict[str, str]
    expensive: dict[str, str]
    iris: list[str]
    labels: list[str]
    probe_ms: dict[str, float]
    left_out: list[str]


# --- store and server ------------------------------------------------------------------------


def ensure_store(store: Path, articles: int) -> str:
    """Build the store from a bench/corpus.py corpus unless it exists; say what was done."""
    if store.exists():
        return f"reused {store}"
    corpus = store.parent / f"corpus-{articles}.jsonl"
    python = sys.executable
    subprocess.run(
        [python, str(ROOT / "bench" / "corpus.py"), str(articles), str(corpus)], check=True
    )
    started = time.monotonic()
    subprocess.run([python, "-m", "kg", "build", str(corpus), "--store", str(store)], check=True)
    return f"built {store} from {articles} articles in {time.monotonic() - started:.0f} s"


def start_server(args: argparse.Namespace, log: Path) -> tuple[subprocess.Popen[str], str]:
    """`kg serve --workers N` on a free loopback port; its URL once /health answers."""
    command = [sys.executable, "-m", "kg", "serve", "--store", str(args.store)]
    command += ["--host", "127.0.0.1", "--port", "0", "--workers", str(args.workers)]
    command += ["--timeout", str(args.timeout), "--query-grace", str(args.grace)]
    with log.open("w") as err:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, text=True)
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.startswith("Serving on "):
        process.kill()
        raise SystemExit(f"kg serve did not start: {line!r} (see {log})")
    url = line.removeprefix("Serving on ").rstrip("/")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("kg serve did not answer /health in 60 s")


def stop_server(process: subprocess.Popen[str]) -> int:
    """SIGTERM to the server's pid (gunicorn stops its workers), SIGKILL after 60 s."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait(timeout=10)


# --- the query mix ---------------------------------------------------------------------------


def _select(url: str, query: str) -> list[dict[str, dict[str, str]]]:
    response = httpx.post(f"{url}/sparql", data={"query": query}, timeout=120)
    response.raise_for_status()
    bindings: list[dict[str, dict[str, str]]] = response.json()["results"]["bindings"]
    return bindings


def _probe(url: str, query: str) -> tuple[int, float]:
    started = time.monotonic()
    response = httpx.post(f"{url}/sparql", data={"query": query}, timeout=600)
    return response.status_code, (time.monotonic() - started) * 1000


def build_mix(url: str, cheap_ms: float, slow_s: float) -> Mix:
    """The cheap templates, and each stored query timed once and classed by its latency:
    cheap under cheap_ms, expensive under slow_s, left out above (it could time out)."""
    rows = _select(url, f"SELECT DISTINCT ?s ?l WHERE {{ ?s <{RDFS_LABEL}> ?l }} LIMIT 500")
    iris = [row["s"]["value"] for row in rows if row["s"]["type"] == "uri"]
    labels = [row["l"]["value"] for row in rows]
    cheap = {
        "lookup": "SELECT ?p ?o WHERE { <{iri}> ?p ?o } LIMIT 100",
        "ask": f'ASK {{ ?s <{RDFS_LABEL}> "{{label}}" }}',
        "limit": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10",
    }
    mix = Mix(cheap, {}, iris, labels, {}, [])
    for path in sorted((ROOT / "queries").glob("*.rq")):
        text = path.read_text("utf-8")
        if "SERVICE" in text.upper():
            continue
        status, ms = _probe(url, text)
        mix.probe_ms[path.stem] = round(ms, 1)
        if status != 200 or ms > slow_s * 1000:
            mix.left_out.append(f"{path.stem} ({status}, {ms:.0f} ms)")
        elif ms < cheap_ms:
            mix.cheap[path.stem] = text
        else:
            mix.expensive[path.stem] = text
    return mix


def _instance(mix: Mix, name: str, rng: random.Random) -> str:
    template = mix.cheap.get(name) or mix.expensive[name]
    if name == "lookup":
        return template.replace("{iri}", rng.choice(mix.iris))
    if name == "ask":
        label = rng.choice(mix.labels).replace("\\", "\\\\").replace('"', '\\"')
        return template.replace("{label}", label)
    return template


# --- clients ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Run:
    """Shared state of the clients: the clock, the phases and the records."""

    started: float
    until: float
    phase_s: float
    records: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def runaway_phase(self, at: float) -> bool:
        """Odd phases have runaway queries running."""
        return int((at - self.started) // self.phase_s) % 2 == 1

    def add(self, record: Request) -> None:
        with self.lock:
            self.records.append(record)


def _complete(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


def send(client: httpx.Client, run: Run, kind: tuple[str, str], query: str) -> None:
    """Send one query and record what came back."""
    started = time.monotonic()
    status, error, complete = 0, "", False
    try:
        response = client.post("/sparql", data={"query": query})
        status = response.status_code
        complete = status == 200 and _complete(response.content)
    except httpx.HTTPError as exc:
        error = type(exc).__name__
    latency = time.monotonic() - started
    phase = run.runaway_phase(started)
    run.add(Request(started - run.started, latency, *kind, status, error, phase, complete))


def steady_client(url: str, run: Run, mix: Mix, seed: int, expensive_share: float) -> None:
    """Cheap and expensive queries back to back until the end of the run."""
    rng = random.Random(seed)
    with httpx.Client(base_url=url, timeout=600) as client:
        while time.monotonic() < run.until:
            expensive = mix.expensive and rng.random() < expensive_share
            cls = "expensive" if expensive else "cheap"
            name = rng.choice(sorted(mix.expensive if expensive else mix.cheap))
            send(client, run, (cls, name), _instance(mix, name, rng))


def runaway_client(url: str, run: Run, seed: int) -> None:
    """Runaway queries back to back, in runaway phases only."""
    names = sorted(RUNAWAYS)
    turn = seed
    with httpx.Client(base_url=url, timeout=600) as client:
        while time.monotonic() < run.until:
            if not run.runaway_phase(time.monotonic()):
                time.sleep(0.2)
                continue
            name = names[turn % len(names)]
            turn += 1
            send(client, run, ("runaway", name), RUNAWAYS[name])


# --- sampling the server ---------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return sorted(found)


def _rss_and_cpu(pid: int, reaped: bool = False) -> tuple[float, float]:
    """RSS in MiB and CPU seconds of pid (with its reaped children's if reaped)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0
    rss = [line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")]
    rss_kib = int(rss[0]) if rss else 0  # an exiting process has no VmRSS line
    used = fields[11:15] if reaped else fields[11:13]  # utime stime [cutime cstime]
    return rss_kib / 1024, sum(int(n) for n in used) / os.sysconf("SC_CLK_TCK")


def sample(pid: int, started: float) -> Sample:
    """RSS of the server process and its live workers; CPU seconds of those and of the
    workers that have exited (gunicorn reaps them)."""
    workers = _children(pid)
    parts = [_rss_and_cpu(pid, reaped=True), *(_rss_and_cpu(p) for p in workers)]
    load1 = os.getloadavg()[0]
    return Sample(
        round(time.monotonic() - started, 1),
        round(sum(rss for rss, _ in parts), 1),
        round(sum(cpu for _, cpu in parts), 2),
        workers,
        load1,
    )


def sampler(pid: int, run: Run, every: float, samples: list[Sample]) -> None:
    """Sample the server tree every `every` seconds until the end of the run."""
    while time.monotonic() < run.until:
        samples.append(sample(pid, run.started))
        time.sleep(every)
    samples.append(sample(pid, run.started))


# --- report ----------------------------------------------------------------------------------


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _row(label: str, records: list[Request], seconds: float) -> str:
    latencies = [r.latency * 1000 for r in records]
    statuses = Counter(r.status if r.status else r.error for r in records)
    shown = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str))
    broken = sum(r.status == 200 and not r.complete for r in records)
    shown += f"; incomplete 200s: {broken}" if broken else ""
    return (
        f"| {label} | {len(records)} | {len(records) / seconds:.2f} | "
        f"{_pct(latencies, 0.5):.1f} | {_pct(latencies, 0.99):.1f} | {shown} |"
    )


def report(run: Run, samples: list[Sample], seconds: float) -> list[str]:
    """A markdown summary of the run."""
    records = run.records
    head = "| requests | n | req/s | p50 ms | p99 ms | statuses |"
    lines = [head, "| --- | --- | --- | --- | --- | --- |", _row("all", records, seconds)]
    for cls in ("cheap", "expensive", "runaway"):
        lines.append(_row(cls, [r for r in records if r.cls == cls], seconds))
    calm = [r for r in records if r.cls == "cheap" and not r.runaway_phase]
    busy = [r for r in records if r.cls == "cheap" and r.runaway_phase]
    lines += [
        _row("cheap, phases without runaways", calm, seconds / 2),
        _row("cheap, phases with runaways", busy, seconds / 2),
    ]
    names = sorted({(r.cls, r.name) for r in records})
    for cls, name in names:
        lines.append(_row(f"{cls}: {name}", [r for r in records if r.name == name], seconds))
    return [*lines, "", *memory_report(samples)]


def memory_report(samples: list[Sample]) -> list[str]:
    """RSS first / last / max, the first and last minute's medians, worker replacements."""
    rss = [s.rss_mib for s in samples]
    window = max(1, len(samples) // 6)
    workers = {pid for s in samples for pid in s.workers}
    loads = [s.load1 for s in samples]
    return [
        f"RSS of the server tree (MiB): first {rss[0]:.0f}, last {rss[-1]:.0f}, "
        f"max {max(rss):.0f}, min {min(rss):.0f}; median of the first sixth "
        f"{statistics.median(rss[:window]):.0f}, of the last sixth "
        f"{statistics.median(rss[-window:]):.0f} ({len(samples)} samples)",
        f"server CPU seconds over the run: {samples[-1].cpu_s - samples[0].cpu_s:.0f}",
        f"worker processes seen: {len(workers)}",
        f"load average (1 min) while running: min {min(loads):.1f}, "
        f"median {statistics.median(loads):.1f}, max {max(loads):.1f}",
    ]


# --- main ------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("/tmp/kg-load/store"))
    parser.add_argument("--corpus", type=int, default=1000, help="articles, if building")
    parser.add_argument("--minutes", type=float, default=6.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--runaway-clients", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=10.0, help="KG_QUERY_TIMEOUT_S")
    parser.add_argument("--grace", type=float, default=5.0, help="KG_QUERY_GRACE_S")
    parser.add_argument("--phase-s", type=float, default=30.0)
    parser.add_argument("--sample-s", type=float, default=3.0)
    parser.add_argument("--cheap-ms", type=float, default=100.0)
    parser.add_argument("--expensive-share", type=float, default=0.1)
    parser.add_argument("--out", type=Path, default=None, help="JSON with every record")
    return parser.parse_args()


def drive(args: argparse.Namespace, url: str, pid: int, mix: Mix) -> tuple[Run, list[Sample]]:
    """Run the clients and the sampler for --minutes; wait for the last answers."""
    now = time.monotonic()
    run = Run(now, now + args.minutes * 60, args.phase_s)
    samples: list[Sample] = []
    threads = [threading.Thread(target=sampler, args=(pid, run, args.sample_s, samples))]
    for n in range(args.clients):
        threads.append(
            threading.Thread(target=steady_client, args=(url, run, mix, n, args.expensive_share))
        )
    for n in range(args.runaway_clients):
        threads.append(threading.Thread(target=runaway_client, args=(url, run, 100 + n)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return run, samples


def main() -> None:
    args = parse_args()
    args.store.parent.mkdir(parents=True, exist_ok=True)
    print(ensure_store(args.store, args.corpus), flush=True)
    log = args.store.parent / "load_soak.server.log"
    process, url = start_server(args, log)
    try:
        mix = build_mix(url, args.cheap_ms, args.timeout / 4)
        print(f"probe ms: {mix.probe_ms}; left out: {mix.left_out}", flush=True)
        print(f"cheap: {sorted(mix.cheap)}; expensive: {sorted(mix.expensive)}", flush=True)
        run, samples = drive(args, url, process.pid, mix)
        seconds = time.monotonic() - run.started
    finally:
        code = stop_server(process)
    replaced = log.read_text().count("replacing worker")
    print(f"server exit status {code}; workers replaced (server log): {replaced}")
    print(f"ran {seconds:.0f} s, {args.clients} steady + {args.runaway_clients} runaway clients")
    print("\n".join(report(run, samples, seconds)))
    if args.out:
        dump = {
            "args": {k: str(v) for k, v in vars(args).items()},
            "probe_ms": mix.probe_ms,
            "left_out": mix.left_out,
            "records": [asdict(r) for r in run.records],
            "samples": [asdict(s) for s in samples],
        }
        args.out.write_text(json.dumps(dump))


if __name__ == "__main__":
    main()
