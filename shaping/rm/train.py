"""Train a preference reward model with TRL's RewardTrainer, and measure its pairwise accuracy.

Any preference data set in TRL's format works: ``chosen``/``rejected`` with an explicit
``prompt`` column or without one (the prompt then sits inside each side), as plain text or
conversations. Any ``AutoModelForSequenceClassification`` backbone works; the default is
the embedded all-MiniLM-L6-v2. Rows are checked before anything is loaded, tokenized here
with :func:`shaping.rm.score.encode` (the same formatting the RM reward uses when it
scores), and handed to ``trl.RewardTrainer`` (Bradley-Terry loss, Ouyang et al. 2022).

>>> from shaping.rm.data import build_preference_data
>>> data = build_preference_data()                                   # doctest: +SKIP
>>> path = train_reward_model(data["train"], output_dir="runs/rm")   # doctest: +SKIP
>>> pairwise_accuracy(RewardModelReward(path), data["test"])         # doctest: +SKIP
0.97
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from rewards.messages import completion_text
from shaping.models import DEFAULT_ENCODER, resolve_model
from shaping.rm.score import (
    RewardModelReward,
    check_sequence_classifier,
    encode,
    max_input_length,
    split_implicit_prompt,
)

__all__ = ["RewardModelReward", "check_preference_rows", "pairwise_accuracy", "train_reward_model"]
logger = logging.getLogger(__name__)


def _sides(row: dict, side: str) -> tuple[Any, Any]:
    """(prompt, response) of one side of a preference row."""
    if "prompt" in row and row["prompt"] is not None:
        return row["prompt"], row[side]
    return split_implicit_prompt(row[side])


def _response_text(value: Any, index: int, side: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return completion_text(value)
    raise TypeError(
        f"Preference row {index}: {side!r} is a {type(value).__name__} ({value!r}); it must be a "
        "string or a list of chat messages."
    )


def check_preference_rows(dataset) -> None:
    """Raise before training on rows whose chosen/rejected response is empty or identical.

    >>> check_preference_rows([{"prompt": "Hi", "chosen": "Hello!", "rejected": "Hello!"}])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: Preference row 0: 'chosen' and 'rejected' are identical ('Hello!'); a pair must differ. ...
    """
    columns = set(getattr(dataset, "column_names", None) or (dataset[0].keys() if len(dataset) else ()))
    missing = [c for c in ("chosen", "rejected") if c not in columns]
    if missing:
        raise KeyError(
            f"Preference data needs the columns 'chosen' and 'rejected' (TRL's format); missing "
            f"{missing}, got {sorted(columns)}."
        )
    if len(dataset) == 0:
        raise ValueError("The preference data set is empty; pass at least one chosen/rejected pair.")
    for i, row in enumerate(dataset):
        responses = {}
        for side in ("chosen", "rejected"):
            prompt, response = _sides(row, side)
            responses[side] = _response_text(response, i, side)
            if not responses[side].strip():
                raise ValueError(
                    f"Preference row {i}: {side!r} is empty; every pair needs a non-empty chosen and "
                    "rejected response. Fix or drop the row."
                )
        if row["chosen"] == row["rejected"]:
            raise ValueError(
                f"Preference row {i}: 'chosen' and 'rejected' are identical ({responses['chosen'][:60]!r}); "
                "a pair must differ. Fix or drop the row."
            )


def tokenize_preferences(dataset, tokenizer, *, max_length: int):
    """Add ``chosen_ids``/``rejected_ids`` (RewardTrainer's pre-tokenized form) to a Dataset."""

    def tokenize(row):
        return {side + "_ids": encode(tokenizer, *_sides(row, side), max_length=max_length)
                for side in ("chosen", "rejected")}

    keep = {"margin"}
    drop = [c for c in dataset.column_names if c not in keep]
    return dataset.map(tokenize, remove_columns=drop, desc="Tokenizing preference pairs")


def _as_dataset(data):
    from datasets import Dataset, DatasetDict

    if isinstance(data, DatasetDict):
        if "train" not in data:
            raise KeyError(f"Got a DatasetDict with splits {list(data)}; pass the training split itself.")
        return data["train"]
    if isinstance(data, list):
        return Dataset.from_list(data)
    return data


def train_reward_model(
    dataset,
    *,
    output_dir: str | os.PathLike,
    model: Any = DEFAULT_ENCODER,
    tokenizer: Any = None,
    epochs: float = 1.0,
    lr: float = 5e-5,
    batch_size: int = 16,
    max_length: int = 256,
    seed: int = 0,
    chat_template: str | None = None,
    logging_steps: int = 25,
    **config: Any,
) -> Path:
    """Train a one-score sequence classifier on preference pairs and save it to ``output_dir``.

    Args:
        dataset: a ``Dataset`` (or list of dicts, or a DatasetDict's ``train``) in TRL's
            preference format.
        model: a backbone path or name (``"minilm"`` = embedded all-MiniLM-L6-v2), or an
            in-memory ``...ForSequenceClassification`` with ``num_labels=1`` (pass ``tokenizer``).
        chat_template: a Jinja template to set on a tokenizer that lacks one; without a
            template, prompt and response are encoded as a text pair.
        **config: any other ``trl.RewardConfig`` field (``gradient_accumulation_steps`` ...).

    Returns:
        ``output_dir``, holding the model and tokenizer (load with ``RewardModelReward(path)``).
    """
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from trl import RewardConfig, RewardTrainer

    # TRL defaults to bf16 and gradient checkpointing, which a CPU cannot do / a small RM does not need.
    config.setdefault("bf16", torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    config.setdefault("gradient_checkpointing", False)
    dataset = _as_dataset(dataset)
    check_preference_rows(dataset)  # before any model is loaded
    if isinstance(model, (str, os.PathLike)):
        from transformers import set_seed

        path = resolve_model(model)
        tokenizer = tokenizer or AutoTokenizer.from_pretrained(path)
        # the score head is initialised at random here, before the trainer seeds anything: seed it,
        # or the RM depends on whatever drew random numbers earlier in the process
        set_seed(seed)
        model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=1)
    else:
        check_sequence_classifier(model, f"Model {type(model).__name__}")
        if tokenizer is None:
            raise ValueError("Pass tokenizer= with an in-memory model.")
    if chat_template is not None:
        tokenizer.chat_template = chat_template
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.truncation_side = "left"
    max_length = max_input_length(model, tokenizer, max_length)
    train = tokenize_preferences(dataset, tokenizer, max_length=max_length)
    args = RewardConfig(
        output_dir=str(output_dir), num_train_epochs=epochs, learning_rate=lr,
        per_device_train_batch_size=batch_size, max_length=None, seed=seed,
        logging_steps=logging_steps, save_strategy="no", report_to="none", **config,
    )
    trainer = RewardTrainer(model=model, args=args, train_dataset=train, processing_class=tokenizer)
    logger.info("Training the reward model on %d pairs for %s epoch(s)", len(train), epochs)
    trainer.train()
    trainer.save_model(str(output_dir))
    return Path(output_dir)


def pairwise_accuracy(reward_model, dataset, *, by: str | None = None, batch_size: int = 32):
    """Fraction of pairs where the RM scores ``chosen`` above ``rejected`` (ties count as misses).

    ``reward_model`` is a :class:`RewardModelReward` (anything with its ``score_batch``) or a
    checkpoint path. With ``by`` (a
    column such as ``"kind"``), return ``{"all": acc, value: acc, ...}`` instead of a float.

    >>> pairwise_accuracy("runs/rm", data["test"], by="kind")   # doctest: +SKIP
    {'all': 0.97, 'empty': 1.0, 'garbled': 0.93, ...}
    """
    dataset = _as_dataset(dataset)
    check_preference_rows(dataset)
    rm = reward_model if hasattr(reward_model, "score_batch") else RewardModelReward(
        reward_model, batch_size=batch_size)
    chosen = [_sides(row, "chosen") for row in dataset]
    rejected = [_sides(row, "rejected") for row in dataset]
    pairs = chosen + rejected
    scores = rm.score_batch([p for p, _ in pairs], [r for _, r in pairs])
    wins = [c > r for c, r in zip(scores[: len(dataset)], scores[len(dataset):])]
    if by is None:
        return sum(wins) / len(wins)
    groups: dict[str, list[bool]] = defaultdict(list)
    for win, key in zip(wins, dataset[by]):
        groups[str(key)].append(win)
    return {"all": sum(wins) / len(wins), **{k: sum(v) / len(v) for k, v in sorted(groups.items())}}
