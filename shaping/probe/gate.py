"""The probe gate: keep a model's answer when its probe says P(correct) >= threshold, else "I don't know.".

A :class:`ProbeGate` holds a fitted probe (:mod:`shaping.probe.fit`) as plain numbers, the
hidden-state layer it reads, the threshold and what the gate was fitted on. It is saved as
one JSON file in a folder (``probe.json``; no pickle), usually beside the model, and refuses
a model other than the one it was fitted on. With rewards correct = c, abstain = a and
wrong = w, the threshold (a - w) / (c - w) is where declining starts to pay
(:attr:`rewards.TruthfulnessReward.implied_threshold`).

>>> gate = ProbeGate.load("runs/probe")                                            # doctest: +SKIP
>>> gate.generate(model, tokenizer, [[{"role": "user", "content": "Capital of Burkina Faso?"}]])  # doctest: +SKIP
[("I don't know.", ...)]
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from shaping.probe.features import answer_states, num_layers

DECLINE = "I don't know."
GATE_FILE = "probe.json"
_FORMAT = "shaping-probe-gate/1"


def model_identity(model) -> dict[str, Any]:
    """What a gate checks a model against: its architecture, sizes and weight fingerprint."""
    from shaping.models import model_fingerprint

    return {"model_type": getattr(model.config, "model_type", None), "num_hidden_layers": num_layers(model),
            "hidden_size": int(model.config.hidden_size), "fingerprint": model_fingerprint(model)}


@dataclass
class ProbeGate:
    """A calibrated probe on one layer's mean answer-token state, and the threshold that gates answers."""

    layer: int
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    calibration: tuple[float, float]
    threshold: float
    model: dict[str, Any]
    """:func:`model_identity` of the model the probe was fitted on."""
    info: dict[str, Any] = field(default_factory=dict)
    """How it was fitted (rows, right answers, groups, C, cross-validated AUROC, threshold source)."""

    def __post_init__(self) -> None:
        self.mean, self.scale, self.coef = (np.asarray(v, dtype=np.float64) for v in (self.mean, self.scale, self.coef))
        if not self.mean.shape == self.scale.shape == self.coef.shape or self.coef.ndim != 1:
            raise ValueError(f"mean, scale and coef must be vectors of one length; got {self.mean.shape}, "
                             f"{self.scale.shape}, {self.coef.shape}.")
        check_threshold(self.threshold)

    def with_threshold(self, threshold: float, source: str = "given") -> "ProbeGate":
        """The same probe with another threshold."""
        return replace(self, threshold=check_threshold(threshold), info={**self.info, "threshold_source": source})

    def p_correct_from_states(self, states: np.ndarray) -> np.ndarray:
        """Calibrated P(correct) from ``(n, hidden)`` mean answer-token states of :attr:`layer`."""
        states = np.asarray(states, dtype=np.float64)
        if states.ndim != 2 or states.shape[1] != len(self.coef):
            raise ValueError(f"states have shape {states.shape}; the probe reads (n, {len(self.coef)}) states of "
                             f"layer {self.layer}.")
        logits = ((states - self.mean) / self.scale) @ self.coef + self.intercept
        a, b = self.calibration
        return 1.0 / (1.0 + np.exp(-(a * logits + b)))

    def check_model(self, model, *, allow_other_weights: bool = False) -> None:
        """Raise ``ValueError`` when ``model`` is not the one the probe was fitted on."""
        found = model_identity(model)
        shape = ("model_type", "num_hidden_layers", "hidden_size")
        if any(found[k] != self.model.get(k) for k in shape):
            raise ValueError(f"This probe gate was fitted on a {[self.model.get(k) for k in shape]} model "
                             f"(type, layers, hidden size); got {[found[k] for k in shape]}. Fit a gate for this "
                             "model with `shaping probe-fit`.")
        if not allow_other_weights and found["fingerprint"] != self.model.get("fingerprint"):
            raise ValueError(f"This probe gate was fitted on weights with fingerprint {self.model.get('fingerprint')}; "
                             f"this model's are {found['fingerprint']} (fine-tuned or another checkpoint). Its hidden "
                             "states may mean something else: fit a new gate, or pass allow_other_weights=True.")

    def p_correct(self, model, tokenizer, prompts: Sequence, responses: Sequence[str], *, batch_size: int = 16,
                  progress: bool = False, allow_other_weights: bool = False) -> np.ndarray:
        """Calibrated P(correct) of each response to its prompt, read from ``model``'s hidden states."""
        self.check_model(model, allow_other_weights=allow_other_weights)
        states = answer_states(model, tokenizer, prompts, responses, layers=[self.layer], batch_size=batch_size,
                               progress=progress)
        return self.p_correct_from_states(states[:, 0, :])

    def decide(self, responses: Sequence[str], p_correct: Sequence[float]) -> list[str]:
        """Each response, or :data:`DECLINE` where its P(correct) is below :attr:`threshold`.

        >>> gate = ProbeGate(1, [0.0], [1.0], [1.0], 0.0, (1.0, 0.0), 0.6, {})
        >>> gate.decide(["Lima.", "Kouilé."], [0.9, 0.2])
        ['Lima.', "I don't know."]
        """
        if len(responses) != len(p_correct):
            raise ValueError(f"Got {len(responses)} responses and {len(p_correct)} probabilities.")
        return [r if p >= self.threshold else DECLINE for r, p in zip(responses, p_correct)]

    def apply(self, model, tokenizer, prompts: Sequence, responses: Sequence[str], **kwargs) -> list[str]:
        """The gated responses: :meth:`p_correct` then :meth:`decide` (kwargs go to :meth:`p_correct`)."""
        return self.decide(responses, self.p_correct(model, tokenizer, prompts, responses, **kwargs))

    def generate(self, model, tokenizer, prompts: Sequence, *, max_new_tokens: int = 32,
                 batch_size: int = 16) -> list[tuple[str, float]]:
        """Greedy answers to ``prompts``, gated: ``[(response or "I don't know.", P(correct)), ...]``."""
        from shaping.generation import generate

        answers = [g[0].text for g in generate(model, tokenizer, prompts, max_new_tokens=max_new_tokens,
                                               batch_size=batch_size)]
        p = self.p_correct(model, tokenizer, prompts, answers, batch_size=batch_size)
        return list(zip(self.decide(answers, p), p.tolist()))

    def save(self, folder: str | os.PathLike) -> Path:
        """Write ``<folder>/probe.json`` (atomically); returns its path."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        data = {"format": _FORMAT, "layer": self.layer, "threshold": self.threshold, "intercept": self.intercept,
                "calibration": list(self.calibration), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "model": self.model, "info": self.info}
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".probe-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:  # a kill never leaves half a gate
            json.dump(data, fh, default=float)
        os.replace(tmp, folder / GATE_FILE)
        return folder / GATE_FILE

    @classmethod
    def load(cls, folder: str | os.PathLike, model=None, *, allow_other_weights: bool = False) -> "ProbeGate":
        """Read a gate saved by :meth:`save` (the folder or its ``probe.json``); with ``model``, check it."""
        path = Path(folder)
        path = path / GATE_FILE if path.is_dir() else path
        if not path.exists():
            raise FileNotFoundError(f"No probe gate at {path}; fit one with `shaping probe-fit --out {path.parent}`.")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path} is not readable JSON ({exc}); fit the gate again.") from exc
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            raise ValueError(f"{path} is not a probe gate (format {_FORMAT!r} expected); fit one with "
                             "`shaping probe-fit`.")
        gate = cls(layer=int(data["layer"]), mean=data["mean"], scale=data["scale"], coef=data["coef"],
                   intercept=float(data["intercept"]), calibration=tuple(data["calibration"]),
                   threshold=float(data["threshold"]), model=data["model"], info=data.get("info", {}))
        if model is not None:
            gate.check_model(model, allow_other_weights=allow_other_weights)
        return gate


def check_threshold(threshold: Any) -> float:
    """``threshold`` as a float in [0, 1], or ``ValueError`` naming it."""
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold={threshold!r} must be a probability in [0, 1] (P(correct) below it is declined).")
    return float(threshold)
