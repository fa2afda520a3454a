"""QueryRunner: the timeout, and the call that replaces a worker whose timed-out query goes on."""

from __future__ import annotations

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
