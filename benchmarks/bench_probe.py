"""Probe gate benchmark: how well the base model's hidden states know its answer is right, beside its log-prob.

On a finished ``shaping demo`` folder: the base model's greedy answers to the held-out
questions (base-eval) are scored by the mean answer log-probability and by two probe gates,
one fitted on the demo's own labelled training questions (base-eval's train + val answers)
and one on a larger pool of training-split questions of the same relations (no held-out
entity among them; their greedy answers are generated once into ``probe-bench/pool.jsonl``,
resumable). Each probe picks its layer and C by grouped cross-validation on its training
answers only. Prints and writes ``probe-bench/results.md``: AUROC (right vs wrong) and the
hallucination cut at 10% / 20% abstention on known questions, with bootstrap intervals over
the held-out questions, and each gate applied at the demo reward's threshold and at the threshold
that declines ``--budget`` (10%) of the right training answers by their out-of-fold P(correct).

    python benchmarks/bench_probe.py --out demo-output                 # pool of 1000 training questions
    python benchmarks/bench_probe.py --out demo-output --no-generate   # only the pool answers already there
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
from pathlib import Path

logger = logging.getLogger("bench_probe")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("demo-output"), help="A finished `shaping demo` folder.")
    parser.add_argument("--pool-size", type=int, default=1000, help="Training-split questions in the pool.")
    parser.add_argument("--no-generate", action="store_true", help="Use only pool answers already generated.")
    parser.add_argument("--bootstrap", type=int, default=1000, help="Bootstrap resamples (default 1000).")
    parser.add_argument("--budget", type=float, default=0.10,
                        help="Also gate at the threshold that declines this share of the right training answers, "
                             "by their out-of-fold P(correct) (default 0.10).")
    return parser.parse_args(argv)


def pool_answers(out: Path, config: dict, size: int, *, generate: bool, model, tokenizer):
    """Greedy base answers to up to ``size`` training-split questions of the demo's relations."""
    from benchmarks.artifacts import read_jsonl
    from benchmarks.data.build import load_benchmark
    from benchmarks.evaluate import evaluate_policy, read_results
    from benchmarks.training.rows import interleave

    dd = load_benchmark(out / "data" / "benchmark")
    train = [r for r in dd["train"].to_list()
             if r["relation"] in config["relations"] and r["query_type"] == "knowledge-seeking"]
    pool = interleave(train, random.Random(config.get("seed", 0)))[:size]
    known = read_jsonl(out / "base-eval" / "train.jsonl")
    todo = [r for r in pool if r["id"] not in set(known["id"])]
    path = out / "probe-bench" / "pool.jsonl"
    if generate:
        evaluate_policy(model, tokenizer, todo, k=0, out_path=path, max_new_tokens=32)
    done = [r for r in read_results(path) if r["id"] in {q["id"] for q in todo}]
    logger.info("pool: %d of %d training questions answered", len(known) + len(done), len(known) + len(todo))
    return [*known.to_dict("records"), *done], {r["id"]: r["prompt"] for r in pool}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    import pandas as pd

    from benchmarks.artifacts import atomic_write_text, read_jsonl
    from benchmarks.probe import fit_on_results, gated_results, signal_markdown, signal_table, with_prompts
    from benchmarks.training.rows import load_rows
    from benchmarks.training.summary import summary_markdown, summary_table
    from rewards import TruthfulnessReward
    from shaping.models import load_policy
    from shaping.probe import answer_states
    from shaping.probe.fit import budget_threshold

    out = args.out
    config = json.loads((out / "config.json").read_text())
    model, tokenizer = load_policy(config.get("model", "smollm2"))
    rows = load_rows(out)
    pool, prompts = pool_answers(out, config, args.pool_size, generate=not args.no_generate, model=model,
                                 tokenizer=tokenizer)
    prompts.update({str(r["id"]): r["prompt"] for split in rows.values() for r in split})
    base = read_jsonl(out / "base-eval" / "eval.jsonl")
    layers = list(range(1, model.config.num_hidden_layers + 1))

    def states(results):  # every layer once; each gate reads its own
        recs = with_prompts(results, prompts)
        return answer_states(model, tokenizer, [r["prompt"] for r in recs], [str(r["response"]) for r in recs],
                             layers=layers, progress=True)

    pool_states, eval_states = states(pool), states(base)
    n_demo = len(read_jsonl(out / "base-eval" / "train.jsonl"))
    reward = TruthfulnessReward(config["correct"], config["abstain"], config["wrong"])
    scored, named, signals = base.copy(), {"base": base}, {"mean answer log-prob": "logprob"}
    for name, count in ((f"probe, {n_demo} demo training questions", n_demo),
                        (f"probe, {len(pool)} training-pool questions", len(pool))):
        gate, report = fit_on_results(model, tokenizer, pool[:count], prompts=prompts, threshold=reward,
                                      layers=layers, states=pool_states[:count], seed=config.get("seed", 0))
        column = f"p{count}"
        scored[column] = gate.p_correct_from_states(eval_states[:, layers.index(gate.layer)])
        signals[f"{name} (layer {gate.layer}, CV AUROC {gate.info['cv_auroc']:.2f})"] = column
        with_p = scored.assign(probe_p=scored[column])
        named[f"gate: {name} (t={gate.threshold:.2f})"] = gated_results(with_p, gate.threshold)
        # the threshold that declines args.budget of the right training answers (out of fold)
        right = [o == "correct" for o in report.outcomes if o != "abstain"]
        budget = budget_threshold(report.oof_p_correct, right, args.budget)
        named[f"gate: {name}, {args.budget:.0%} budget (t={budget:.2f})"] = gated_results(with_p, budget)
    table = signal_table(scored, signals, n_resamples=args.bootstrap, random_state=config.get("seed", 0))
    text = "\n".join(["# Probe gate benchmark", "",
                      f"{int(table['n'].iloc[0])} answerable held-out questions; 90% bootstrap intervals.", "",
                      signal_markdown(table), "", summary_markdown(summary_table(named, base)), ""])
    atomic_write_text(out / "probe-bench" / "results.md", text)
    pd.DataFrame(table).to_csv(out / "probe-bench" / "signals.csv")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
