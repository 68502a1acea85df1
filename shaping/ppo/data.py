"""Prompts in, token ids out; the per-process data order; the start-up checks on a dataset."""

from __future__ import annotations

import logging
from itertools import islice
from typing import Any, Sequence

import torch
from transformers import TrainerState

from shaping.ppo.scoring import RewardSet, is_conversational

logger = logging.getLogger(__name__)

DRY_RUN_COMPLETION = "I don't know."

#: Rows of an IterableDataset checked at start-up (its length is unknown; later rows are not read ahead).
CHECKED_ROWS = 64


def prompt_texts(prompts: Sequence[Any], tokenizer: Any, chat_template_kwargs: dict | None = None) -> list[str]:
    """Render prompts as text: chats through the tokenizer's chat template, strings as they are."""
    texts = []
    for prompt in prompts:
        if is_conversational(prompt):
            texts.append(tokenizer.apply_chat_template(prompt, tokenize=False, add_generation_prompt=True,
                                                       **(chat_template_kwargs or {})))
        elif isinstance(prompt, str):
            texts.append(prompt)
        else:
            raise TypeError(f"A prompt must be a string or a list of chat messages; got {prompt!r}.")
    return texts


def encode_prompts(texts: list[str], tokenizer: Any, max_length: int | None) -> dict[str, torch.Tensor]:
    """Tokenize and left-pad; a prompt longer than ``max_length`` keeps its last tokens."""
    ids = [tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]
    if max_length:
        ids = [x[-max_length:] for x in ids]
    width = max(len(x) for x in ids)
    input_ids = torch.full((len(ids), width), tokenizer.pad_token_id, dtype=torch.long)
    attention_mask = torch.zeros((len(ids), width), dtype=torch.long)
    for i, x in enumerate(ids):
        input_ids[i, width - len(x):] = torch.tensor(x, dtype=torch.long)
        attention_mask[i, width - len(x):] = 1
    return {"input_ids": input_ids, "attention_mask": attention_mask}


def step_indices(step: int, dataset_size: int, global_batch: int, process_index: int,
                 per_process: int, seed: int) -> list[int]:
    """Dataset rows of ``step`` for one process: a seeded reshuffle every epoch, step-addressable.

    Because the order depends only on (seed, step), a resumed run sees the same prompts.

    >>> step_indices(0, 10, 4, 1, 2, seed=0) == step_indices(0, 10, 4, 1, 2, seed=0)
    True
    """
    start = step * global_batch + process_index * per_process
    out = []
    for position in range(start, start + per_process):
        epoch, offset = divmod(position, dataset_size)
        order = torch.randperm(dataset_size, generator=torch.Generator().manual_seed(seed + epoch))
        out.append(int(order[offset]))
    return out


def is_iterable(dataset: Any) -> bool:
    """A dataset without a length: ``datasets.IterableDataset``, a torch ``IterableDataset``, a generator."""
    return dataset is not None and not hasattr(dataset, "__len__")


class StreamRows:
    """The rows of a dataset without a length, one global batch per step, in the order it yields them.

    All processes read the same stream; each keeps its own slice of every global batch. When the
    stream ends a new pass starts (``set_epoch(pass)`` first, so a shuffled ``datasets.IterableDataset``
    reshuffles), and :attr:`passes` counts the passes finished.
    """

    def __init__(self, dataset: Any) -> None:
        self.dataset, self.passes, self._rows = dataset, 0, None

    def take(self, n: int) -> list[dict]:
        """The next ``n`` rows of the stream, starting a new pass where it ends."""
        out: list[dict] = []
        fresh = False
        while len(out) < n:
            if self._rows is None:
                if hasattr(self.dataset, "set_epoch"):
                    self.dataset.set_epoch(self.passes)
                self._rows, fresh = iter(self.dataset), True
            row = next(self._rows, None)
            if row is None:
                if fresh:
                    raise ValueError(f"train_dataset yielded no rows on pass {self.passes + 1}; a generator can be "
                                     "read only once: use datasets.IterableDataset.from_generator.")
                self._rows, self.passes = None, self.passes + 1
                continue
            fresh = False
            out.append(dict(row))
        return out


