"""Shared fixtures: settings on a temporary store, the real spaCy pipeline, the demo graph,
the Flask app and client, a CLI runner, and a live `kg serve` process on a free port."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import hypothesis
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from spacy.language import Language

from kg.build import build
from kg.config import Settings
from kg.nlp import load_pipeline
from kg.server import create_app
from kg.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "mattis-resignation.txt"
TEST_DATA = Path(__file__).resolve().parent / "data"

# Hypothesis (the fuzz tests): example counts are set per test; no deadline (the pipeline and
# the store are slow on a shared machine). Under CI=true the examples are derandomized and no
# example database is kept, so every CI run tries the same inputs.
hypothesis.settings.register_profile("dev", deadline=None)
hypothesis.settings.register_profile("ci", derandomize=True, database=None, deadline=None)
hypothesis.settings.load_profile("ci" if os.environ.get("CI") else "dev")  # noqa: TID251


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No KG_* variable of the developer's shell leaks into a test."""
    import os

    for name in list(os.environ):  # noqa: TID251 - isolating the environment is the point
        if name.startswith("KG_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The real pipeline (model plus kg's components), loaded once."""
    return load_pipeline(Settings())


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose store lives in this test's temporary directory."""
    return Settings(store=tmp_path / "store")


@pytest.fixture(scope="session")
def demo_store_path(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Path:
    """A store built once from data/ (the demo article, linked offline, as `make demo` does);
    tests must only read it."""
    path = tmp_path_factory.mktemp("demo") / "store"
    report = build([ROOT / "data"], Settings(store=path), nlp=nlp, link=True)
    assert report.ok, report.failed
    return path


@pytest.fixture
def demo_store(demo_store_path: Path) -> Iterator[GraphStore]:
    """The demo store, opened for this test."""
    with GraphStore(demo_store_path) as store:
        yield store


@pytest.fixture
def app(demo_store_path: Path) -> Iterator[Flask]:
    """The Flask app over the demo store."""
    app = create_app(Settings(store=demo_store_path))
    app.config["TESTING"] = True
    yield app
    app.extensions["kg"].store.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Flask's test client for the app."""
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    """click's CLI runner."""
    return CliRunner()


def _start_server(store: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "kg", "serve", "--store", str(store)]
    command += ["--host", "127.0.0.1", "--port", "0", *extra]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.startswith("Serving on "):
        process.kill()
        raise RuntimeError(f"kg serve did not start: {line!r}; run the command by hand to see why")
    url = line.removeprefix("Serving on ").rstrip("/")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("kg serve did not answer /health in 30 s")


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    for pipe in (process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Iterator[str]:
    """`python -m kg serve --port 0` over its own copy of the demo store; yields the base URL."""
    path = tmp_path_factory.mktemp("live") / "store"
    assert build([ROOT / "data"], Settings(store=path), nlp=nlp, link=True).ok
    process, url = _start_server(path)
    yield url
    _stop(process)


WIKIDATA_FIXTURE = TEST_DATA / "wikidata" / "items.ttl"


@pytest.fixture(scope="session")
def wikidata_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """kg's own endpoint over a small Wikidata-shaped graph; yields the SPARQL endpoint URL."""
    import pyoxigraph as ox

    path = tmp_path_factory.mktemp("wikidata") / "store"
    with GraphStore(path) as store:
        graph = ox.NamedNode("http://www.wikidata.org/")
        store.native.load(path=str(WIKIDATA_FIXTURE), format=ox.RdfFormat.TURTLE, to_graph=graph)
    process, url = _start_server(path)
    yield f"{url}/sparql"
    _stop(process)


VERSIONS = TEST_DATA / "crash"


@pytest.fixture(scope="session")
def versioned_stores(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> tuple[Path, Path]:
    """Stores of tests/data/crash/v1.jsonl (built by a `kg build` process) and of v2.jsonl (the
    next version of that corpus: edited, added and dropped articles; built in this process).
    Tests must only read them, or copy them first."""
    import os

    root = tmp_path_factory.mktemp("versions")
    command = [sys.executable, "-m", "kg", "build", str(VERSIONS / "v1.jsonl")]
    command += ["--store", str(root / "v1"), "--no-progress"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # noqa: TID251 - the child finds this kg
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, check=False, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert build([VERSIONS / "v2.jsonl"], Settings(store=root / "v2"), nlp=nlp).ok
    return root / "v1", root / "v2"
