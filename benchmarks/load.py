"""A closed-loop load test: ``concurrency`` workers call a function back to back for a fixed time.

Each worker calls ``make_call()``'s function in a loop until ``seconds`` have passed and
records every call's latency; the result is requests per second and latency percentiles.
Used by ``benchmarks/bench_reward_server.py`` for the reward server over HTTP and for the
same reward called in-process, side by side.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

import numpy as np


def run_load(make_call: Callable[[int], Callable[[int], object]], *, concurrency: int, seconds: float,
             max_requests: int = 1_000_000) -> dict[str, float]:
    """Run ``concurrency`` workers for ``seconds`` (or ``max_requests`` calls in all) and summarise.

    Args:
        make_call: ``make_call(worker)`` returns that worker's function (e.g. with its own
            HTTP connection); the function is called with a running request number.
        concurrency: workers calling at once.
        seconds: how long the workers keep calling (a call under way is finished).
        max_requests: a bound on calls in all, whatever the time.

    Returns: ``{"requests", "seconds", "requests_per_s", "p50_ms", "p99_ms", "errors"}``; a call
    that raises counts as an error (its latency is left out) and the first error is re-raised
    after the run when every call failed.

    >>> out = run_load(lambda worker: (lambda i: i * 2), concurrency=2, seconds=0.05)
    >>> out["requests"] > 0 and out["p50_ms"] <= out["p99_ms"] and out["errors"] == 0
    True
    """
    if concurrency < 1 or not seconds > 0:
        raise ValueError(f"concurrency={concurrency} must be >= 1 and seconds={seconds} > 0.")
    calls = [make_call(w) for w in range(concurrency)]
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors: list[BaseException] = []
    counter, lock = iter(range(max_requests)), threading.Lock()
    start = time.perf_counter()
    deadline = start + seconds

    def worker(w: int) -> None:
        while time.perf_counter() < deadline:
            with lock:
                number = next(counter, None)
            if number is None:
                return
            t0 = time.perf_counter()
            try:
                calls[w](number)
            except Exception as err:  # noqa: BLE001 - counted and reported, never hidden
                with lock:
                    errors.append(err)
                continue
            latencies[w].append(time.perf_counter() - t0)

    threads = [threading.Thread(target=worker, args=(w,), daemon=True) for w in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    done = np.array([x for per in latencies for x in per]) * 1000.0
    if errors and not len(done):
        raise errors[0]
    return {"requests": int(len(done)), "seconds": elapsed, "requests_per_s": len(done) / elapsed,
            "p50_ms": float(np.percentile(done, 50)) if len(done) else float("nan"),
            "p99_ms": float(np.percentile(done, 99)) if len(done) else float("nan"), "errors": len(errors)}
