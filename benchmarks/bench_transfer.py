"""Transfer benchmark: do the trained policies answer and decline well on relations they never trained on?

``shaping demo`` trains on its configured relations; users ask about others. This scores
every policy in a demo folder (the base, the warm start, the shaped PPO policy and any
``bench_training`` run whose model was saved) on the benchmark's held-out questions of the
*other* knowledge-seeking relations: the element for a number or symbol, discoverers,
discovery and statehood years, fictitious cities, currencies and elements, false premises.
Greedy decoding, the same rates as SUMMARY.md (over answerable questions; declines of the
questions with no true answer in their own column), with paired-bootstrap intervals. The
library part is :mod:`benchmarks.training.transfer`.

    python benchmarks/bench_transfer.py --out demo-output
    python benchmarks/bench_transfer.py --out demo-output --per-relation 10 \\
        --relations number_element element_discoverer

Writes ``transfer/results.md``, ``transfer/summary.csv``, ``transfer/outcomes.png`` and one
``transfer/<policy>.jsonl`` per policy (resumable: an interrupted run picks up where it stopped).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

logger = logging.getLogger("bench_transfer")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="demo-output",
                        help="A `shaping demo --out` folder (its data, config, models).")
    parser.add_argument("--relations", nargs="+", default=None,
                        help="Relations to score (default: every knowledge-seeking one the demo did not train on).")
    parser.add_argument("--per-relation", type=int, default=30, help="Held-out questions per relation (default 30).")
    parser.add_argument("--policies", nargs="+", default=None,
                        help="Table names of the policies to score (default: all found; see the log).")
    parser.add_argument("--batch-size", type=int, default=128, help="Decoding batch (sequences).")
    parser.add_argument("--no-resume", action="store_true",
                        help="Re-evaluate every policy (needed after a policy in --out was trained again).")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from benchmarks.data.build import load_benchmark
    from benchmarks.training.transfer import (
        demo_policies,
        evaluate_policies,
        pick_policies,
        read_demo_folder,
        stored_answer_tokens,
        transfer_rows,
        write_transfer,
    )

    out = Path(args.out)
    config, data_path = read_demo_folder(out)
    rows = transfer_rows(load_benchmark(data_path), config["relations"], relations=args.relations,
                         per_relation=args.per_relation, seed=config.get("seed", 0))
    policies = pick_policies(demo_policies(out, config.get("model", "smollm2"), policy=config.get("policy", "direct")),
                             args.policies)
    logger.info("%d questions on %s; policies: %s", len(rows), sorted({r["relation"] for r in rows}), list(policies))
    named = evaluate_policies(policies, rows, out / "transfer", batch_size=args.batch_size, resume=not args.no_resume,
                              max_new_tokens=stored_answer_tokens(config))
    print(write_transfer(named, rows, out / "transfer", trained=config["relations"], per_relation=args.per_relation))
    return 0


if __name__ == "__main__":
    sys.exit(main())
