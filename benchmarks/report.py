"""The benchmark report: one folder with report.md, PNG plots, metrics.json and results.jsonl.

>>> import pandas as pd, tempfile
>>> df = pd.DataFrame({"outcome": ["correct", "wrong", "abstain", "correct"],
...                    "logprob": [-0.1, -1.5, -0.9, -0.3]})
>>> path = write_report(df, tempfile.mkdtemp())
>>> path.name
'report.md'

Sections whose inputs are missing (no k samples: no knowledge boundary; no ``logprob``: no
risk-coverage) are left out and the report says why. See docs/metrics.md for how to read it.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from benchmarks import plots
from benchmarks.artifacts import atomic_write_text, results_frame, write_json, write_jsonl
from benchmarks.boundary import knowledge_boundary
from benchmarks.compare import compare_reports
from benchmarks.metrics import DERIVED_GROUPS, check_columns, sampled_rates, summarize
from benchmarks.schemes import (
    DEFAULT_PENALTIES,
    DEFAULT_SCHEMES,
    check_schemes,
    penalty_schemes,
    penalty_sweep,
    scheme_confidence,
    scheme_table,
)
from benchmarks.selective import CONFIDENCES, aurc_score, risk_coverage_curve, selective_sweep
from benchmarks.tables import markdown_table
from benchmarks.uncertainty import bootstrap_intervals

__all__ = ["compare_reports", "compute_metrics", "write_report"]
logger = logging.getLogger(__name__)
FRONTIER_POINTS = 200  # curves kept in metrics.json are thinned to about this many points


def _thin(table: pd.DataFrame) -> dict[str, list]:
    keep = np.unique(np.linspace(0, len(table) - 1, min(len(table), FRONTIER_POINTS)).round().astype(int))
    return table.iloc[keep].to_dict("list")


def _add_selective(judged: pd.DataFrame, out: dict[str, Any], notes: list[str]) -> None:
    """Risk-coverage, AURC and the frontier for every confidence that covers all answered questions."""
    answered = (judged["outcome"] != "abstain").to_numpy()
    if not answered.any():
        notes.append("No risk-coverage curve: the policy declined every question, so there is no answer to rank.")
        return
    for method in CONFIDENCES:
        if method not in judged.columns:
            continue
        conf = pd.to_numeric(judged[method], errors="coerce").to_numpy(float)
        if np.isnan(conf[answered]).any():
            where = "all" if np.isnan(conf[answered]).all() else "some"
            notes.append(f"No `{method}` curve: it is null on {where} answered questions"
                         + (" (k = 0 samples)." if where == "all" and method != "logprob" else "."))
            continue
        coverage, risk, _ = risk_coverage_curve(judged["outcome"], conf)
        out["selective"][method] = {"aurc": aurc_score(judged["outcome"], conf),
                                    "e_aurc": aurc_score(judged["outcome"], conf, excess=True),
                                    "max_coverage": float(coverage[-1]),
                                    **_thin(pd.DataFrame({"coverage": coverage, "risk": risk}))}
        out["frontier"][method] = _thin(selective_sweep(judged["outcome"], conf))
    if not out["selective"]:
        notes.append("No risk-coverage curve: no confidence column (`logprob`, `agreement`, `p_correct`) covers "
                     "every answered question.")


def compute_metrics(results: Any, *, schemes: Iterable[Sequence[float]] = DEFAULT_SCHEMES,
                    penalties: Iterable[float] = DEFAULT_PENALTIES, n_buckets: int = 3) -> dict[str, Any]:
    """Every number the report shows, as one dict (the content of metrics.json, without figures).

    >>> m = compute_metrics(pd.DataFrame({"outcome": ["correct", "abstain"]}))
    >>> m["overall"]["accuracy"], m["boundary"]
    (0.5, None)
    """
    schemes, penalties = check_schemes(schemes), list(penalties)
    penalty_schemes(penalties)  # bad schemes or penalties raise here, before any work
    df = results_frame(results)
    check_columns(df, ["outcome"], what="The benchmark report")
    if df.empty:
        raise ValueError("The results are empty (0 rows); evaluate at least one question before writing a report.")
    judged = df[df["outcome"].notna()].reset_index(drop=True)
    by = [g for g in ("query_type", "answerable", "relation", "popularity") if DERIVED_GROUPS.get(g, g) in df.columns]
    summary = summarize(df, by=by, n_buckets=n_buckets)
    notes: list[str] = []
    out: dict[str, Any] = {"n_rows": len(df), "n_judged": len(judged), "n_unjudged": len(df) - len(judged),
                           "overall": summary.iloc[0].drop(["group", "value"]).to_dict(),
                           "summary": summary.to_dict("records"), "boundary": None, "selective": {},
                           "frontier": {}, "schemes": None, "penalty_sweep": None}
    missing_groups = sorted({"query_type", "relation", "popularity"} - set(by))
    if missing_groups:
        notes.append(f"No per-group rows for {missing_groups}: the results lack those columns.")

    out["intervals"] = bootstrap_intervals(judged)
    out["sampled"] = (sampled_rates(judged) if {"p_correct", "p_abstain"} <= set(judged.columns)
                      and judged["p_correct"].notna().any() else None)
    if "known" in judged.columns and judged["known"].notna().any():
        out["boundary"] = knowledge_boundary(judged)
    else:
        notes.append("No knowledge boundary: the results carry no k-sample `known` labels (run with --samples k > 0).")
    _add_selective(judged, out, notes)
    try:
        confidence = scheme_confidence(judged)
    except (ValueError, KeyError) as err:  # no usable P(correct): the section is left out, and says why
        notes.append(f"No reward-scheme analysis: {err}")
    else:
        out["schemes"] = scheme_table(judged, schemes, confidence=confidence).to_dict("records")
        out["penalty_sweep"] = penalty_sweep(judged, penalties=penalties, confidence=confidence).to_dict("records")
    out["notes"] = notes
    return out


def _figures(metrics: Mapping[str, Any], out_dir: Path) -> dict[str, str]:
    figures: dict[str, str] = {}
    summary = pd.DataFrame(metrics["summary"])
    for group in ("popularity", "query_type"):
        if (summary["group"] == group).any():
            name = f"outcomes_by_{group}.png"
            plots.plot_outcome_rates(summary, out_dir / name, group=group)
            figures[f"outcomes_by_{group}"] = name
    if metrics["frontier"]:
        overall = metrics["overall"]
        sweeps = {k: pd.DataFrame(v) for k, v in metrics["frontier"].items()}
        plots.plot_frontier(sweeps, out_dir / "frontier.png",
                            policy_points={"policy as is": (overall["abstention_rate"], overall["accuracy"])})
        curves = {k: (np.asarray(v["coverage"]), np.asarray(v["risk"])) for k, v in metrics["selective"].items()}
        plots.plot_risk_coverage(curves, out_dir / "risk_coverage.png",
                                 aurc={k: v["aurc"] for k, v in metrics["selective"].items()})
        figures.update(frontier="frontier.png", risk_coverage="risk_coverage.png")
    if metrics["penalty_sweep"]:
        plots.plot_reward_vs_penalty(pd.DataFrame(metrics["penalty_sweep"]), out_dir / "reward_vs_penalty.png")
        figures["reward_vs_penalty"] = "reward_vs_penalty.png"
    return figures


def _markdown(metrics: Mapping[str, Any], *, title: str, meta: Mapping[str, Any]) -> str:
    fig = metrics["figures"]
    lines = [f"# {title}", "", f"Written {metrics['created']}. {metrics['n_judged']} judged questions"
             f" ({metrics['n_unjudged']} creative/unjudged rows left out of the rates)."]
    lines += [f"- {k}: {v}" for k, v in meta.items()]
    lines += ["", "How to read this report: docs/metrics.md. Raw per-question results: [results.jsonl](results.jsonl);"
              " every number: [metrics.json](metrics.json).", "", "## Outcomes", "",
              markdown_table(pd.DataFrame(metrics["summary"])), ""]
    ci = ", ".join(f"{k} [{lo:.3f}, {hi:.3f}]" for k, (lo, hi) in metrics["intervals"].items())
    lines += [f"95% bootstrap intervals (overall): {ci}.", ""]
    if metrics.get("sampled"):
        greedy, sampled = metrics["overall"], metrics["sampled"]
        rows = [{"decoding": name, **{k: m[k] for k in ("n", "accuracy", "abstention_rate", "hallucination_rate")}}
                for name, m in (("greedy", greedy), ("sampled (mean of k-sample shares)", sampled))]
        lines += ["Greedy vs sampled outcome rates (RL trains on samples):", "", markdown_table(pd.DataFrame(rows)), ""]
    lines += [f"![{k}]({v})" for k, v in fig.items() if k.startswith("outcomes_by_")]
    if metrics["boundary"]:
        b = metrics["boundary"]
        lines += ["", "## Knowledge boundary (k samples per question; known = p_correct >= 0.5)", "",
                  markdown_table(pd.DataFrame({"measure": list(b),
                                              "value": pd.Series(list(b.values()), dtype=object)}))]
    if metrics["selective"]:
        rows = [{"confidence": k, "AURC": v["aurc"], "E-AURC": v["e_aurc"], "max coverage": v["max_coverage"]}
                for k, v in metrics["selective"].items()]
        lines += ["", "## Selective prediction (lower AURC = confidence ranks right answers first)", "",
                  markdown_table(pd.DataFrame(rows)), "", f"![risk-coverage]({fig['risk_coverage']})",
                  f"![accuracy vs abstention]({fig['frontier']})"]
    if metrics["schemes"]:
        lines += ["", f"## Reward schemes (confidence: {metrics['schemes'][0]['confidence']})", "",
                  markdown_table(pd.DataFrame(metrics["schemes"]).drop(columns="confidence")), "",
                  "### Wrong-answer penalty sweep", "",
                  markdown_table(pd.DataFrame(metrics["penalty_sweep"]).drop(columns=["confidence", "wrong"])), "",
                  f"![reward vs penalty]({fig['reward_vs_penalty']})"]
    if metrics["notes"]:
        lines += ["", "## Left out", ""] + [f"- {n}" for n in metrics["notes"]]
    return "\n".join(lines) + "\n"


def write_report(results_df: Any, out_dir: str | os.PathLike, *, title: str = "Knowledge benchmark report",
                 meta: Mapping[str, Any] | None = None, schemes: Iterable[Sequence[float]] = DEFAULT_SCHEMES,
                 penalties: Iterable[float] = DEFAULT_PENALTIES, n_buckets: int = 3) -> Path:
    """Write report.md, the PNGs, metrics.json and results.jsonl into ``out_dir``; return report.md's path.

    Args:
        results_df: per-question results (DataFrame, list of dicts, or a results.jsonl path).
        meta: extra facts to print and store (model, k, decoding, ...).
        schemes: ``(correct, abstain, wrong)`` triples for the scheme table.
        penalties: wrong-answer penalties for the sweep (``wrong = -penalty``).

    >>> import tempfile
    >>> rows = [{"outcome": "correct", "logprob": -0.2, "p_correct": 0.75},
    ...         {"outcome": "wrong", "logprob": -1.0, "p_correct": 0.25}]
    >>> out = write_report(rows, tempfile.mkdtemp(), title="Two questions")
    >>> sorted(p.name for p in out.parent.iterdir())
    ['frontier.png', 'metrics.json', 'report.md', 'results.jsonl', 'reward_vs_penalty.png', 'risk_coverage.png']
    """
    df = results_frame(results_df)
    metrics = compute_metrics(df, schemes=schemes, penalties=penalties, n_buckets=n_buckets)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    metrics["title"], metrics["meta"] = title, dict(meta or {})
    metrics["created"] = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    metrics["figures"] = _figures(metrics, out_dir)
    write_jsonl(out_dir / "results.jsonl", df.to_dict("records"))
    write_json(out_dir / "metrics.json", metrics)
    path = atomic_write_text(out_dir / "report.md", _markdown(metrics, title=title, meta=metrics["meta"]))
    logger.info("Wrote the report to %s (%d questions, accuracy %.3f).", path, metrics["n_judged"],
                metrics["overall"]["accuracy"])
    return path
