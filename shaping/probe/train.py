"""Fitting a probe gate end to end: the model's own greedy answers, judged, read, probed, thresholded.

>>> gate, report = fit_gate(model, tokenizer, rows, threshold=TruthfulnessReward(wrong=-1.5))  # doctest: +SKIP
>>> gate.layer, gate.threshold                                                                 # doctest: +SKIP
(..., 0.6)
>>> gate.save("runs/probe")                                                                    # doctest: +SKIP
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from rewards.judging import judge_completion
from shaping.probe.features import answer_states, check_layers, num_layers
from shaping.probe.fit import DEFAULT_CS, budget_threshold, fit_probe
from shaping.probe.gate import ProbeGate, check_threshold, model_identity

logger = logging.getLogger(__name__)


@dataclass
class GateReport:
    """What fitting a gate saw: every answer's outcome, the layer search, out-of-fold P(correct)."""

    outcomes: list[str]
    """The judge's outcome of each row's response (``abstain`` rows were left out of the fit)."""
    responses: list[str]
    search: pd.DataFrame
    oof_p_correct: np.ndarray
    """Out-of-fold calibrated P(correct) of the answered rows, in row order."""


def label_responses(rows: Sequence[dict], responses: Sequence[str]) -> list[str]:
    """The judge's outcome of each response (``correct`` / ``abstain`` / ``wrong``), with competitors if given.

    >>> label_responses([{"prompt": "Capital of France?", "answers": ["Paris"]}], ["Paris."])
    ['correct']
    """
    return [judge_completion(r["prompt"], resp, r["answers"], r.get("competitors")).outcome.value
            for r, resp in zip(rows, responses)]


def check_threshold_choice(threshold: Any, abstain_known: float | None) -> None:
    """Raise ``ValueError`` unless one way of setting the threshold is given, with a valid value."""
    if abstain_known is not None:
        if threshold is not None:
            raise ValueError("Pass either threshold (a number or a reward) or abstain_known (a budget), not both.")
        if not 0.0 <= abstain_known < 1.0:
            raise ValueError(f"abstain_known={abstain_known} must lie in [0, 1): the share of right answers the "
                             "gate may decline.")
    elif threshold is not None and not hasattr(threshold, "implied_threshold"):
        check_threshold(threshold)


def resolve_threshold(threshold: Any, abstain_known: float | None, oof_p: np.ndarray,
                      y: np.ndarray) -> tuple[float, str]:
    """The gate's threshold and where it came from: a reward's implied threshold, a number, or a budget."""
    check_threshold_choice(threshold, abstain_known)
    if abstain_known is not None:
        return budget_threshold(oof_p, y, abstain_known), f"abstain_known budget {abstain_known:g}"
    if threshold is None:
        threshold = 0.5
    if hasattr(threshold, "implied_threshold"):
        levels = getattr(threshold, "outcome_levels", {})
        return (check_threshold(threshold.implied_threshold),
                f"{type(threshold).__name__} {tuple(levels.values())} implied threshold")
    return check_threshold(threshold), "given"


def _check_rows(rows: Sequence[dict], responses: Sequence[str] | None, groups: Sequence | None, group_by: str) -> None:
    if not rows:
        raise ValueError("No rows to fit a probe on; pass questions with 'prompt' and 'answers'.")
    missing = [c for c in ("prompt", "answers") if c not in rows[0]]
    if missing:
        raise KeyError(f"The rows lack {missing} (they have {sorted(rows[0])}); each needs 'prompt' (text or chat) "
                       "and 'answers' (gold answers, [] for none).")
    if responses is not None and len(responses) != len(rows):
        raise ValueError(f"Got {len(responses)} responses for {len(rows)} rows; pass one per row.")
    if groups is None and any(group_by not in r for r in rows):
        raise KeyError(f"Rows lack the group column {group_by!r}; pass group_by= naming a column (entity, relation) "
                       "or groups=.")