def as_dataset(data: Any, name: str) -> Any:
    """``data`` as a ``datasets.Dataset`` when it is a plain list of dicts or a DataFrame; as is otherwise."""
    if isinstance(data, (list, tuple)):
        if not all(isinstance(row, dict) for row in data):
            bad = next(row for row in data if not isinstance(row, dict))
            raise TypeError(f"{name} is a list holding a {type(bad).__name__} ({bad!r:.60}); pass a "
                            "datasets.Dataset or a list of dicts such as {'prompt': ..., 'answers': [...]}.")
        from datasets import Dataset

        return Dataset.from_list(list(data))
    if type(data).__name__ == "DataFrame":
        from datasets import Dataset

        return Dataset.from_pandas(data, preserve_index=False)
    return data


def check_dataset(dataset: Any, rewards: RewardSet, tokenizer: Any, *, max_prompt_length: int | None,
                  truncate_prompts: bool, max_completion_length: int, max_positions: int | None,
                  chat_template_kwargs: dict | None = None) -> None:
    """Fail at step 0, not hours in: columns, prompt lengths and a dry run of every reward.

    A dataset without a length is checked on its first ``CHECKED_ROWS`` rows.
    """
    if is_iterable(dataset):
        from datasets import Dataset

        dataset = Dataset.from_list([dict(row) for row in islice(iter(dataset), CHECKED_ROWS)])
        logger.info("train_dataset has no length: checked its first %d rows only.", len(dataset))
    if dataset is None or len(dataset) == 0:
        raise ValueError("train_dataset is empty; pass a dataset with a 'prompt' column and at least one row.")
    columns = list(dataset.column_names) if hasattr(dataset, "column_names") else list(dataset[0])
    if "prompt" not in columns:
        raise KeyError(f"train_dataset has columns {columns} but no 'prompt'; rename the prompt column to 'prompt'.")
    missing = sorted(rewards.required_columns() - set(columns))
    if missing:
        raise KeyError(f"The rewards need the dataset column(s) {missing}, but train_dataset has {columns}. "
                       "Add them to the dataset or tell the reward which column holds them.")
    if max_positions and (max_prompt_length or 0) + max_completion_length > max_positions:
        raise ValueError(
            f"max_prompt_length={max_prompt_length} + max_completion_length={max_completion_length} exceeds "
            f"the model's context of {max_positions} positions; lower one of them.")
    prompts = list(dataset["prompt"])
    limit = max_prompt_length or max_positions
    if limit:
        lengths = [len(tokenizer(t, add_special_tokens=False)["input_ids"])
                   for t in prompt_texts(prompts, tokenizer, chat_template_kwargs)]
        too_long = [i for i, n in enumerate(lengths) if n > limit]
        if too_long and not truncate_prompts:
            i = too_long[0]
            raise ValueError(
                f"{len(too_long)} prompt(s) exceed max_prompt_length={limit} tokens (row {i} has "
                f"{lengths[i]}). Raise max_prompt_length, filter the long rows, or set "
                "truncate_prompts=True to keep their last tokens.")
        if too_long:
            logger.warning("%d prompt(s) longer than %d tokens will keep only their last tokens.", len(too_long), limit)
    _dry_run(dataset, rewards)


def _dry_run(dataset: Any, rewards: RewardSet, n_rows: int = 2) -> None:
    """Call every reward function on the first rows with a dummy completion."""
    rows = [dict(dataset[i]) for i in range(min(n_rows, len(dataset)))]
    prompts = [row["prompt"] for row in rows]
    completions = [[{"role": "assistant", "content": DRY_RUN_COMPLETION}] if is_conversational(p)
                   else DRY_RUN_COMPLETION for p in prompts]
    for func, name in zip(rewards.funcs, rewards.names):
        if isinstance(func, torch.nn.Module):
            continue
        try:  # alone, so an error names it; a step-0 TrainerState, as TRL passes one; no log_metric
            RewardSet([func])(prompts, completions, rows, trainer_state=TrainerState())
        except Exception as error:
            message = (f"Reward {name!r} failed on a dry run over the first {len(rows)} dataset row(s) "
                       f"(completion {DRY_RUN_COMPLETION!r}) before training: {error}")
            try:
                wrapped = type(error)(message)
            except Exception:  # an exception type with a different constructor
                wrapped = RuntimeError(message)
            raise wrapped from error
