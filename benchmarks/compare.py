"""Two benchmark reports side by side: metric deltas in Markdown and comparison plots.

>>> import pandas as pd, tempfile
>>> from benchmarks.report import write_report
>>> a = write_report(pd.DataFrame({"outcome": ["wrong", "correct"]}), tempfile.mkdtemp()).parent
>>> b = write_report(pd.DataFrame({"outcome": ["abstain", "correct"]}), tempfile.mkdtemp()).parent
>>> compare_reports(a, b, tempfile.mkdtemp()).name
'comparison.md'
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from benchmarks import plots
from benchmarks.artifacts import atomic_write_text, read_jsonl
from benchmarks.tables import markdown_table
from benchmarks.uncertainty import paired_delta_intervals

logger = logging.getLogger(__name__)
OVERALL_KEYS = ("accuracy", "abstention_rate", "hallucination_rate", "truthfulness", "answered_precision")
BOUNDARY_KEYS = ("known_fraction", "known_accuracy", "known_abstention", "unknown_abstention",
                 "unknown_hallucination", "boundary_agreement")


def load_metrics(report_dir: str | os.PathLike) -> dict[str, Any]:
    """Read a report folder's metrics.json, with an error that says what to pass if it is not one.

    >>> load_metrics(".")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    FileNotFoundError: . holds no metrics.json; pass a folder written by `shaping bench` or ...
    """
    path = Path(report_dir) / "metrics.json"
    if not path.is_file():
        raise FileNotFoundError(f"{report_dir} holds no metrics.json; pass a folder written by "
                                "`shaping bench` or benchmarks.report.write_report.")
    return json.loads(path.read_text(encoding="utf-8"))


def _paired_intervals(dir_a: Path, dir_b: Path) -> dict[str, tuple[float, float]] | None:
    """Paired bootstrap intervals of the deltas, when both folders hold results with question ids."""
    paths = [Path(d) / "results.jsonl" for d in (dir_a, dir_b)]
    if not all(p.is_file() for p in paths):
        return None
    a, b = (read_jsonl(p) for p in paths)
    if not {"id", "outcome"} <= set(a.columns) & set(b.columns):
        return None
    judged_ids = [set(df.loc[df["outcome"].notna(), "id"]) for df in (a, b)]
    if not judged_ids[0] & judged_ids[1]:  # different questions: not paired, the Markdown says so
        return None
    return paired_delta_intervals(a, b)


def _delta_table(a: Mapping[str, Any], b: Mapping[str, Any], keys: Sequence[str], names: Sequence[str]) -> pd.DataFrame:
    rows = []
    for key in keys:
        va, vb = a.get(key), b.get(key)
        delta = vb - va if va is not None and vb is not None else None
        rows.append({"metric": key, names[0]: va, names[1]: vb, "delta": delta})
    return pd.DataFrame(rows)


def _group_deltas(a: Mapping[str, Any], b: Mapping[str, Any], names: Sequence[str]) -> pd.DataFrame:
    cols = ["group", "value", "n", "accuracy", "abstention_rate", "hallucination_rate"]
    sa = pd.DataFrame(a["summary"])[cols]
    sb = pd.DataFrame(b["summary"])[cols]
    merged = sa.merge(sb, on=["group", "value"], suffixes=(f" {names[0]}", f" {names[1]}"))
    for metric in cols[3:]:
        merged[f"Δ {metric}"] = merged[f"{metric} {names[1]}"] - merged[f"{metric} {names[0]}"]
    keep = ["group", "value", f"n {names[0]}", f"n {names[1]}"] + [f"Δ {m}" for m in cols[3:]]
    return merged[keep]


def compare_reports(report_dir_a: str | os.PathLike, report_dir_b: str | os.PathLike, out_dir: str | os.PathLike,
                    *, names: Sequence[str] = ("before", "after")) -> Path:
    """Write comparison.md (metric deltas, b minus a) and comparison PNGs; return the Markdown's path.

    Both folders must hold a metrics.json (from :func:`benchmarks.report.write_report`);
    sections present in only one of them are left out. See the module docstring's example.
    """
    if len(names) != 2 or names[0] == names[1]:
        raise ValueError(f"names={tuple(names)} must be two different labels, e.g. ('before', 'after').")
    a, b = load_metrics(report_dir_a), load_metrics(report_dir_b)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    overall_table = _delta_table(a["overall"], b["overall"], OVERALL_KEYS, names)
    intervals = _paired_intervals(Path(report_dir_a), Path(report_dir_b))
    if intervals:
        overall_table["95% CI of delta"] = [f"[{intervals[k][0]:+.3f}, {intervals[k][1]:+.3f}]" if k in intervals
                                            else "-" for k in overall_table["metric"]]
    ci_note = ("95% CI: paired bootstrap over the questions both runs judged (matched by id)." if intervals else
               "No CI of the deltas: the two runs do not share judged questions with ids in results.jsonl.")
    lines = [f"# {names[0]} vs {names[1]}", "", f"- {names[0]}: {report_dir_a} ({a['n_judged']} judged questions)",
             f"- {names[1]}: {report_dir_b} ({b['n_judged']} judged questions)", "",
             "Deltas are " + f"{names[1]} minus {names[0]}. {ci_note}", "", "## Overall", "",
             markdown_table(overall_table), "", "![comparison](comparison.png)"]
    overall = {name: {k: m["overall"][k] for k in OVERALL_KEYS} for name, m in zip(names, (a, b))}
    plots.plot_comparison({n: {k: v for k, v in m.items() if v is not None} for n, m in overall.items()},
                          out_dir / "comparison.png", title=f"{names[0]} vs {names[1]}")
    if a.get("sampled") and b.get("sampled"):
        lines += ["", "## Under sampling (mean k-sample shares)", "",
                  markdown_table(_delta_table(a["sampled"], b["sampled"], OVERALL_KEYS[:3], names))]
    if a.get("boundary") and b.get("boundary"):
        lines += ["", "## Knowledge boundary", "", markdown_table(_delta_table(a["boundary"], b["boundary"],
                                                                                 BOUNDARY_KEYS, names))]
    shared = sorted(set(a.get("selective", {})) & set(b.get("selective", {})))
    if shared:
        rows = [{"confidence": m, f"AURC {names[0]}": a["selective"][m]["aurc"],
                 f"AURC {names[1]}": b["selective"][m]["aurc"],
                 f"max coverage {names[0]}": a["selective"][m]["max_coverage"],
                 f"max coverage {names[1]}": b["selective"][m]["max_coverage"]} for m in shared]
        conf = next(c for c in ("logprob", "agreement", "p_correct", *shared) if c in shared)
        sweeps = {f"{n} ({conf})": pd.DataFrame(m["frontier"][conf]) for n, m in zip(names, (a, b))}
        points = {f"{n} as is": (m["overall"]["abstention_rate"], m["overall"]["accuracy"])
                  for n, m in zip(names, (a, b))}
        plots.plot_frontier(sweeps, out_dir / "frontier_comparison.png", policy_points=points,
                            title=f"Accuracy vs abstention: {names[0]} vs {names[1]}")
        lines += ["", "## Selective prediction", "", markdown_table(pd.DataFrame(rows)), "",
                  "![frontier comparison](frontier_comparison.png)"]
    if a.get("schemes") and b.get("schemes"):
        sa, sb = pd.DataFrame(a["schemes"]), pd.DataFrame(b["schemes"])
        merged = sa.merge(sb, on=["correct", "abstain", "wrong"], suffixes=(f" {names[0]}", f" {names[1]}"))
        cols = ["correct", "abstain", "wrong", f"threshold {names[0]}"]
        for metric in ("policy_reward", "selective_reward"):
            merged[f"Δ {metric}"] = merged[f"{metric} {names[1]}"] - merged[f"{metric} {names[0]}"]
            cols += [f"{metric} {names[0]}", f"{metric} {names[1]}", f"Δ {metric}"]
        lines += ["", "## Reward schemes (mean reward per question)", "",
                  markdown_table(merged[cols].rename(columns={f"threshold {names[0]}": "threshold"}))]
    lines += ["", "## By group", "", markdown_table(_group_deltas(a, b, names))]
    path = atomic_write_text(out_dir / "comparison.md", "\n".join(lines) + "\n")
    logger.info("Wrote the comparison to %s.", path)
    return path
