"""Shared set-up for the training examples: options, a small set of knowledge questions, the reward,
and the one TRL run that ``trl_train.py`` makes with the trainer it is asked for.

Not a library module: the example scripts import it from their own folder.
"""

from __future__ import annotations

import argparse
import logging

from rewards import LengthPenalty, TruthfulnessReward


def parse_args(description: str, trainers: tuple[str, ...] = ()) -> argparse.Namespace:
    """The options every example shares (and ``--trainer``, when there is a choice of ``trainers``)."""
    p = argparse.ArgumentParser(description=description)
    if trainers:
        p.add_argument("--trainer", choices=trainers, default=trainers[0], help="TRL trainer (default: %(default)s).")
    p.add_argument("--model", default="smollm2",
                   help="Policy: 'smollm2' (embedded) or a model path (default: %(default)s).")
    p.add_argument("--quick", action="store_true", help="A 3-step smoke run with short completions.")
    p.add_argument("--max-steps", type=int, default=30, help="Training steps (default: %(default)s).")
    p.add_argument("--questions", type=int, default=64, help="Training questions (default: %(default)s).")
    p.add_argument("--output-dir", help="Where to write the run (default: runs/<trainer>).")
    p.add_argument("--wrong", type=float, default=-1.0, help="Reward of a wrong answer (correct 1, abstain 0).")
    p.add_argument("--compose", action="store_true",
                   help="Compose truthfulness dominance-safely with a second reward: "
                        "the RM in --rm, else a length rule.")
    p.add_argument("--rm", help="A preference RM folder (`shaping train-rm`) for --compose.")
    args = p.parse_args()
    if args.quick:
        args.max_steps, args.questions = min(args.max_steps, 3), min(args.questions, 16)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return args


def knowledge_questions(n: int):
    """``n`` country-capital questions (chat prompts with the benchmark's system prompt, gold answers)."""
    from datasets import Dataset

    from benchmarks.data.build import build_benchmark

    train = build_benchmark(seed=0)["train"]
    rows = [r for r in train if r["relation"] in ("country_capital", "fictional_country_capital")]
    rows.sort(key=lambda r: r["id"])
    return Dataset.from_list([{"prompt": r["prompt"], "answers": r["answers"]} for r in rows[:n]])


def reward(args: argparse.Namespace):
    """TruthfulnessReward(1, 0, --wrong), optionally composed dominance-safely with an RM or a length rule."""
    truthfulness = TruthfulnessReward(correct=1.0, abstain=0.0, wrong=args.wrong)
    if not args.compose:
        return truthfulness
    from rewards.compose import DominanceSafe

    if args.rm:
        from shaping.rm.score import RewardModelReward

        second = RewardModelReward(args.rm)
    else:
        second = LengthPenalty(max_length=20)
    return DominanceSafe(truthfulness, second)


def last_outcome_rates(log_history: list[dict]) -> str:
    """The last logged correct / abstain / wrong rates, as one line."""
    for logs in reversed(log_history):
        rates = {k.split("/")[-1]: v for k, v in logs.items() if k.startswith("truthfulness/") and v is not None}
        if rates:
            return ", ".join(f"{k} {v:.2f}" for k, v in sorted(rates.items()))
    return "no outcome rates logged"


def train_with_trl(trainers: dict[str, tuple[str, str]], description: str) -> None:
    """Train the policy with the TRL trainer ``--trainer`` names (GRPOTrainer, RLOOTrainer), unchanged,
    on :func:`reward`; ``trainers`` maps each choice to its TRL config and trainer class names.

    Both take the same settings: 4 completions a prompt, lr 5e-6, KL beta 0.04, temperature 0.7.
    """
    import trl

    from shaping.ppo.modeling import load_model

    args = parse_args(description, tuple(trainers))
    name = args.trainer.upper()
    config_class, trainer_class = (getattr(trl, cls) for cls in trainers[args.trainer])
    model, tokenizer = load_model(args.model)  # a plain trainable model, also from the GGUF-converted cache
    generations = 4
    config = config_class(
        output_dir=args.output_dir or f"runs/{name.lower()}", max_steps=args.max_steps, learning_rate=5e-6,
        beta=0.04, per_device_train_batch_size=(2 if args.quick else 4) * generations, num_generations=generations,
        max_completion_length=16 if args.quick else 32, temperature=0.7, logging_steps=1,
        save_strategy="no", report_to="none", bf16=False, gradient_checkpointing=False)
    trainer = trainer_class(model=model, reward_funcs=[reward(args)], args=config,
                            train_dataset=knowledge_questions(args.questions), processing_class=tokenizer)
    trainer.train()
    print(f"{name}: {trainer.state.global_step} steps, "
          f"last outcome rates: {last_outcome_rates(trainer.state.log_history)}")
