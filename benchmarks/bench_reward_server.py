"""Requests/s and p50/p99 latency: ``shaping serve-reward`` over loopback HTTP vs the same reward in-process.

Each request is what OpenRLHF's ``SingleTurnAgentExecutor`` sends: one sample (a SmolLM2
chat-templated prompt and a real SmolLM2 answer from ``examples/data/smollm2_responses.jsonl``,
special tokens included, and a JSON label). At each concurrency, that many client threads
send requests back to back for ``--seconds`` to a server started as its own process on
127.0.0.1 (keep-alive connections), and then call the same reward in this process through
the OpenRLHF adapter (``OpenRLHFReward``), as ``--reward.remote_url path.py`` would. Loopback
only; every run stops by itself.

    python benchmarks/bench_reward_server.py                           # the rules alone, 10 s a setting
    python benchmarks/bench_reward_server.py --rm runs/rm-minilm       # rules + the preference RM
"""

from __future__ import annotations

import argparse
import http.client
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from benchmarks.artifacts import atomic_write_text
from benchmarks.load import run_load
from benchmarks.tables import markdown_table

ROOT = Path(__file__).resolve().parents[1]
RESPONSES = ROOT / "examples" / "data" / "smollm2_responses.jsonl"
SYSTEM = "Answer the question in one short sentence. If you do not know the answer, say \"I don't know\"."


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16], help="Client threads (default 1 4 16).")
    p.add_argument("--seconds", type=float, default=10.0, help="Seconds per setting and side (default 10).")
    p.add_argument("--samples-per-request", type=int, default=1,
                   help="Samples in one request (default 1, as OpenRLHF sends them).")
    p.add_argument("--rm", help="A preference RM folder: serve the rules composed with it (default: the rules alone).")
    p.add_argument("--max-wait-ms", type=float, help="The server's --max-wait-ms (default: the server's default).")
    p.add_argument("--threads", type=int, default=1,
                   help="torch threads for the RM, here and in the server (default 1).")
    p.add_argument("--wrong", type=float, default=-1.0, help="Reward for a wrong answer (default -1).")
    p.add_argument("--out", help="Also write the figures as JSON here.")
    return p.parse_args(argv)


def openrlhf_samples() -> list[tuple[str, str, str]]:
    """(query, prompt, label) per recorded SmolLM2 answer, in SmolLM2's ChatML template."""
    samples = []
    for line in RESPONSES.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        prompt = (f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n{row['question']}<|im_end|>\n"
                  "<|im_start|>assistant\n")
        label = json.dumps({"answers": row["answers"], "question": row["question"]})
        samples.append((prompt + row["response"] + "<|im_end|>", prompt, label))
    return samples


def start_server(args: argparse.Namespace, log: Path) -> tuple[subprocess.Popen, str]:
    """``shaping serve-reward`` on a free loopback port; returns the process and its URL."""
    command = [sys.executable, "-m", "cli", "serve-reward", "--host", "127.0.0.1", "--port", "0",
               "--wrong", str(args.wrong)] + (["--rm", args.rm] if args.rm else [])
    command += ["--max-wait-ms", str(args.max_wait_ms)] if args.max_wait_ms is not None else []
    command += ["--threads", str(args.threads)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=log.open("w"), text=True)
    line = process.stdout.readline()
    if " on http://127.0.0.1:" not in line:
        process.kill()
        raise SystemExit(f"The server did not start ({line!r}); see {log}:\n{log.read_text()[-2000:]}")
    return process, line.split(" on ")[1].split()[0]


def get_json(url: str, path: str, body: dict | None = None, conn: http.client.HTTPConnection | None = None) -> dict:
    parts = urlsplit(url)
    conn = conn or http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    if body is None:
        conn.request("GET", path)
    else:
        conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    reply = conn.getresponse()
    data = json.loads(reply.read())
    if reply.status != 200:
        raise RuntimeError(f"{path} answered {reply.status}: {data}")
    return data


def requests(samples, per_request: int):
    """The i-th request's (queries, prompts, labels), cycling through the samples."""
    def request(i: int):
        rows = [samples[(i * per_request + k) % len(samples)] for k in range(per_request)]
        return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
    return request


def measure(args: argparse.Namespace) -> list[dict]:
    from rewards.integrations.openrlhf import OpenRLHFReward
    from shaping.serve import served_reward

    if args.rm:
        import torch

        torch.set_num_threads(args.threads)  # as the server does
    request = requests(openrlhf_samples(), args.samples_per_request)
    local = OpenRLHFReward(served_reward(wrong=args.wrong, rm=args.rm))
    log = Path(tempfile.mkdtemp(prefix="bench-reward-server-")) / "server.log"
    process, url = start_server(args, log)
    rows = []
    try:
        def http_call(worker):
            parts = urlsplit(url)
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)  # keep-alive, one per client
            return lambda i: get_json(url, "/get_reward", dict(zip(("query", "prompts", "labels"), request(i))), conn)

        get_json(url, "/get_reward", dict(zip(("query", "prompts", "labels"), request(0))))  # warm-up
        local(*request(0))
        for c in args.concurrency:
            inproc = run_load(lambda worker: lambda i: local(*request(i)), concurrency=c, seconds=args.seconds)
            before = get_json(url, "/health")
            served = run_load(http_call, concurrency=c, seconds=args.seconds)
            after = get_json(url, "/health")
            batch = (after["samples"] - before["samples"]) / max(1, after["batches"] - before["batches"])
            rows.append({"concurrency": c, "in-process req/s": inproc["requests_per_s"],
                         "in-process p50 ms": inproc["p50_ms"], "in-process p99 ms": inproc["p99_ms"],
                         "server req/s": served["requests_per_s"], "server p50 ms": served["p50_ms"],
                         "server p99 ms": served["p99_ms"], "mean batch": batch,
                         "req/s ratio": served["requests_per_s"] / inproc["requests_per_s"],
                         "p50 ratio": served["p50_ms"] / inproc["p50_ms"],
                         "errors": inproc["errors"] + served["errors"]})
            print(f"concurrency {c}: in-process {inproc['requests_per_s']:.0f} req/s, "
                  f"server {served['requests_per_s']:.0f} req/s (mean batch {batch:.1f})", flush=True)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return rows


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    rows = measure(args)
    what = f"rules + RM {args.rm}" if args.rm else "rules alone"
    print(f"\nReward server vs in-process ({what}; {args.samples_per_request} sample(s) a request, "
          f"{args.seconds:g} s a setting; ratio = server / in-process):\n")
    print(markdown_table(pd.DataFrame(rows), digits=2))
    print(f"\n({time.perf_counter() - started:.0f} s in all)")
    if args.out:
        atomic_write_text(args.out, json.dumps({"settings": vars(args), "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
