"""The Markdown the demo and the training benchmarks write: tables, intervals, ceilings, targets.

Numbers come from :mod:`benchmarks.training.summary`, :mod:`benchmarks.training.ceilings` and
:func:`benchmarks.uncertainty.paired_ratio_intervals`; this module only words them. Every
threshold in the text is read from :data:`~benchmarks.training.summary.TARGETS`.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import pandas as pd

from benchmarks.training.ceilings import grouped_ceiling, selective_ceiling
from benchmarks.training.summary import TARGETS, summary_markdown, summary_row, target_checks
from benchmarks.uncertainty import paired_ratio_intervals

#: Where SUMMARY.md sends readers for the rest of the demo's report.
DEMO_FILES = ("report/base/report.md", "report/after/report.md", "report/compare/")


def interval_table(named_results: Mapping[str, Any], base: Any, *, level: float) -> list[str]:
    """Markdown lines: each policy's paired bootstrap interval of its ratios against ``base``."""
    t = paired_ratio_intervals(named_results, base, level=level)
    lines = [f"## How sure (paired bootstrap over the questions, {level:.0%} intervals)", "",
             "| policy | accuracy_kept | hallucination_cut | truthfulness |", "|---|---|---|---|"]
    for name, r in t.iterrows():
        lines.append(f"| {name} | {100 * r['accuracy_kept_low']:.0f}-{100 * r['accuracy_kept_high']:.0f}% | "
                     f"{100 * r['hallucination_cut_low']:.0f}-{100 * r['hallucination_cut_high']:.0f}% | "
                     f"{r['truthfulness_low']:.2f} to {r['truthfulness_high']:.2f} |")
    return lines


def _selective_text(c: Mapping[str, Any]) -> str:
    kept, cut = TARGETS["accuracy_kept"], TARGETS["hallucination_cut"]
    text = (f"Ceiling from the base model's own confidence: declining its least confident answers (mean "
            f"log-probability) while keeping >= {kept:.0%} of its accuracy cuts hallucination by at most "
            f"{100 * c['hallucination_cut']:.0f}% on these {c['n']} questions.")
    if c["hallucination_cut"] < cut:
        text += (" A policy that only learns when to decline, with no new knowledge and no better confidence "
                 f"than this, cannot reach a {cut:.0%} cut at {kept:.0%} accuracy kept.")
    return text


def _oracle_text(g: Mapping[str, Any], scores: Mapping[str, float]) -> str:
    kept = TARGETS["accuracy_kept"]
    text = (f"Oracle ceiling per relation: with the best number of least-confident answers to decline in "
            f"each relation, chosen after seeing the outcomes, declining alone cuts hallucination by at most "
            f"{100 * g['hallucination_cut']:.0f}% at >= {kept:.0%} accuracy kept (which, for a policy that only "
            f"declines, is also abstention on known questions <= {1 - kept:.0%}). Past that, only answers turned "
            "from wrong to right count.")
    text += f" The same oracle's best truthfulness at >= {kept:.0%} accuracy kept is {g['truthfulness']:.3f}."
    above = {name: score for name, score in scores.items() if score > g["truthfulness"] + 1e-9}
    if above:
        text += (" Above that: " + ", ".join(f"{name} ({score:.3f})" for name, score in above.items())
                 + f". A policy that keeps >= {kept:.0%} of the accuracy outscores these only with answers "
                 "turned from wrong to right.")
    return text


def uncertainty_section(named_results: Mapping[str, Any], base: Any, *, level: float = 0.9) -> list[str]:
    """Markdown lines: paired bootstrap intervals of every policy's ratios, and the base
    model's ceilings from declining alone (see :func:`interval_table`, :func:`selective_ceiling`,
    :func:`grouped_ceiling`); a ceiling whose column the results lack is left out."""
    lines = interval_table(named_results, base, level=level)
    try:
        c = selective_ceiling(base)
    except KeyError:  # results without a confidence column: no ceiling to report
        return lines
    lines += ["", _selective_text(c)]
    try:
        g = grouped_ceiling(base)
    except KeyError:  # results without a relation column: no per-relation bound
        return lines
    scores = {name: summary_row(results, base)["truthfulness"] for name, results in named_results.items()}
    return lines + ["", _oracle_text(g, scores)]


def selection_line(selection: Mapping[str, Any]) -> str:
    """The checkpoint the validation selector kept, in one sentence (or why the final weights were).

    >>> selection_line({"best": None, "min_accuracy": 0.3})
    'No checkpoint reached the validation accuracy floor (0.300); the final weights were kept.'
    """
    best = selection.get("best") or {}
    if not best:
        return (f"No checkpoint reached the validation accuracy floor ({selection['min_accuracy']:.3f}); "
                "the final weights were kept.")
    # folders written before the validation keys were renamed hold ``val/truthfulness``
    score = best.get("validation/truthfulness", best.get("val/truthfulness"))
    return (f"Selected checkpoint: step {best['step']} (validation truthfulness {score:.3f}, "
            f"accuracy floor {selection['min_accuracy']:.3f}).")


def demo_summary(named_results: Mapping[str, Any], base: Any, table: pd.DataFrame, *, relations: Sequence[str],
                 selection: Mapping[str, Any], figures: Sequence[str], extra: Sequence[str] = ()) -> str:
    """SUMMARY.md of ``shaping demo``: the table (its last row is the trained policy), the
    intervals and ceilings, ``extra`` lines (the probe gate's section), the targets, the selected
    checkpoint and where the rest is."""
    checks = target_checks(table, list(named_results)[-1])
    lines = ["# Demo summary", "",
             f"Held-out questions: {int(table['n'].iloc[0])} ({', '.join(relations)}; entities unseen in "
             "training). Greedy decoding. Rates over the answerable questions; declined_unanswerable: declines "
             "among those with no true answer (fictitious entities).", "",
             summary_markdown(table), "",
             "abstain_known: declines among the questions the base model answers right.", "",
             *uncertainty_section(named_results, base), "",
             *(list(extra) + [""] if extra else []),
             "## Targets", "", *(f"- {k}: {'yes' if v else 'NO'}" for k, v in checks.items()), "",
             selection_line(selection), "",
             "Reports: " + ", ".join(DEMO_FILES) + "; curves: " + "; ".join(figures)]
    return "\n".join(lines) + "\n"


def training_results(named_results: Mapping[str, Any], base: Any, table: pd.DataFrame, *, config: Any,
                     timings: Mapping[str, Mapping[str, float]]) -> str:
    """``results.md`` of the training benchmark: the settings, the table, intervals and ceilings,
    and each run's seconds per RL step (``config`` is the :class:`~benchmarks.training.config.DemoConfig`)."""
    return "\n".join([
        "# Training benchmark", "",
        f"{int(table['n'].iloc[0])} held-out questions ({', '.join(config.relations)}), greedy; "
        f"{config.steps} {config.trainer.upper()} steps x {config.prompts_per_step} prompts x "
        f"{config.num_generations} samples, seed {config.seed}; all RL runs start from the warm start.", "",
        summary_markdown(table), "",
        *uncertainty_section(named_results, base), "",
        "Seconds per RL step: " + ", ".join(f"{r} {t['seconds_per_step']:.1f}" for r, t in timings.items()), "",
    ])