def fit_gate(model, tokenizer, rows: Sequence[dict], *, responses: Sequence[str] | None = None,
             threshold: Any = None, abstain_known: float | None = None, layers: Sequence[int] | None = None,
             Cs: Sequence[float] = DEFAULT_CS, group_by: str = "entity", groups: Sequence | None = None,
             n_splits: int = 5, batch_size: int = 16, max_new_tokens: int = 32, seed: int = 0,
             states: np.ndarray | None = None, progress: bool = False) -> tuple[ProbeGate, GateReport]:
    """Fit a :class:`ProbeGate` for ``model`` on its own answers to ``rows``.

    Args:
        rows: training questions with ``prompt`` (text or chat), ``answers`` (gold; ``[]`` for none),
            optionally ``competitors``, and the ``group_by`` column.
        responses: the model's greedy answers to ``rows`` when already generated; else they are generated.
        threshold: a probability, or a reward with ``implied_threshold`` (``TruthfulnessReward``);
            default 0.5 (that of correct 1, abstain 0, wrong -1).
        abstain_known: instead of ``threshold``, the largest share of right answers the gate may
            decline (read on the training answers' out-of-fold P(correct)).
        layers: hidden-state layers to choose from (default: every block).
        group_by, groups: folds keep each group together (default: the row's entity).
        states: :func:`~shaping.probe.features.answer_states` of ``rows`` and ``responses`` at
            ``layers``, when already computed (a benchmark fitting several gates); skips the forward pass.
    """
    _check_rows(rows, responses, groups, group_by)
    check_threshold_choice(threshold, abstain_known)  # before any model work
    layers = check_layers(range(1, num_layers(model) + 1) if layers is None else layers, model)
    prompts = [r["prompt"] for r in rows]
    if responses is None:
        from shaping.generation import generate

        responses = [g[0].text for g in generate(model, tokenizer, prompts, max_new_tokens=max_new_tokens,
                                                 batch_size=batch_size, progress=progress, desc="greedy answers")]
    responses = [str(r) for r in responses]
    outcomes = label_responses(rows, responses)
    answered = [i for i, o in enumerate(outcomes) if o != "abstain"]
    y = np.array([outcomes[i] == "correct" for i in answered], dtype=int)
    group_of = [groups[i] if groups is not None else rows[i][group_by] for i in answered]
    logger.info("probe: %d answers (%d right, %d wrong, %d declined by the model itself)", len(answered),
                int(y.sum()), int(len(y) - y.sum()), len(rows) - len(answered))
    if states is None:
        states = answer_states(model, tokenizer, [prompts[i] for i in answered], [responses[i] for i in answered],
                               layers=layers, batch_size=batch_size, progress=progress)
    elif states.shape[:2] != (len(rows), len(layers)):
        raise ValueError(f"states has shape {states.shape}; expected ({len(rows)} rows, {len(layers)} layers, hidden).")
    else:
        states = states[answered]
    fit = fit_probe(states, y, group_of, layers, Cs=Cs, n_splits=n_splits, seed=seed, progress=progress)
    value, source = resolve_threshold(threshold, abstain_known, fit.oof_p_correct, y)
    best = fit.search.loc[fit.search["auroc"].idxmax()]
    info = {"n_answers": len(y), "n_correct": int(y.sum()), "n_groups": len(set(map(str, group_of))),
            "group_by": "given" if groups is not None else group_by, "C": fit.C, "cv_auroc": float(best["auroc"]),
            "layers_tried": layers, "n_splits": n_splits, "threshold_source": source}
    logger.info("probe: layer %d, C %g, grouped-CV AUROC %.3f; threshold %.3f (%s)", fit.layer, fit.C,
                info["cv_auroc"], value, source)
    gate = ProbeGate(layer=fit.layer, mean=fit.mean, scale=fit.scale, coef=fit.coef, intercept=fit.intercept,
                     calibration=fit.calibration, threshold=value, model=model_identity(model), info=info)
    return gate, GateReport(outcomes, responses, fit.search, fit.oof_p_correct)
