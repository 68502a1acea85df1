"""``shaping serve-reward``: the composed reward over HTTP, in OpenRLHF's remote reward form.

    shaping serve-reward --reward truthfulness --port 8000                  # the rules alone
    shaping serve-reward --wrong -3 --rm runs/rm-minilm --port 8000         # rules + the preference RM
    curl -s localhost:8000/health

OpenRLHF: ``--reward.remote_url http://127.0.0.1:8000/get_reward`` (``--remote_rm_url`` before 0.10.2).
"""

from __future__ import annotations

import argparse
import logging

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reward", default="truthfulness", choices=["truthfulness"],
                        help="The rule reward to serve (default truthfulness: correct / abstain / wrong).")
    parser.add_argument("--correct", type=float, default=1.0, help="Reward for a correct answer (default 1).")
    parser.add_argument("--abstain", type=float, default=0.0, help="Reward for declining (default 0).")
    parser.add_argument("--wrong", type=float, default=-1.0, help="Reward for a wrong answer (default -1).")
    parser.add_argument("--rm", metavar="PATH", help="A preference RM folder (from `shaping train-rm`), composed "
                        "dominance-safely with the rules: it reorders answers only within an outcome.")
    parser.add_argument("--band", type=float, default=0.5, help="Width of the RM's band around each outcome value, "
                        "as a fraction of the smallest gap (default 0.5; with --rm).")
    parser.add_argument("--threads", type=int, default=1, help="torch threads for the RM on CPU (default 1: "
                        "batching gives the parallelism, and idle threads spinning on a busy CPU slow every call).")
    parser.add_argument("--host", default="127.0.0.1",
                        help="Address to bind (default 127.0.0.1: this machine only; 0.0.0.0 opens it to the network).")
    parser.add_argument("--port", type=int, default=8000, help="Port (default 8000; 0 picks a free one).")
    parser.add_argument("--max-batch", type=int, default=64, help="Most samples scored in one batch (default 64).")
    parser.add_argument("--max-wait-ms", type=float, default=5.0,
                        help="How long a request waits for others to share its batch (default 5 ms).")
    parser.add_argument("--max-pending", type=int, default=1024,
                        help="Most requests waiting; more get 503 at once (default 1024).")


def run(args: argparse.Namespace) -> int:
    from shaping.serve import RewardServer, served_reward

    if args.rm and args.threads >= 1:
        import torch

        torch.set_num_threads(args.threads)
    try:
        reward = served_reward(args.reward, correct=args.correct, abstain=args.abstain, wrong=args.wrong,
                               rm=args.rm, band=args.band)
    except (ValueError, OSError) as err:  # bad values, a missing or unreadable RM folder
        raise SystemExit(f"shaping serve-reward: {err}") from None
    try:
        server = RewardServer(reward, host=args.host, port=args.port, max_batch=args.max_batch,
                              max_wait_ms=args.max_wait_ms, max_pending=args.max_pending)
    except ValueError as err:
        raise SystemExit(f"shaping serve-reward: {err}") from None
    except OSError as err:
        raise SystemExit(f"shaping serve-reward: cannot listen on {args.host}:{args.port} ({err}); "
                         "pick another --port, or 0 for any free one.") from None
    # The bench and scripts read this line for the port (with --port 0).
    print(f"serving {reward.__name__} on {server.url} (POST /get_reward, GET /health)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        logger.info("stopping")
    finally:
        server.close()
    return 0
