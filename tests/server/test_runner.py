"""QueryRunner: the timeout, and the call that replaces a worker whose timed-out query goes on."""

from __future__ import annotations

import os
import threading
import time

import pytest
from werkzeug.exceptions import ServiceUnavailable

from kg.errors import QueryTimeout
from kg.server.runner import QueryRunner


def _wait(event: threading.Event) -> bool:
    return event.wait(timeout=60)


def test_a_timed_out_query_still_computing_after_the_grace_calls_on_stuck() -> None:
    release, stuck = threading.Event(), threading.Event()
    runner = QueryRunner(timeout_s=0.05, max_running=2, grace_s=0.05)
    runner.recycle_with(stuck.set)

    def computes_before_its_first_row(cancelled: threading.Event) -> str:
        release.wait(timeout=60)  # ignores `cancelled`, as pyoxigraph's query() does
        return "late"

    with pytest.raises(QueryTimeout):
        runner.run(computes_before_its_first_row)
    called = _wait(stuck)
    release.set()
    runner.close()
    assert called


def test_a_query_that_stops_when_cancelled_frees_its_slot() -> None:
    runner = QueryRunner(timeout_s=0.05, max_running=1, grace_s=60)
    stopped = threading.Event()

    def stops_between_rows(cancelled: threading.Event) -> str:
        while not cancelled.wait(0.01):
            pass
        stopped.set()
        return "cut"

    with pytest.raises(QueryTimeout):
        runner.run(stops_between_rows)
    assert _wait(stopped)
    deadline = time.monotonic() + 60
    answer = None
    while answer is None and time.monotonic() < deadline:  # the slot frees when the thread ends
        try:
            answer = runner.run(lambda cancelled: "next")
        except ServiceUnavailable:
            time.sleep(0.01)
    runner.close()
    assert answer == "next"


def test_an_abandoned_runner_answers_waiting_and_later_queries_at_once() -> None:
    """What a worker over its memory limit does: the request waiting on a query that computes
    before its first row gets a 503 within a poll, long before the timeout; so do later ones."""
    runner = QueryRunner(timeout_s=60, max_running=2, grace_s=60)
    release, started = threading.Event(), threading.Event()
    outcome: list[BaseException] = []

    def computes_before_its_first_row(cancelled: threading.Event) -> str:
        started.set()
        release.wait(timeout=60)
        return "late"

    def request() -> None:
        try:
            runner.run(computes_before_its_first_row)
        except BaseException as exc:  # noqa: BLE001 - what the request got
            outcome.append(exc)

    waiting = threading.Thread(target=request)
    waiting.start()
    assert _wait(started)
    abandoned_at = time.monotonic()
    runner.abandon("over the memory limit")
    waiting.join(timeout=30)
    answered_after = time.monotonic() - abandoned_at
    with pytest.raises(ServiceUnavailable, match="over the memory limit"):
        runner.run(lambda cancelled: "never run")
    release.set()
    runner.close()
    assert not waiting.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], ServiceUnavailable)
    assert "over the memory limit" in str(outcome[0].description)
    assert answered_after < 5, answered_after


def test_memory_limit_from_the_setting() -> None:
    from kg.config import Settings
    from kg.server.memory_guard import memory_limit, resident_bytes

    assert memory_limit(Settings(worker_max_rss_mb=-1)) is None
    assert memory_limit(Settings(worker_max_rss_mb=700)) == 700 * 2**20
    machine = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    assert memory_limit(Settings(worker_max_rss_mb=0, workers=4)) == max(512 * 2**20, machine // 8)
    resident = resident_bytes()
    assert resident is not None and 10 * 2**20 < resident < machine
