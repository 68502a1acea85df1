"""The reward server: OpenRLHF's remote reward HTTP form, in front of the composed reward.

``POST /get_reward`` (or ``/``) with ``{"query": [...], "prompts": [...], "labels": [...]}``
answers ``{"rewards": [...], "scores": [...], "extra_logs": {...}}``, the form OpenRLHF's
``--reward.remote_url http://HOST:PORT/get_reward`` posts (see
:mod:`rewards.integrations.openrlhf` for what each field holds). ``GET /health`` answers
``{"status": "ok", ...}`` with the batcher's counts. A bad request gets a 4xx with
``{"error": ...}`` and the server goes on; concurrent requests are scored in micro-batches
(:class:`~shaping.serve.batcher.MicroBatcher`). Standard library only (``http.server``).
"""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable

from rewards.integrations.openrlhf import MISSING_QUESTION, read_queries, score_samples
from rewards.truthfulness import TruthfulnessReward
from shaping.serve.batcher import Busy, MicroBatcher

logger = logging.getLogger(__name__)

REWARDS = ("truthfulness",)
POST_PATHS = ("/", "/get_reward")


def served_reward(name: str = "truthfulness", *, correct: float = 1.0, abstain: float = 0.0, wrong: float = -1.0,
                  rm: str | Path | None = None, band: float = 0.5) -> Callable:
    """The reward a server runs: the rules, composed dominance-safely with the RM at ``rm`` (if any,
    loaded and run once here, so a broken folder fails at start and the first request is not slow).

    >>> served_reward(wrong=-3.0).implied_threshold
    0.75
    """
    if name not in REWARDS:
        raise ValueError(f"reward={name!r} is not one of {REWARDS}.")
    rules = TruthfulnessReward(correct=correct, abstain=abstain, wrong=wrong)
    if rm is None:
        return rules
    from rewards.compose.dominance_safe import DominanceSafe
    from shaping.rm.score import RewardModelReward

    model = RewardModelReward(str(rm))
    model.score_batch(["What is the capital of France?"], ["Paris."])  # load and warm it now, not at the first request
    return DominanceSafe(rules, model, band=band)


class BadRequest(ValueError):
    """A request the server refuses, with the HTTP status to refuse it with."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


def read_request(body: bytes) -> list[dict]:
    """The samples of one POST body; :class:`BadRequest` (400 or 422) names what is wrong.

    >>> read_request(b'{"query": ["Q? Paris."], "prompts": ["Q?"], "labels": [{"answers": ["Paris"]}]}')[0]["response"]
    'Paris.'
    """
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise BadRequest(HTTPStatus.BAD_REQUEST, f"The body is not JSON ({err}).") from None
    if not isinstance(payload, dict):
        raise BadRequest(HTTPStatus.BAD_REQUEST, f"The body is a JSON {type(payload).__name__}; send an object "
                         '{"query": [...], "prompts": [...], "labels": [...]}.')
    missing = [key for key in ("query", "prompts", "labels") if key not in payload]
    if missing:
        raise BadRequest(HTTPStatus.UNPROCESSABLE_ENTITY, f"The body has no {missing} (keys: {sorted(payload)}); "
                         'send {"query": [...], "prompts": [...], "labels": [...]}, one entry per sample.')
    try:
        return read_queries(payload["query"], payload["prompts"], payload["labels"])
    except (TypeError, ValueError, KeyError) as err:
        message = err.args[0] if isinstance(err, KeyError) and err.args else str(err)
        raise BadRequest(HTTPStatus.UNPROCESSABLE_ENTITY, message) from None


def merge_results(results: list[dict]) -> dict:
    """Per-sample results back into one response: lists of rewards, scores and each log."""
    return {"rewards": [r["reward"] for r in results], "scores": [r["score"] for r in results],
            "extra_logs": {key: [r["logs"][key] for r in results] for key in (results[0]["logs"] if results else {})}}


class RewardHandler(BaseHTTPRequestHandler):
    """One connection's requests (HTTP/1.1 keep-alive); the server holds the batcher."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: without this a client's delayed ACK adds ~40 ms
    server: "RewardServer"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        logger.debug("%s %s", self.address_string(), format % args)

    def send_json(self, status: HTTPStatus, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def refuse(self, status: HTTPStatus, message: str) -> None:
        logger.info("%s %s -> %d: %s", self.command, self.path, status, message)
        self.send_json(status, {"error": message, "status": int(status)})

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path.split("?")[0] != "/health":
            return self.refuse(HTTPStatus.NOT_FOUND, f"No GET {self.path}; try GET /health or POST /get_reward.")
        self.send_json(HTTPStatus.OK, self.server.health())

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        if self.path.split("?")[0] not in POST_PATHS:
            self.close_connection = True  # the body is left unread
            return self.refuse(HTTPStatus.NOT_FOUND, f"No POST {self.path}; post to /get_reward.")
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.close_connection = True
            return self.refuse(HTTPStatus.LENGTH_REQUIRED, "Send a Content-Length header with the JSON body.")
        if int(length) > self.server.max_body_bytes:
            self.close_connection = True
            return self.refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"The body has {length} bytes; the limit is "
                               f"{self.server.max_body_bytes}. Split the batch into smaller requests.")
        try:
            with self.server.batcher.arriving():
                samples = read_request(self.rfile.read(int(length)))
            results = self.server.score(samples)
        except BadRequest as err:
            return self.refuse(err.status, str(err))
        except Busy as err:
            return self.refuse(HTTPStatus.SERVICE_UNAVAILABLE, str(err))
        except FutureTimeout:
            return self.refuse(HTTPStatus.GATEWAY_TIMEOUT, f"Scoring took over {self.server.timeout_s} s.")
        except Exception as err:  # noqa: BLE001 - the reward failed: a 500 that says why, and the server goes on
            return self.refuse(HTTPStatus.INTERNAL_SERVER_ERROR, f"The reward failed: {type(err).__name__}: {err}")
        self.send_json(HTTPStatus.OK, merge_results(results))


