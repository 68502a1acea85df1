"""Score responses with a preference reward model: input formatting, loading, the RM reward.

Training and scoring format a (prompt, response) pair the same way (:func:`encode`): with
the tokenizer's chat template when it has one, otherwise as a text pair (``[CLS] prompt
[SEP] response [SEP]`` for BERT-like encoders such as all-MiniLM-L6-v2). Both truncate
from the left, so a long prompt loses its start, never the response's ending (a response
cut at the end looks like a truncated answer, which the RM learned to dislike).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Sequence

from rewards.base import Reward, check_score, register
from rewards.messages import completion_text

logger = logging.getLogger(__name__)


def _messages(value: Any, role: str) -> list[dict]:
    return [{"role": role, "content": value}] if isinstance(value, str) else list(value)


def _prompt_text(prompt: Any) -> str:
    if isinstance(prompt, str):
        return prompt
    return "\n".join(str(m.get("content") or "") for m in prompt)


def encode(tokenizer, prompt: Any, response: Any, *, max_length: int) -> list[int]:
    """Token ids of one (prompt, response) pair, as the RM sees it in training and scoring.

    ``prompt`` may be None (the response holds the whole text), a string or chat messages;
    ``response`` a string or assistant messages.

    >>> from transformers import AutoTokenizer
    >>> from shaping.models import encoder_path
    >>> tok = AutoTokenizer.from_pretrained(encoder_path())
    >>> tok.decode(encode(tok, "Capital of France?", "Paris.", max_length=32))
    '[CLS] capital of france? [SEP] paris. [SEP]'
    """
    if getattr(tokenizer, "chat_template", None):
        messages = ([] if prompt is None else _messages(prompt, "user")) + _messages(response, "assistant")
        text = tokenizer.apply_chat_template(messages, tokenize=False)
        return tokenizer(text, add_special_tokens=False, truncation=True, max_length=max_length)["input_ids"]
    response = response if isinstance(response, str) else completion_text(response)
    if prompt is None:
        return tokenizer(response, truncation=True, max_length=max_length)["input_ids"]
    return tokenizer(_prompt_text(prompt), response, truncation="longest_first", max_length=max_length)["input_ids"]


def split_implicit_prompt(text_or_chat: Any) -> tuple[Any, Any]:
    """Split a TRL "implicit prompt" row (a whole conversation) into (prompt, last assistant turn).

    >>> split_implicit_prompt([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}])
    ([{'role': 'user', 'content': 'Hi'}], [{'role': 'assistant', 'content': 'Hello!'}])
    """
    if isinstance(text_or_chat, str) or not text_or_chat:
        return None, text_or_chat
    *head, last = text_or_chat
    if last.get("role") == "assistant" and head:
        return head, [last]
    return None, text_or_chat


def check_sequence_classifier(model_or_config: Any, where: str) -> None:
    """Raise ``ValueError`` unless ``model_or_config`` is a one-label sequence classifier."""
    config = getattr(model_or_config, "config", model_or_config)
    if hasattr(model_or_config, "config"):  # an instantiated model: its class decides
        architectures = [type(model_or_config).__name__]
    else:
        architectures = list(getattr(config, "architectures", None) or [])
    if not any(a.endswith("ForSequenceClassification") for a in architectures):
        raise ValueError(
            f"{where} is not a sequence classifier (architectures={architectures}), so it has no "
            "reward head: loading it would attach a random one. Pass a checkpoint saved from "
            "AutoModelForSequenceClassification with num_labels=1, e.g. one made by "
            "`shaping train-rm` or shaping.rm.train.train_reward_model()."
        )
    if getattr(config, "num_labels", 1) != 1:
        raise ValueError(
            f"{where} has num_labels={config.num_labels}; a reward model outputs one score per "
            "sequence (num_labels=1). Retrain its head with num_labels=1."
        )


def load_reward_model(path: str | os.PathLike, *, device: str | None = None):
    """Load an RM checkpoint and its tokenizer after checking it is a one-label sequence classifier.

    >>> load_reward_model("/no/such/rm")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    FileNotFoundError: Reward model checkpoint '/no/such/rm' does not exist...
    """
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    check_checkpoint(path)
    model = AutoModelForSequenceClassification.from_pretrained(path)
    tokenizer = AutoTokenizer.from_pretrained(path)
    model.to(device or default_device()).eval()
    return model, tokenizer


def check_checkpoint(path: str | os.PathLike) -> None:
    """Raise before any loading when ``path`` is missing or not a one-label sequence classifier."""
    from transformers import AutoConfig

    if str(path).startswith((".", "/", "~")) and not Path(path).expanduser().exists():
        raise FileNotFoundError(
            f"Reward model checkpoint {str(path)!r} does not exist. Train one with `shaping "
            "train-rm --output-dir DIR` or pass an AutoModelForSequenceClassification checkpoint."
        )
    check_sequence_classifier(AutoConfig.from_pretrained(path), f"Checkpoint {str(path)!r}")


def max_input_length(model, tokenizer, requested: int) -> int:
    """``requested``, capped by what the tokenizer and the model's position embeddings allow."""
    limits = [requested, getattr(tokenizer, "model_max_length", None),
              getattr(model.config, "max_position_embeddings", None)]
    return min(int(x) for x in limits if isinstance(x, int) and x > 0)


