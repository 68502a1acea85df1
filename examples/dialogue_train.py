"""Train SmolLM2 on the dialogue reward (or, for the baseline, on single-turn truthfulness), with
TRL's GRPOTrainer or our PPOTrainer, and save the policy for `shaping bench --dialogue`.

    python examples/dialogue_train.py --quick                                  # 1 GRPO step, a smoke run
    python examples/dialogue_train.py --trainer grpo --train-on dialogue --max-steps 40 --output-dir runs/grpo-dialogue
    python examples/dialogue_train.py --trainer grpo --train-on single --max-steps 40 --output-dir runs/grpo-single
    shaping bench --dialogue --model runs/grpo-dialogue/final --limit 40 --out runs/dialogue-grpo-dialogue

``--train-on dialogue``: a question, a written earlier answer (right, wrong or "I don't know"),
a follow-up (benchmarks.dialogue.training), scored by ConsistencyReward. ``--train-on single``:
the same questions alone, scored by TruthfulnessReward(1, 0, -1), which is what ConsistencyReward
gives a first answer. Same seed, steps and settings otherwise, so the two runs compare.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from rewards import ConsistencyReward, TruthfulnessReward

RELATIONS = ("country_capital", "capital_country", "city_country", "element_symbol", "state_capital")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--trainer", choices=("grpo", "ppo"), default="grpo", help="Trainer (default: %(default)s).")
    p.add_argument("--train-on", choices=("dialogue", "single"), default="dialogue",
                   help="Dialogue rows and ConsistencyReward, or single-turn rows and TruthfulnessReward.")
    p.add_argument("--model", default="smollm2", help="Policy: 'smollm2' or a model path (default: %(default)s).")
    p.add_argument("--data", help="A saved benchmark DatasetDict (default: built in memory, seconds).")
    p.add_argument("--questions", type=int, default=64, help="Training questions (default: %(default)s).")
    p.add_argument("--max-steps", type=int, default=40, help="Training steps (default: %(default)s).")
    p.add_argument("--seed", type=int, default=0, help="Seed of the rows and the trainer (default: %(default)s).")
    p.add_argument("--output-dir", help="Where the run goes; the policy is saved in OUTPUT_DIR/final.")
    p.add_argument("--quick", action="store_true", help="1 step, 8 questions, short completions: a smoke run.")
    args = p.parse_args()
    if args.quick:
        args.max_steps, args.questions = 1, min(args.questions, 8)
    args.output_dir = args.output_dir or f"runs/{args.trainer}-{args.train_on}"
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return args


def training_rows(args: argparse.Namespace):
    """The benchmark's train split (entities never in its eval split), as dialogue or single-turn rows."""
    import random

    from datasets import Dataset

    from benchmarks.data import build_benchmark, load_benchmark
    from benchmarks.dialogue.training import dialogue_training_rows, single_turn_rows

    train = (load_benchmark(args.data) if args.data else build_benchmark(seed=0))["train"].to_list()
    rows = [r for r in train if r["relation"] in RELATIONS and r["answers"]] or [r for r in train if r["answers"]]
    random.Random(args.seed).shuffle(rows)
    rows = rows[:args.questions]
    made = dialogue_training_rows(rows, seed=args.seed) if args.train_on == "dialogue" else single_turn_rows(rows)
    return Dataset.from_list(made)


def main() -> None:
    args = parse_args()
    from shaping.ppo.modeling import load_model
    from shaping.recipe.train import RLSettings

    reward = ConsistencyReward() if args.train_on == "dialogue" else TruthfulnessReward(1.0, 0.0, -1.0)
    dataset = training_rows(args)
    # The demo's RL settings (shaping.recipe.train.RLSettings: 2 questions x 8 samples a step, 24 tokens,
    # lr 5e-6, KL 0.1, temperature 0.7), so a run here compares with the demo's single-turn PPO.
    settings = RLSettings(steps=args.max_steps, seed=args.seed)
    if args.quick:
        settings.prompts_per_step, settings.num_generations, settings.max_completion_length = 1, 2, 8
    final = Path(args.output_dir) / "final"
    config = settings.trainer_config(args.trainer, final)
    model, tokenizer = load_model(args.model)
    if args.trainer == "ppo":
        from shaping.ppo import PPOTrainer

        trainer = PPOTrainer(model=model, reward_funcs=[reward], args=config, train_dataset=dataset,
                             processing_class=tokenizer)
    else:
        import trl

        trainer = trl.GRPOTrainer(model=model, reward_funcs=[reward], args=config, train_dataset=dataset,
                                  processing_class=tokenizer)
    trainer.train()
    trainer.save_model(str(final))
    state = trainer.state
    last = next((log for log in reversed(state.log_history)
                 if any(k.startswith(("dialogue/", "truthfulness/")) for k in log)), {})  # not the run's summary
    rates = ", ".join(f"{k} {float(v):.2f}" for k, v in sorted(last.items())
                      if k.startswith(("dialogue/", "truthfulness/")))
    print(f"{args.trainer.upper()} on {args.train_on}: {state.global_step} steps; last batch: {rates or 'no rates'}; "
          f"policy saved to {final}")


if __name__ == "__main__":
    main()
