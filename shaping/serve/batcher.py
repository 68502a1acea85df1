"""Micro-batching: requests that arrive within a few milliseconds are scored as one batch.

Handler threads :meth:`MicroBatcher.submit` their samples and wait on a future; one worker
thread takes the first waiting request, then every request already waiting, and waits up
to ``max_wait_ms`` more only while other requests are still being read (announced with
:meth:`MicroBatcher.arriving`), so a lone request is scored at once; it stops at
``max_batch`` samples, scores them with one call and hands each request its slice. One
thread calls the scorer, so a reward with state (running moments, an RM on one device) is
never called from two threads at once. The queue is bounded: past
``max_pending`` waiting requests :meth:`submit` raises :class:`Busy` at once.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

logger = logging.getLogger(__name__)

#: Scores a list of samples; returns one result per sample, in order.
Scorer = Callable[[list[Any]], list[Any]]


class Busy(RuntimeError):
    """The batcher's queue is full: the caller should retry later."""


@dataclass
class BatchStats:
    """What the batcher has done so far (read by the health endpoint)."""

    requests: int = 0
    samples: int = 0
    batches: int = 0
    largest_batch: int = 0
    failed_requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def as_dict(self) -> dict[str, int]:
        with self.lock:
            return {"requests": self.requests, "samples": self.samples, "batches": self.batches,
                    "largest_batch": self.largest_batch, "failed_requests": self.failed_requests}


class MicroBatcher:
    """Group concurrent requests into batches for one scorer, on one worker thread.

    Args:
        score: the scorer, called with the samples of every request in a batch.
        max_batch: most samples in one batch (a larger request is scored alone, whole).
        max_wait_ms: how long the first request of a batch waits for others.
        max_pending: most requests waiting; beyond it :meth:`submit` raises :class:`Busy`.

    >>> batcher = MicroBatcher(lambda xs: [x * 2 for x in xs]).start()
    >>> batcher.submit([1, 2]).result(), batcher.submit([3]).result()
    ([2, 4], [6])
    >>> batcher.close()
    """

    def __init__(self, score: Scorer, *, max_batch: int = 64, max_wait_ms: float = 5.0, max_pending: int = 1024):
        if max_batch < 1 or max_pending < 1 or not max_wait_ms >= 0:
            raise ValueError(f"max_batch={max_batch} and max_pending={max_pending} must be >= 1 and "
                             f"max_wait_ms={max_wait_ms} >= 0.")
        self.score, self.max_batch, self.max_wait = score, max_batch, max_wait_ms / 1000.0
        self.pending: queue.Queue = queue.Queue(maxsize=max_pending)
        self.stats = BatchStats()
        self.closed = threading.Event()
        self.reading, self.reading_lock = 0, threading.Lock()
        self.worker = threading.Thread(target=self._run, name="reward-batcher", daemon=True)

    def start(self) -> "MicroBatcher":
        self.worker.start()
        return self

    def close(self, timeout: float = 5.0) -> None:
        """Stop the worker after the batch it is scoring; waiting requests fail."""
        self.closed.set()
        if self.worker.is_alive():
            self.worker.join(timeout)
        while True:
            try:
                _, future = self.pending.get_nowait()
            except queue.Empty:
                return
            future.set_exception(Busy("The reward server is shutting down."))

    @contextmanager
    def arriving(self) -> Iterator[None]:
        """Announce a request being read: a batch that is being gathered waits for it (up to max_wait)."""
        with self.reading_lock:
            self.reading += 1
        try:
            yield
        finally:
            with self.reading_lock:
                self.reading -= 1

    def submit(self, samples: Sequence[Any]) -> Future:
        """Queue one request's samples; the future gets their results (or the scorer's error)."""
        if self.closed.is_set():
            raise Busy("The reward server is shutting down.")
        future: Future = Future()
        try:
            self.pending.put_nowait((list(samples), future))
        except queue.Full:
            raise Busy(f"{self.pending.maxsize} requests are already waiting; retry shortly.") from None
        return future

    def _gather(self) -> list[tuple[list, Future]]:
        """The next batch: the first waiting request, those waiting behind it, and those that
        arrive within max_wait while others are still being read."""
        try:
            first = self.pending.get(timeout=0.1)
        except queue.Empty:
            return []
        batch, size = [first], len(first[0])
        deadline = time.monotonic() + self.max_wait
        while size < self.max_batch:
            try:
                item = self.pending.get_nowait()
            except queue.Empty:
                if not self.reading or time.monotonic() >= deadline:
                    break
                time.sleep(0.0005)  # someone is still being read: look again shortly
                continue
            if size + len(item[0]) > self.max_batch:
                self._score([item])  # too big to join: scored on its own, the batch stays as it was
                continue
            batch.append(item)
            size += len(item[0])
        return batch

    def _run(self) -> None:
        while not self.closed.is_set():
            batch = self._gather()
            if batch:
                self._score(batch)

    def _score(self, batch: list[tuple[list, Future]]) -> None:
        samples = [s for request, _ in batch for s in request]
        try:
            results = self.score(samples)
            if len(results) != len(samples):
                raise RuntimeError(f"The scorer returned {len(results)} results for {len(samples)} samples.")
        except Exception as err:  # noqa: BLE001 - handed to the requests, never swallowed
            if len(batch) > 1:  # find the request that fails; the others still get their scores
                for request in batch:
                    self._score([request])
                return
            logger.error("Scoring a request of %d samples failed: %s: %s", len(samples), type(err).__name__, err)
            with self.stats.lock:
                self.stats.failed_requests += 1
            batch[0][1].set_exception(err)
            return
        with self.stats.lock:
            self.stats.requests += len(batch)
            self.stats.samples += len(samples)
            self.stats.batches += 1
            self.stats.largest_batch = max(self.stats.largest_batch, len(samples))
        start = 0
        for request, future in batch:
            future.set_result(results[start:start + len(request)])
            start += len(request)