def default_device() -> str:
    """``cuda`` when a GPU is visible, else ``cpu``."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


@register
class RewardModelReward(Reward):
    """A preference RM as a reward with TRL's signature: batched, truncating, on its device.

    Accepts a checkpoint path (loaded lazily, and again after unpickling in a worker) or an
    in-memory sequence classifier with its ``tokenizer``. Scores are the RM's raw logits.

    >>> rm = RewardModelReward("runs/rm")                     # doctest: +SKIP
    >>> rm(["Capital of France?"] * 2, ["Paris.", "paris paris paris"])  # doctest: +SKIP
    [2.1, -3.4]
    """

    def __init__(self, path_or_model: Any, *, tokenizer: Any = None, batch_size: int = 32,
                 max_length: int = 512, device: str | None = None, name: str = "reward_model") -> None:
        if batch_size < 1 or max_length < 8:
            raise ValueError(f"batch_size={batch_size} and max_length={max_length} must be >= 1 and >= 8.")
        self.name, self.batch_size, self.max_length, self.device = name, batch_size, max_length, device
        self._model = self._tokenizer = None
        if isinstance(path_or_model, (str, os.PathLike)):
            self.path = str(path_or_model)
            check_checkpoint(self.path)  # fail now, not at the first training step
        else:
            check_sequence_classifier(path_or_model, f"Model {type(path_or_model).__name__}")
            if tokenizer is None:
                raise ValueError("Pass tokenizer= with an in-memory model (the RM needs its own tokenizer).")
            self.path = None
            self._model, self._tokenizer = path_or_model.to(device or default_device()).eval(), tokenizer

    def _load(self):
        if self._model is None:
            self._model, self._tokenizer = load_reward_model(self.path, device=self.device)
        self._tokenizer.truncation_side = "left"
        return self._model, self._tokenizer

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        if self.path is not None:  # reload from the checkpoint in the new process
            state["_model"] = state["_tokenizer"] = None
        return state

    def score_batch(self, prompts: Sequence[Any] | None, responses: Sequence[Any]) -> list[float]:
        """RM scores of responses (prompts may be None for whole-text rows), in input order."""
        import torch
        from tqdm.auto import tqdm

        model, tokenizer = self._load()
        prompts = [None] * len(responses) if prompts is None else prompts
        max_length = max_input_length(model, tokenizer, self.max_length)
        ids = [encode(tokenizer, p, r, max_length=max_length) for p, r in zip(prompts, responses)]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # less padding per batch
        scores = [0.0] * len(ids)
        device = next(model.parameters()).device
        starts = range(0, len(order), self.batch_size)
        for start in tqdm(starts, desc="RM scoring", disable=len(starts) < 10, leave=False):
            idx = order[start : start + self.batch_size]
            batch = tokenizer.pad({"input_ids": [ids[i] for i in idx]}, return_tensors="pt")
            with torch.inference_mode():
                logits = model(**{k: v.to(device) for k, v in batch.items()}).logits[:, 0]
            for i, value in zip(idx, logits.float().cpu().tolist()):
                scores[i] = value
        return scores

    def __call__(self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any) -> list[float]:
        if len(prompts) != len(completions):
            raise ValueError(
                f"Got {len(prompts)} prompts for {len(completions)} completions; pass one prompt per completion."
            )
        scores = [check_score(s, reward=self.__name__, index=i)
                  for i, s in enumerate(self.score_batch(list(prompts), list(completions)))]
        log_metric = columns.get("log_metric")
        if callable(log_metric) and scores:
            log_metric(f"rewards/{self.__name__}/mean", sum(scores) / len(scores))
        return scores

    def score(self, prompt: Any, completion: Any, **row: Any) -> float:
        return self.score_batch([prompt], [completion])[0]
