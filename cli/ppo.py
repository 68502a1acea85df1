"""``shaping ppo``: train a policy with PPO on the knowledge benchmark and the truthfulness reward.

Options are parsed as TRL's example scripts parse theirs (``trl.TrlParser`` over the script's
arguments, :class:`shaping.ppo.PPOConfig` and ``trl.ModelConfig``), so every ``PPOConfig`` /
``TrainingArguments`` field and every ``ModelConfig`` field is an option, and ``--config FILE.yaml``
sets any of them (options given on the command line win over the file):

    shaping build-data                      # once: the benchmark DatasetDict
    shaping ppo --max-steps 40 --wrong -1 --output-dir runs/ppo
    shaping ppo --config ppo.yaml --learning_rate 1e-5
    shaping ppo --rm runs/rm --use_peft --lora_r 16 --report_to tensorboard   # + a preference RM
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass, field

from shaping.models import DEFAULT_POLICY, cache_dir

logger = logging.getLogger(__name__)

#: The command accepts options beyond those ``add_arguments`` registers (TrlParser reads them).
ACCEPTS_EXTRA_ARGS = True

#: This command's defaults where they differ from PPOConfig's and ModelConfig's (a YAML file overrides them).
DEFAULTS = dict(model_name_or_path=DEFAULT_POLICY, output_dir="runs/ppo", max_steps=40, learning_rate=5e-6,
                per_device_train_batch_size=4, num_generations=4, max_prompt_length=256, max_completion_length=32)

#: The options of earlier versions of this command, and the TRL names they now stand for.
ALIASES = {"--model": "--model_name_or_path", "--prompts-per-step": "--per_device_train_batch_size",
           "--kl-coef": "--beta", "--lora": "--use_peft", "--resume": "--resume_from_checkpoint"}

#: ModelConfig settings this command does not apply, with the value that is fine.
UNSUPPORTED_MODEL_ARGS = {"model_revision": "main", "attn_implementation": None, "load_in_8bit": False,
                          "load_in_4bit": False}


@dataclass
class PPOScriptArguments:
    """The data and reward of ``shaping ppo`` (TRL's ``ScriptArguments`` role)."""

    data: str = field(default=str(cache_dir() / "benchmark"), metadata={
        "help": "Saved benchmark DatasetDict (`shaping build-data`)."})
    split: str = field(default="train", metadata={"help": "Split to train on."})
    query_types: list[str] = field(default_factory=lambda: ["knowledge-seeking"], metadata={
        "help": "Keep rows of these query types."})
    limit: int | None = field(default=None, metadata={"help": "Use at most this many rows."})
    correct: float = field(default=1.0, metadata={"help": "Reward of a correct answer."})
    abstain: float = field(default=0.0, metadata={"help": "Reward of an abstention."})
    wrong: float = field(default=-1.0, metadata={"help": "Reward of a wrong answer."})
    rm: str | None = field(default=None, metadata={
        "help": "A preference reward model folder (`shaping train-rm`), composed dominance-safely with the "
                "truthfulness reward."})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register ``--config`` and ``--help-all``; every other option goes to ``trl.TrlParser`` in :func:`run`."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = (
        "Every PPOConfig (transformers.TrainingArguments) and trl.ModelConfig field is an option, with _ or -:\n"
        "  --max-steps 40 --learning_rate 5e-6 --per_device_train_batch_size 4 --num_generations 4\n"
        "  --beta 0.05 --gradient_accumulation_steps 2 --lr_scheduler_type cosine --warmup_steps 0.1\n"
        "  --bf16 --report_to tensorboard --save_steps 10 --save_total_limit 2 --seed 42\n"
        "  --model_name_or_path smollm2 --use_peft --lora_r 16 --resume_from_checkpoint latest\n"
        "Data and reward: --data DIR --split train --query_types knowledge-seeking --limit N\n"
        "  --correct 1 --abstain 0 --wrong -1 --rm runs/rm\n"
        "See `shaping ppo --help-all` for all of them.")
    parser.add_argument("--config", help="A YAML file of options (as TRL's scripts take); the command line wins.")
    parser.add_argument("--help-all", action="store_true", help="List every option (TrlParser's help) and exit.")


def parser():
    """``trl.TrlParser`` over the script arguments, PPOConfig and ModelConfig, with this command's defaults."""
    from trl import ModelConfig, TrlParser

    from shaping.ppo import PPOConfig

    trl_parser = TrlParser((PPOScriptArguments, PPOConfig, ModelConfig), prog="shaping ppo")
    trl_parser.set_defaults(**DEFAULTS)
    return trl_parser


def parse(argv: list[str], config: str | None = None):
    """(script arguments, PPOConfig, ModelConfig) from ``argv`` and the YAML ``config``; bad values exit clearly."""
    args = []
    for i, arg in enumerate(argv):
        args.append(ALIASES.get(arg, arg))
        if arg == "--resume" and (i + 1 == len(argv) or argv[i + 1].startswith("--")):
            args.append("latest")
    if config:
        args += ["--config", config]
    try:
        script, ppo, model_args = parser().parse_args_and_config(args)
    except (ValueError, FileNotFoundError) as error:
        raise SystemExit(f"error: {error}") from None
    for name, fine in UNSUPPORTED_MODEL_ARGS.items():
        if getattr(model_args, name) != fine:
            raise SystemExit(f"error: --{name}={getattr(model_args, name)!r} is not supported by `shaping ppo`; "
                             f"leave it at {fine!r}.")
    if model_args.dtype not in ("float32", "auto", None):
        raise SystemExit(f"error: --dtype {model_args.dtype} is not supported: the policy trains in float32 (use "
                         "--bf16 for bf16 mixed precision).")
    return script, ppo, model_args


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
    from trl import get_peft_config

    from rewards import TruthfulnessReward
    from shaping.ppo import PPOTrainer

    if args.help_all:
        parser().print_help()
        return 0
    script, config, model_args = parse(list(getattr(args, "extra_args", [])), args.config)
    try:  # build everything cheap first, so bad options fail before any model loads
        reward = TruthfulnessReward(correct=script.correct, abstain=script.abstain, wrong=script.wrong)
    except ValueError as error:
        raise SystemExit(f"error: {error}") from None
    rows = load_rows(script.data, script.split, script.query_types, script.limit)
    logger.info("Training on %d rows; truthfulness reward implies answering only above P(correct) = %.2f",
                len(rows), reward.implied_threshold)
    if script.rm:
        from rewards.compose import DominanceSafe
        from shaping.rm.score import RewardModelReward

        reward = DominanceSafe(reward, RewardModelReward(script.rm))
    trainer = PPOTrainer(model_args.model_name_or_path, reward, config, train_dataset=rows,
                         peft_config=get_peft_config(model_args))
    resume = config.resume_from_checkpoint
    output = trainer.train(resume_from_checkpoint=True if resume == "latest" else resume)
    history = trainer.state.log_history
    last = next((logs for logs in reversed(history) if "loss/policy_avg" in logs), {})
    rates = {k.split("/")[-1]: round(v, 3) for k, v in last.items() if k.startswith("truthfulness/") and v is not None}
    print(f"Trained {output.global_step} steps; saved to {config.output_dir}. Last step outcome rates: {rates}")
    return 0
