"""Per-step metrics: collected each step, gathered over processes, averaged per logging window."""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from typing import Any

import torch
from accelerate.utils import gather_object

logger = logging.getLogger(__name__)


class MetricLog:
    """Step metrics plus the scalars reward functions send through ``log_metric`` (TRL's hook).

    >>> from accelerate import Accelerator
    >>> log = MetricLog(Accelerator(cpu=True)); log.log_metric("outcome/correct", 0.5)
    >>> log.add({"reward": torch.tensor(1.0)}); log.flush()
    {'reward': 1.0, 'outcome/correct': 0.5}
    """

    def __init__(self, accelerator: Any) -> None:
        self.accelerator = accelerator
        self._custom: dict[str, list[float]] = defaultdict(list)
        self._window: dict[str, list[float]] = defaultdict(list)

    def log_metric(self, name: str, value: float) -> None:
        """Record a scalar from a reward function (averaged over the step and the processes)."""
        self._custom[name].append(float(value))

    @property
    def pending(self) -> bool:
        """Whether metrics have been collected since the last :meth:`flush`."""
        return bool(self._window)

    def add(self, step_metrics: dict[str, Any]) -> None:
        """Add one step's metrics (tensors or numbers, identical on every process) and the custom ones."""
        for key, value in step_metrics.items():
            self._window[key].append(float(value.item() if isinstance(value, torch.Tensor) else value))
        # custom metrics: every process must gather the same names in the same order
        names = sorted(set().union(*gather_object([list(self._custom)])))
        device = self.accelerator.device
        for name in names:
            values = self._custom.get(name)
            local = torch.tensor([sum(values) / len(values) if values else math.nan], device=device)
            everywhere = self.accelerator.gather(local)
            self._window[name].append(float(torch.nanmean(everywhere)))
        self._custom.clear()

    def flush(self) -> dict[str, float | None]:
        """Average each metric over the window (NaNs skipped; None when nothing valid) and reset."""
        out: dict[str, float | None] = {}
        for key, values in self._window.items():
            valid = [v for v in values if not math.isnan(v)]
            out[key] = sum(valid) / len(valid) if valid else None
        self._window.clear()
        return out


def nanstd(x: torch.Tensor) -> torch.Tensor:
    """Standard deviation ignoring NaNs (NaN with fewer than two values)."""
    x = x[~torch.isnan(x)]
    return x.std() if len(x) > 1 else torch.tensor(float("nan"))


def scalars(config: dict) -> dict:
    """The entries of ``config`` a tracker can record (numbers, strings, booleans)."""
    return {k: v for k, v in config.items() if isinstance(v, (int, float, str, bool))}


def step_metrics(trainer: Any, ro: Any, kl: torch.Tensor, non_score: torch.Tensor,
                 stats: dict[str, list[torch.Tensor]]) -> dict[str, Any]:
    """One step's metrics with TRL's names, gathered over processes (identical on every process)."""
    gather = trainer.accelerator.gather
    lengths = ro.mask.sum(1).float()
    out = {
        "objective/kl": gather((kl * ro.mask).sum(1)).mean(),
        "objective/entropy": gather((-ro.logprobs * ro.mask).sum(1)).mean(),
        "objective/non_score_reward": gather(non_score.sum(1)).mean(),
        "objective/rlhf_reward": gather(ro.scores + non_score.sum(1)).mean(),
        "objective/scores": gather(ro.scores).mean(),
        "val/num_eos_tokens": gather(ro.has_eos.float()).sum(),
        "completions/mean_length": gather(lengths).mean(),
        "completions/clipped_ratio": gather((~ro.has_eos).float()).mean(),
    }
    out.update({k: trainer.accelerator.reduce(torch.stack(v).mean(), "mean") for k, v in stats.items()})
    per_reward = gather(ro.per_reward.to(trainer.accelerator.device))
    for i, name in enumerate(trainer.rewards.names):
        column = per_reward[:, i]
        out[f"rewards/{name}/mean"] = torch.nanmean(column)
        out[f"rewards/{name}/std"] = nanstd(column)
    total = trainer.rewards.total(per_reward)
    out.update({"reward": total.mean(), "reward_std": total.std() if len(total) > 1 else total.sum() * 0})
    out["lr"] = trainer.lr_scheduler.get_last_lr()[0]
    out["episode"] = (trainer.state.global_step + 1) * trainer._global_batch() * trainer.args.num_generations
    if trainer.args.log_completions and trainer.accelerator.is_main_process:
        logger.info("prompt=%r completion=%r score=%.3f", ro.prompts[0], ro.completions[0], float(ro.scores[0]))
    return out