class RewardServer(ThreadingHTTPServer):
    """An HTTP reward server for ``reward`` on ``host:port`` (port 0: any free port).

    >>> server = RewardServer(served_reward(), port=0).start()   # doctest: +SKIP
    >>> server.url                                                # doctest: +SKIP
    'http://127.0.0.1:40213'
    >>> server.close()                                            # doctest: +SKIP
    """

    daemon_threads = True

    def __init__(self, reward: Callable, *, host: str = "127.0.0.1", port: int = 8000, max_batch: int = 64,
                 max_wait_ms: float = 5.0, max_pending: int = 1024, timeout_s: float = 120.0,
                 max_body_bytes: int = 16 << 20) -> None:
        self.batcher = MicroBatcher(self.score_batch, max_batch=max_batch, max_wait_ms=max_wait_ms,
                                    max_pending=max_pending)  # checks its settings before the port is taken
        super().__init__((host, port), RewardHandler)
        self.reward, self.timeout_s, self.max_body_bytes = reward, timeout_s, max_body_bytes
        self.warned_missing_question = False
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def score_batch(self, samples: list[dict]) -> list[dict]:
        """Score a micro-batch (on the batcher's thread); one result dict per sample."""
        if not self.warned_missing_question and any(s["question"] is None for s in samples):
            self.warned_missing_question = True
            logger.warning(MISSING_QUESTION)
        out = score_samples(self.reward, samples)
        return [{"reward": r, "score": s, "logs": {k: v[i] for k, v in out["extra_logs"].items()}}
                for i, (r, s) in enumerate(zip(out["rewards"], out["scores"]))]

    def score(self, samples: list[dict]) -> list[dict]:
        return self.batcher.submit(samples).result(timeout=self.timeout_s) if samples else []

    def health(self) -> dict:
        return {"status": "ok", "reward": getattr(self.reward, "__name__", type(self.reward).__name__),
                **self.batcher.stats.as_dict(), "waiting": self.batcher.pending.qsize()}

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        if not self.batcher.worker.is_alive():
            self.batcher.start()
        super().serve_forever(poll_interval)

    def start(self) -> "RewardServer":
        """Serve on a background thread (for tests and benchmarks); :meth:`close` stops it."""
        self.thread = threading.Thread(target=self.serve_forever, name="reward-server", daemon=True)
        self.thread.start()
        return self

    def close(self) -> None:
        """Stop serving, stop the batcher and close the socket."""
        if self.thread is not None:
            self.shutdown()
            self.thread.join()
        self.batcher.close()
        self.server_close()
