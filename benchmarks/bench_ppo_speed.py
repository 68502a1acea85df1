"""Seconds per step and peak memory: our PPOTrainer vs TRL's GRPOTrainer, side by side.

Both train the same model on the same knowledge questions with the same reward, prompts
per step, completions per prompt, completion length, temperature and KL weight; each runs
in its own subprocess so peak memory (RSS on CPU, allocated CUDA memory on GPU) is its own.
The first step of each run is a warm-up and is left out. The runs alternate (GRPO, PPO,
GRPO, PPO, ... for ``--repeats``) and the median step time is reported, so load from other
processes on a shared machine hits both trainers alike. Target: PPO <= 1.25x GRPO.

PPO runs at its defaults unless told: 1 epoch x 1 mini-batch, where the rollout's forward pass
is the training forward pass and the clipped objective never acts (a policy-gradient step with
a learned value baseline). ``--ppo-epochs 4 --mini-batches 2`` times PPO with clipping at work.

    python benchmarks/bench_ppo_speed.py --steps 3 --repeats 2
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

logger = logging.getLogger(__name__)
TRAINERS = ("grpo", "ppo")


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", default="smollm2", help="Policy (alias or path; default: %(default)s).")
    p.add_argument("--steps", type=int, default=3, help="Training steps per run, the first is warm-up (default: 3).")
    p.add_argument("--repeats", type=int, default=2, help="Alternating runs per trainer (default: 2).")
    p.add_argument("--prompts", type=int, default=2, help="Prompts per step (default: 2).")
    p.add_argument("--generations", type=int, default=8, help="Completions per prompt (default: 8).")
    p.add_argument("--max-completion-length", type=int, default=32, help="Tokens per completion (default: 32).")
    p.add_argument("--natural-length", action="store_true",
                   help="Let completions stop at EOS (default: force every completion to full length, so "
                        "both trainers process the same number of tokens).")
    p.add_argument("--kl-coef", type=float, default=0.04, help="KL weight (beta) (default: 0.04).")
    p.add_argument("--ppo-epochs", type=int, default=1, help="PPO num_ppo_epochs (default: 1).")
    p.add_argument("--mini-batches", type=int, default=1, help="PPO num_mini_batches (default: 1).")
    p.add_argument("--child", choices=TRAINERS, help=argparse.SUPPRESS)
    p.add_argument("--result", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def questions(n: int):
    """The first ``n`` country-capital questions of the benchmark (chat prompts, gold answers)."""
    from datasets import Dataset

    from benchmarks.data.build import build_benchmark

    train = build_benchmark(seed=0)["train"]
    rows = [r for r in train if r["relation"] == "country_capital"][:n]
    return Dataset.from_list([{"prompt": r["prompt"], "answers": r["answers"]} for r in rows])


def run_child(args: argparse.Namespace) -> dict:
    """Train one trainer for ``args.steps`` steps and return its timings and peak memory."""
    import torch
    from transformers import TrainerCallback

    from rewards import TruthfulnessReward
    from shaping.ppo.modeling import load_model

    class Clock(TrainerCallback):
        def __init__(self):
            self.marks = []

        def on_train_begin(self, *a, **k):
            self.marks.append(time.perf_counter())

        def on_step_end(self, *a, **k):
            self.marks.append(time.perf_counter())

    model, tokenizer = load_model(args.model)  # the same plain fp32 model for both trainers
    data = questions(args.steps * args.prompts)
    gen = {} if args.natural_length else {"min_new_tokens": args.max_completion_length}
    clock, out = Clock(), tempfile.mkdtemp(prefix=f"bench-{args.child}-")
    common = dict(output_dir=out, max_steps=args.steps, learning_rate=1e-6, temperature=1.0, seed=0,
                  num_generations=args.generations, max_completion_length=args.max_completion_length,
                  logging_steps=1, report_to="none")
    if torch.cuda.is_available():
        model.to("cuda")
        torch.cuda.reset_peak_memory_stats()
    if args.child == "ppo":
        from shaping.ppo import PPOConfig, PPOTrainer

        config = PPOConfig(**common, per_device_train_batch_size=args.prompts, beta=args.kl_coef,
                           generation_kwargs=gen, save_final=False, num_ppo_epochs=args.ppo_epochs,
                           num_mini_batches=args.mini_batches)
        trainer = PPOTrainer(model, TruthfulnessReward(), config, train_dataset=data, processing_class=tokenizer,
                             callbacks=[clock])
    else:
        from trl import GRPOConfig, GRPOTrainer

        config = GRPOConfig(**common, per_device_train_batch_size=args.prompts * args.generations,
                            beta=args.kl_coef, generation_kwargs=gen, save_strategy="no", bf16=False,
                            gradient_checkpointing=False, disable_tqdm=True)
        trainer = GRPOTrainer(model=model, reward_funcs=TruthfulnessReward(), args=config, train_dataset=data,
                              processing_class=tokenizer, callbacks=[clock])
    trainer.train()
    steps = [b - a for a, b in zip(clock.marks, clock.marks[1:])]
    lengths = [h.get("completions/mean_length") for h in trainer.state.log_history
               if h.get("completions/mean_length") is not None]
    if torch.cuda.is_available():
        peak_mb = torch.cuda.max_memory_allocated() / 2**20
    else:
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"trainer": args.child, "steps": steps, "peak_mb": peak_mb,
            "mean_completion_length": sum(lengths) / max(len(lengths), 1),
            "device": "cuda" if torch.cuda.is_available() else "cpu"}


def summarize(runs: list[dict]) -> dict:
    """Median step time over every run's steps after its warm-up; the largest peak memory."""
    timed = sorted(t for r in runs for t in (r["steps"][1:] or r["steps"]))
    return {"s_per_step": statistics.median(timed), "timed_steps": [round(t, 1) for t in timed],
            "peak_mb": max(r["peak_mb"] for r in runs), "device": runs[0]["device"],
            "mean_completion_length": statistics.mean(r["mean_completion_length"] for r in runs)}


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.child:
        Path(args.result).write_text(json.dumps(run_child(args)))
        return 0
    runs: dict[str, list[dict]] = {t: [] for t in TRAINERS}
    for repeat in range(args.repeats):
        for trainer in TRAINERS:
            with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
                result = f.name
            cmd = [sys.executable, __file__, *(argv if argv is not None else sys.argv[1:]), "--child", trainer,
                   "--result", result]
            logger.info("Running %s (repeat %d of %d)", trainer, repeat + 1, args.repeats)
            subprocess.run(cmd, check=True)
            runs[trainer].append(json.loads(Path(result).read_text()))
    results = {t: summarize(r) for t, r in runs.items()}
    ppo, grpo = results["ppo"], results["grpo"]
    print(f"\nmodel={args.model} device={ppo['device']} prompts/step={args.prompts} "
          f"completions/prompt={args.generations} max_completion_length={args.max_completion_length} "
          f"{'natural' if args.natural_length else 'fixed'} lengths, kl={args.kl_coef}, "
          f"{args.repeats} alternating runs x {args.steps} steps (first = warm-up); PPO {args.ppo_epochs} epoch(s) x "
          f"{args.mini_batches} mini-batch(es)" + (" (no clipping: the ratio is 1)"
                                                   if args.ppo_epochs == args.mini_batches == 1 else ""))
    print(f"{'trainer':<22}{'s/step':>10}{'peak MB':>12}{'mean len':>10}  timed steps (s)")
    for name, r in (("PPOTrainer (ours)", ppo), ("GRPOTrainer (TRL)", grpo)):
        print(f"{name:<22}{r['s_per_step']:>10.2f}{r['peak_mb']:>12.0f}{r['mean_completion_length']:>10.1f}  "
              f"{r['timed_steps']}")
    ratio = ppo["s_per_step"] / grpo["s_per_step"]
    print(f"PPO / GRPO median time per step: {ratio:.2f}x (target <= 1.25x); "
          f"peak memory: {ppo['peak_mb'] / grpo['peak_mb']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
