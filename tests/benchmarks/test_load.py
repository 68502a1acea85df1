"""The closed-loop load test behind benchmarks/bench_reward_server.py."""

from __future__ import annotations

import doctest
import threading

import pytest

from benchmarks import load
from benchmarks.load import run_load


def test_docstring_examples():
    assert doctest.testmod(load).failed == 0


def test_every_worker_gets_its_own_function_and_the_request_numbers_are_unique():
    seen, lock = [], threading.Lock()

    def make_call(worker):
        def call(i):
            with lock:
                seen.append((worker, i))
        return call

    out = run_load(make_call, concurrency=3, seconds=5.0, max_requests=30)
    assert out["requests"] == 30 and out["errors"] == 0  # the count bound ends the run before the time
    assert sorted(i for _, i in seen) == list(range(30)) and {w for w, _ in seen} <= {0, 1, 2}
    assert out["p50_ms"] <= out["p99_ms"] and out["requests_per_s"] > 0


def test_errors_are_counted_and_a_run_that_only_fails_raises():
    out = run_load(lambda w: (lambda i: 1 / (i % 2)), concurrency=1, seconds=5.0, max_requests=10)
    assert (out["requests"], out["errors"]) == (5, 5)
    with pytest.raises(ZeroDivisionError):
        run_load(lambda w: (lambda i: 1 / 0), concurrency=2, seconds=5.0, max_requests=4)
    with pytest.raises(ValueError, match="concurrency=0"):
        run_load(lambda w: print, concurrency=0, seconds=1.0)
