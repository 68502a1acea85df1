"""Checkpoints that resume with nothing lost: weights, optimiser, scheduler, RNG, step, logs.

Layout of ``checkpoint-<step>/``: ``policy/`` (``save_pretrained``: the full model, or the
LoRA adapter only, plus the tokenizer), ``value.safetensors`` (value head, and a separate
value model), ``optimizer.pt``, ``scheduler.pt``, ``rng_state_<process>.pt``,
``trainer_state.json`` (``transformers.TrainerState``: global step and ``log_history``).
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import random
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

logger = logging.getLogger(__name__)

PREFIX = "checkpoint-"


def rng_state() -> dict[str, Any]:
    """The state of every random generator a step uses."""
    state = {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    """Restore the generators saved by :func:`rng_state`."""
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def latest_checkpoint(output_dir: str | Path) -> Path | None:
    """The checkpoint with the highest step under ``output_dir``, or None.

    >>> latest_checkpoint("/nonexistent") is None
    True
    """
    root = Path(output_dir)
    found = [p for p in root.glob(PREFIX + "*") if p.is_dir() and re.fullmatch(PREFIX + r"\d+", p.name)]
    complete = [p for p in found if (p / "trainer_state.json").exists()]
    for p in sorted(set(found) - set(complete)):
        logger.warning("Skipping %s: it has no trainer_state.json (a save was cut short).", p)
    return max(complete, key=lambda p: int(p.name[len(PREFIX):]), default=None)


def save_policy(policy: Any, tokenizer: Any, path: Path) -> None:
    """``save_pretrained`` the policy (the adapter alone for LoRA) and its tokenizer."""
    policy.save_pretrained(path, safe_serialization=True)
    if tokenizer is not None:
        tokenizer.save_pretrained(path)


def load_policy_weights(policy: Any, path: Path) -> None:
    """Load weights written by :func:`save_policy` into ``policy`` in place."""
    if hasattr(policy, "peft_config"):
        from peft import set_peft_model_state_dict

        set_peft_model_state_dict(policy, load_file(path / "adapter_model.safetensors"))
        return
    state: dict[str, torch.Tensor] = {}
    for file in sorted(path.glob("*.safetensors")):
        state.update(load_file(file))
    if not state:
        raise FileNotFoundError(f"No *.safetensors weights in {path}; is it a checkpoint written by PPOTrainer?")
    result = policy.load_state_dict(state, strict=False)
    tied = set(getattr(policy, "_tied_weights_keys", None) or {})
    missing = [k for k in result.missing_keys if k not in tied and "lm_head" not in k]
    if missing or result.unexpected_keys:
        raise ValueError(f"Checkpoint {path} does not match the model: missing {missing[:5]}, "
                         f"unexpected {result.unexpected_keys[:5]}. Resume with the model it was trained from.")


def save_checkpoint(path: Path, *, model: Any, tokenizer: Any, optimizer: Any, lr_scheduler: Any,
                    state: Any, accelerator: Any, save_total_limit: int | None = None) -> None:
    """Write everything :func:`load_checkpoint` needs to continue exactly.

    Args:
        model: the policy with its value function (``PPOTrainer.policy_and_value``).
        state: the ``transformers.TrainerState`` (step and log history).
        accelerator: decides which process writes what; every process saves its RNG state.
        save_total_limit: keep only the newest this many checkpoints beside ``path``.
    """
    # everything goes to a hidden folder, trainer_state.json last, then one rename: a kill at any moment
    # leaves either the previous checkpoints alone or a complete new one
    partial = path.with_name(f".{path.name}.partial")
    if accelerator.is_main_process:
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        save_policy(model.policy, tokenizer, partial / "policy")
        save_file({k: v.detach().cpu().contiguous() for k, v in model.value_state_dict().items()},
                  str(partial / "value.safetensors"))
        torch.save(optimizer.state_dict(), partial / "optimizer.pt")
        torch.save(lr_scheduler.state_dict(), partial / "scheduler.pt")
    accelerator.wait_for_everyone()
    torch.save(rng_state(), partial / f"rng_state_{accelerator.process_index}.pt")
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        state.save_to_json(str(partial / "trainer_state.json"))
        if path.exists():
            shutil.rmtree(path)
        os.replace(partial, path)
    accelerator.wait_for_everyone()
    _rotate(path.parent, save_total_limit, accelerator.is_main_process)


def _rotate(root: Path, limit: int | None, main: bool) -> None:
    if not limit or not main:
        return
    found = sorted((p for p in root.glob(PREFIX + "*") if p.name[len(PREFIX):].isdigit()),
                   key=lambda p: int(p.name[len(PREFIX):]))
    for old in found[:-limit]:
        logger.info("Deleting old checkpoint %s (save_total_limit=%d)", old, limit)
        shutil.rmtree(old, ignore_errors=True)


def load_checkpoint(path: Path, *, model: Any, optimizer: Any, lr_scheduler: Any, process_index: int = 0) -> Any:
    """Restore a checkpoint written by :func:`save_checkpoint` in place; return its ``TrainerState``.

    ``model`` (the policy with its value function), ``optimizer`` and ``lr_scheduler`` are
    those of a freshly built trainer; the RNG state of process ``process_index`` is restored.
    A truncated or unreadable file raises ``ValueError`` naming the checkpoint.
    """
    if not (path / "trainer_state.json").exists():
        raise FileNotFoundError(f"{path} is not a PPOTrainer checkpoint (no trainer_state.json); pass a "
                                f"'{PREFIX}<step>' folder or resume_from_checkpoint=True.")
    try:
        return _load(path, model, optimizer, lr_scheduler, process_index)
    except (OSError, RuntimeError, EOFError, SafetensorError, json.JSONDecodeError, pickle.UnpicklingError) as exc:
        raise ValueError(f"Checkpoint {path} is damaged ({type(exc).__name__}: {exc}). Delete it to resume from the "
                         "checkpoint before it, or pass another one.") from exc


def _load(path: Path, model: Any, optimizer: Any, lr_scheduler: Any, process_index: int) -> Any:
    from transformers import TrainerState

    load_policy_weights(model.policy, path / "policy")
    values = load_file(str(path / "value.safetensors"))
    model.value_head.load_state_dict(
        {k[len("value_head."):]: v for k, v in values.items() if k.startswith("value_head.")})
    if model.value_backbone is not None:
        model.value_backbone.load_state_dict(
            {k[len("value_backbone."):]: v for k, v in values.items() if k.startswith("value_backbone.")})
    # load on CPU; Optimizer.load_state_dict moves the state to each parameter's device
    optimizer.load_state_dict(torch.load(path / "optimizer.pt", map_location="cpu", weights_only=False))
    lr_scheduler.load_state_dict(torch.load(path / "scheduler.pt", weights_only=False))
    state = TrainerState.load_from_json(str(path / "trainer_state.json"))
    rng_file = path / f"rng_state_{process_index}.pt"
    if rng_file.exists():
        set_rng_state(torch.load(rng_file, weights_only=False))
    else:
        logger.warning("%s is missing (resuming on more processes than saved); sampling will differ.", rng_file)
    return state
