"""``shaping ppo``: train a policy with PPO on the knowledge benchmark and the truthfulness reward.

    shaping build-data                      # once: the benchmark DatasetDict
    shaping ppo --max-steps 40 --wrong -1 --output-dir runs/ppo
    shaping ppo --rm runs/rm --lora --report-to tensorboard    # + a preference RM, dominance-safe
"""

from __future__ import annotations

import argparse
import logging

from shaping.models import DEFAULT_POLICY, cache_dir

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the ``shaping ppo`` options."""
    data = parser.add_argument_group("data")
    data.add_argument("--data", default=str(cache_dir() / "benchmark"),
                      help="Saved benchmark DatasetDict (`shaping build-data`; default: %(default)s).")
    data.add_argument("--split", default="train", help="Split to train on (default: %(default)s).")
    data.add_argument("--query-types", nargs="+", default=["knowledge-seeking"],
                      help="Keep rows of these query types (default: %(default)s).")
    data.add_argument("--limit", type=int, help="Use at most this many rows.")
    reward = parser.add_argument_group("reward")
    reward.add_argument("--correct", type=float, default=1.0, help="Reward of a correct answer (default: 1).")
    reward.add_argument("--abstain", type=float, default=0.0, help="Reward of an abstention (default: 0).")
    reward.add_argument("--wrong", type=float, default=-1.0, help="Reward of a wrong answer (default: -1).")
    reward.add_argument("--rm", help="A preference reward model folder (`shaping train-rm`), composed "
                                     "dominance-safely with the truthfulness reward.")
    ppo = parser.add_argument_group("PPO")
    ppo.add_argument("--model", default=DEFAULT_POLICY, help="Policy to train (default: %(default)s).")
    ppo.add_argument("--output-dir", default="runs/ppo", help="Checkpoints, final model, logs (default: %(default)s).")
    ppo.add_argument("--max-steps", type=int, default=40, help="PPO steps (default: %(default)s).")
    ppo.add_argument("--learning-rate", type=float, default=5e-6, help="(default: %(default)s)")
    ppo.add_argument("--prompts-per-step", type=int, default=4,
                     help="Prompts per step and process (default: %(default)s).")
    ppo.add_argument("--num-generations", type=int, default=4, help="Completions per prompt (default: %(default)s).")
    ppo.add_argument("--max-prompt-length", type=int, default=256,
                     help="Longer prompts are an error at start-up (default: %(default)s).")
    ppo.add_argument("--max-completion-length", type=int, default=32, help="(default: %(default)s)")
    ppo.add_argument("--temperature", type=float, default=0.7, help="(default: %(default)s)")
    ppo.add_argument("--kl-coef", type=float, default=0.05, help="KL penalty weight (default: %(default)s).")
    ppo.add_argument("--num-ppo-epochs", type=int, default=1, help="(default: %(default)s)")
    ppo.add_argument("--num-mini-batches", type=int, default=1, help="(default: %(default)s)")
    ppo.add_argument("--missing-eos-penalty", type=float, help="Subtracted from completions without EOS.")
    ppo.add_argument("--value-model", choices=["shared", "separate"], default="shared", help="(default: %(default)s)")
    ppo.add_argument("--lora", action="store_true", help="Train LoRA adapters instead of all weights.")
    ppo.add_argument("--save-steps", type=int, help="Checkpoint every N steps.")
    ppo.add_argument("--resume", nargs="?", const=True, default=None,
                     help="Resume from the latest checkpoint in --output-dir, or from the one given.")
    ppo.add_argument("--report-to", choices=["none", "tensorboard"], default="none", help="(default: %(default)s)")
    ppo.add_argument("--seed", type=int, default=42, help="(default: %(default)s)")


def load_rows(path: str, split: str, query_types: list[str], limit: int | None):
    """The training split, filtered to ``query_types`` (and ``limit`` rows), with a clear error if absent."""
    from pathlib import Path

    from datasets import load_from_disk

    if not (Path(path) / "dataset_dict.json").exists():
        raise SystemExit(f"error: no benchmark DatasetDict at {path!r}. "
                         f"Build it with `shaping build-data --out {path}` or pass --data FOLDER.")
    dd = load_from_disk(path)
    if split not in dd:
        raise SystemExit(f"error: split {split!r} is not in {path} (it has {sorted(dd)}); pass --split.")
    rows = dd[split]
    if "query_type" in rows.column_names:
        rows = rows.filter(lambda r: r["query_type"] in query_types)
    if limit:
        rows = rows.select(range(min(limit, len(rows))))
    if len(rows) == 0:
        raise SystemExit(f"error: no rows of query types {query_types} in {path}/{split}; change --query-types.")
    return rows


def run(args: argparse.Namespace) -> int:
    """Train and save; returns 0."""
    from rewards import TruthfulnessReward
    from shaping.ppo import PPOConfig, PPOTrainer

    try:  # build everything cheap first, so bad options fail before any model loads
        reward = TruthfulnessReward(correct=args.correct, abstain=args.abstain, wrong=args.wrong)
        config = PPOConfig(
            output_dir=args.output_dir, max_steps=args.max_steps, learning_rate=args.learning_rate,
            per_device_train_batch_size=args.prompts_per_step, num_generations=args.num_generations,
            max_prompt_length=args.max_prompt_length, max_completion_length=args.max_completion_length,
            temperature=args.temperature, kl_coef=args.kl_coef,
            num_ppo_epochs=args.num_ppo_epochs, num_mini_batches=args.num_mini_batches,
            missing_eos_penalty=args.missing_eos_penalty, value_model=args.value_model, use_peft=args.lora,
            save_steps=args.save_steps, report_to=args.report_to, seed=args.seed)
    except ValueError as error:
        raise SystemExit(f"error: {error}") from None
    rows = load_rows(args.data, args.split, args.query_types, args.limit)
    logger.info("Training on %d rows; truthfulness reward implies answering only above P(correct) = %.2f",
                len(rows), reward.implied_threshold)
    if args.rm:
        from rewards.compose import DominanceSafe
        from shaping.rm.score import RewardModelReward

        reward = DominanceSafe(reward, RewardModelReward(args.rm))
    trainer = PPOTrainer(args.model, reward, config, train_dataset=rows)
    state = trainer.train(resume_from_checkpoint=args.resume)
    last = state.log_history[-1] if state.log_history else {}
    rates = {k.split("/")[-1]: round(v, 3) for k, v in last.items() if k.startswith("truthfulness/") and v is not None}
    print(f"Trained {state.global_step} steps; saved to {args.output_dir}. Last step outcome rates: {rates}")
    return 0
