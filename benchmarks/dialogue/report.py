"""Metrics and reports of the multi-turn benchmark, per follow-up kind (and language), and the
comparison of several policies on the same dialogues with paired bootstrap intervals.

Rates are conditional on the first answer: ``kept_right_rate``, ``caved_rate`` and
``declined_rate`` over the dialogues whose first answer was right; ``corrected_rate``,
``retracted_rate``, ``kept_wrong_rate`` and ``invented_rate`` over those whose first answer
was wrong or a decline. ``truthfulness_before`` / ``truthfulness_after`` (correct - wrong
rate) are over all dialogues, before and after the follow-up.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from benchmarks.artifacts import atomic_write_text, read_jsonl, results_frame, write_json, write_jsonl
from benchmarks.dialogue.followups import KINDS
from benchmarks.plots import plot_comparison
from benchmarks.tables import markdown_table
from benchmarks.uncertainty import bootstrap_intervals, paired_delta_intervals, paired_rate_delta_interval
from rewards.outcome import outcome_rates

logger = logging.getLogger(__name__)

__all__ = ["compare_dialogue_runs", "dialogue_metrics", "write_dialogue_report"]

AFTER_RIGHT = ("kept_right", "caved", "declined")
AFTER_NOT_RIGHT = ("corrected", "retracted", "kept_wrong", "invented", "kept_abstain")
RATES = tuple(f"{t}_rate" for t in AFTER_RIGHT + AFTER_NOT_RIGHT)
WITH_INTERVALS = ("kept_right_rate", "caved_rate", "corrected_rate", "invented_rate")


def _rate_interval(flags: Sequence[bool]) -> tuple[float, float]:
    """Bootstrap interval of the share of True flags (the accuracy interval of hits as correct)."""
    if not len(flags):
        return float("nan"), float("nan")
    return bootstrap_intervals(["correct" if f else "wrong" for f in flags])["accuracy"]


def _group_metrics(df: pd.DataFrame) -> dict[str, Any]:
    right = df[df["first_outcome"] == "correct"]
    not_right = df[df["first_outcome"] != "correct"]
    out: dict[str, Any] = {"n": len(df), "n_first_right": len(right), "n_first_not_right": len(not_right)}
    for transitions, base in ((AFTER_RIGHT, right), (AFTER_NOT_RIGHT, not_right)):
        for t in transitions:
            out[f"{t}_rate"] = float((base["transition"] == t).mean()) if len(base) else float("nan")
            if f"{t}_rate" in WITH_INTERVALS:
                out[f"{t}_rate_ci"] = _rate_interval((base["transition"] == t).tolist())
    out["truthfulness_before"] = outcome_rates(df["first_outcome"])["truthfulness"]
    out["truthfulness_after"] = outcome_rates(df["outcome"])["truthfulness"]
    out["truthfulness_after_ci"] = bootstrap_intervals(df["outcome"].tolist())["truthfulness"]
    return out


def dialogue_metrics(results: Any) -> dict[str, Any]:
    """Overall, per-kind and per-kind-and-language metrics of a dialogues table (or its jsonl path).

    >>> rows = [{"kind": "bare", "language": "en", "first_outcome": "correct", "outcome": o, "transition": t}
    ...         for o, t in [("correct", "kept_right"), ("wrong", "caved")] * 10]
    >>> m = dialogue_metrics(rows)
    >>> m["by_kind"]["bare"]["caved_rate"], m["overall"]["truthfulness_after"]
    (0.5, 0.0)
    """
    df = results_frame(results)
    missing = {"kind", "language", "first_outcome", "outcome", "transition"} - set(df.columns)
    if missing:
        raise KeyError(f"The dialogue results lack the column(s) {sorted(missing)}; run "
                       "benchmarks.dialogue.evaluate_dialogues (or `shaping bench --dialogue`) to make them.")
    if df.empty:
        raise ValueError("No dialogues to report; the benchmark produced none (check --limit and --kinds).")
    kinds = [k for k in KINDS if k in set(df["kind"])] + sorted(set(df["kind"]) - set(KINDS))
    return {"overall": _group_metrics(df),
            "by_kind": {k: _group_metrics(df[df["kind"] == k]) for k in kinds},
            "by_kind_language": {f"{k}/{lang}": _group_metrics(g) for (k, lang), g in
                                 df.groupby(["kind", "language"], sort=True)}}


def _table(groups: Mapping[str, Mapping[str, Any]], index: str) -> str:
    columns = ["n", "n_first_right", *RATES, "truthfulness_before", "truthfulness_after"]
    frame = pd.DataFrame.from_dict({name: {c: m[c] for c in columns} for name, m in groups.items()},
                                   orient="index")[columns].astype({"n": int, "n_first_right": int}).astype(object)
    return markdown_table(frame, percent=RATES, index=index)


def _ci(m: Mapping[str, Any], key: str) -> str:
    low, high = m[f"{key}_ci"]
    return "-" if np.isnan(low) else f"{low:.2f} to {high:.2f}"


def _markdown(metrics: Mapping[str, Any], *, title: str, meta: Mapping[str, Any]) -> str:
    lines = [f"# {title}", "", f"Created {metrics['created']}. " + ", ".join(f"{k}: {v}" for k, v in meta.items()),
             "", "Rates of what the second answer did, given the first (kept right, caved, declined: over the "
             "dialogues whose first answer was right; the others over those whose first answer was wrong or "
             "declined). Truthfulness = correct - wrong rate, before and after the follow-up. See "
             "docs/dialogue.md.", "", "## Per follow-up kind", "", _table(metrics["by_kind"], "kind"), "",
             "## Per kind and language", "", _table(metrics["by_kind_language"], "kind/language"), "",
             "## 95% bootstrap intervals", ""]
    rows = {name: {key: _ci(m, key) for key in (*WITH_INTERVALS, "truthfulness_after")}
            for name, m in {**metrics["by_kind"], "all": metrics["overall"]}.items()}
    lines += [markdown_table(pd.DataFrame(rows).T, index="kind"), "", "![rates per kind](dialogue.png)", ""]
    return "\n".join(lines)


def write_dialogue_report(results: Any, out_dir: str | os.PathLike, *, title: str = "Multi-turn benchmark",
                          meta: Mapping[str, Any] | None = None) -> Path:
    """Write report.md, dialogue.png, metrics.json and dialogues.jsonl into ``out_dir``; return report.md.

    >>> import tempfile
    >>> rows = [{"id": str(i), "kind": "bare", "language": "en", "first_outcome": "correct",
    ...          "outcome": "correct", "transition": "kept_right"} for i in range(4)]
    >>> sorted(p.name for p in write_dialogue_report(rows, tempfile.mkdtemp()).parent.iterdir())
    ['dialogue.png', 'dialogues.jsonl', 'metrics.json', 'report.md']
    """
    df = results_frame(results)
    metrics = dialogue_metrics(df)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    metrics["title"], metrics["meta"] = title, dict(meta or {})
    metrics["created"] = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    shown = ("kept_right_rate", "caved_rate", "corrected_rate", "invented_rate", "truthfulness_after")
    plot_comparison({k: {s: np.nan_to_num(m[s]) for s in shown} for k, m in metrics["by_kind"].items()},
                    out_dir / "dialogue.png", title=f"{title}: what the second answer did")
    write_jsonl(out_dir / "dialogues.jsonl", df.to_dict("records"))
    write_json(out_dir / "metrics.json", metrics)
    path = atomic_write_text(out_dir / "report.md", _markdown(metrics, title=title, meta=metrics["meta"]))
    logger.info("Wrote the dialogue report to %s (%d dialogues).", path, len(df))
    return path


def _paired_rows(base: pd.DataFrame, other: pd.DataFrame, kind: str | None) -> dict[str, str]:
    a, b = (d if kind is None else d[d["kind"] == kind] for d in (base, other))
    a, b = a.set_index("id"), b.set_index("id")
    t = paired_delta_intervals(a.reset_index()[["id", "outcome"]], b.reset_index()[["id", "outcome"]])
    caved = [pd.Series(np.where(d["first_outcome"] == "correct", (d["transition"] == "caved").astype(float),
                                np.nan), index=d.index) for d in (a, b)]
    low, high = paired_rate_delta_interval(*caved)
    return {"caved_delta_ci": "-" if np.isnan(low) else f"{low:+.2f} to {high:+.2f}",
            "truthfulness_after_delta_ci": f"{t['truthfulness'][0]:+.2f} to {t['truthfulness'][1]:+.2f}"}


def compare_dialogue_runs(report_dirs: Sequence[str | os.PathLike], names: Sequence[str],
                          out_dir: str | os.PathLike) -> Path:
    """Caved rate and truthfulness after the follow-up, per kind, for several runs against the first,
    with paired 95% bootstrap intervals of the differences; writes compare.md and compare.png.

    The second-turn dialogues differ between policies (each follows its own first answer), so
    the pairing is by question, kind and language (the dialogue id); dialogue ids one run
    lacks (a right-candidate follow-up only follows a wrong first answer) are left out of the pair.
    """
    if len(report_dirs) != len(names) or len(names) < 2:
        raise ValueError(f"Got {len(report_dirs)} report folders and {len(names)} names; pass one name per "
                         "folder, at least two (the first is the baseline).")
    runs = {n: read_jsonl(Path(d) / "dialogues.jsonl") for n, d in zip(names, report_dirs)}
    base_name, base = names[0], runs[names[0]]
    rows, bars = [], {}
    for name, df in runs.items():
        m = dialogue_metrics(df)
        bars[name] = {f"{k} caved": v["caved_rate"] for k, v in m["by_kind"].items() if not np.isnan(v["caved_rate"])}
        bars[name].update({f"{k} truth after": v["truthfulness_after"] for k, v in m["by_kind"].items()})
        for kind in [*m["by_kind"], None]:
            g = m["overall"] if kind is None else m["by_kind"][kind]
            row = {"policy": name, "kind": kind or "all", "caved_rate": g["caved_rate"],
                   "truthfulness_after": g["truthfulness_after"], "n": g["n"]}
            if name != base_name:
                row.update(_paired_rows(base, df, kind))
            rows.append(row)
    table = pd.DataFrame(rows)
    out_dir = Path(out_dir)
    plot_comparison(bars, out_dir / "compare.png", title="Caved rate and truthfulness after the follow-up")
    text = (f"# Multi-turn benchmark: {', '.join(names)}\n\nDifferences against {base_name!r}, paired by dialogue "
            "(question, kind, language), 95% bootstrap intervals.\n\n"
            + markdown_table(table, percent=["caved_rate"]) + "\n\n![comparison](compare.png)\n")
    return atomic_write_text(out_dir / "compare.md", text)
