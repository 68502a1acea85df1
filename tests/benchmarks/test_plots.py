"""Plots: each writes a non-empty PNG from computed tables, and refuses what it cannot draw."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import plots
from benchmarks.metrics import summarize
from benchmarks.schemes import penalty_sweep
from benchmarks.selective import risk_coverage_curve, selective_sweep
from tests.benchmarks.synthetic_results import make_results

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _is_png(path) -> bool:
    data = path.read_bytes()
    return data.startswith(PNG_MAGIC) and len(data) > 2000


@pytest.fixture(scope="module")
def results():
    return make_results(150, creative=0)


def test_every_report_plot_writes_a_png(results, tmp_path):
    conf = results["logprob"].to_numpy()
    coverage, risk, _ = risk_coverage_curve(results["outcome"], conf)
    paths = [
        plots.plot_frontier({"logprob": selective_sweep(results["outcome"], conf)}, tmp_path / "f.png",
                            policy_points={"policy": (0.1, 0.5)}),
        plots.plot_risk_coverage({"logprob": (coverage, risk)}, tmp_path / "rc.png", aurc={"logprob": 0.2}),
        plots.plot_outcome_rates(summarize(results), tmp_path / "sub" / "pop.png"),
        plots.plot_reward_vs_penalty(penalty_sweep(results), tmp_path / "rp.png"),
        plots.plot_comparison({"a": {"accuracy": 0.3, "truthfulness": -0.1},
                               "b": {"accuracy": 0.4, "truthfulness": 0.2}},
                              tmp_path / "cmp.png"),
    ]
    assert all(_is_png(p) for p in paths)
    assert not list(tmp_path.glob("*.tmp*")) and not list(tmp_path.glob("tmp*"))  # no temp files left


def test_outcome_rates_needs_the_group(results, tmp_path):
    with pytest.raises(ValueError, match="no rows for group 'relation'"):
        plots.plot_outcome_rates(summarize(results, by="popularity"), tmp_path / "x.png", group="relation")


def test_training_curves_default_and_chosen_keys(tmp_path):
    records = [{"step": s, "objective/kl": 0.01 * s, "rewards/truthfulness/abstain_rate": s / 20,
                "known/abstain_rate": s / 40, "learning_rate": 1e-5} for s in range(1, 21)]
    records.append({"step": 20, "train_runtime": 12.0})  # a summary record without the keys is skipped
    assert _is_png(plots.plot_training_curves(records, tmp_path / "train.png"))
    assert _is_png(plots.plot_training_curves(records, tmp_path / "lr.png", keys=["learning_rate"]))
    with pytest.raises(ValueError, match=r"\['nope'\].*numeric keys present"):
        plots.plot_training_curves(records, tmp_path / "bad.png", keys=["nope"])
    records[0]["validation/correct"] = None  # logged but never a number: skipped with a warning
    keys = ["objective/kl", "validation/correct"]
    assert _is_png(plots.plot_training_curves(records, tmp_path / "v.png", keys=keys))
    with pytest.raises(ValueError, match="holds a number"):
        plots.plot_training_curves(records, tmp_path / "none.png", keys=["validation/correct"])
    with pytest.raises(ValueError, match="from 0 records"):
        plots.plot_training_curves([], tmp_path / "empty.png")


def test_training_curves_draw_a_rolling_mean_over_noisy_per_step_metrics(tmp_path, monkeypatch):
    figures = []
    real_save = plots.save_figure
    monkeypatch.setattr(plots, "save_figure", lambda fig, path: figures.append(fig) or real_save(fig, path))
    records = [{"step": s, "reward": float(s % 2)} for s in range(1, 21)]  # 0, 1, 0, 1, ...
    records += [{"step": s, "validation/correct": 0.1 * s} for s in (0, 10, 20)]
    plots.plot_training_curves(records, tmp_path / "c.png", keys=["reward", "validation/correct"], smooth=4)
    reward_ax, val_ax = figures[-1].axes
    raw, mean = reward_ax.get_lines()
    assert list(raw.get_ydata()) == [float(s % 2) for s in range(1, 21)]
    assert all(0.3 <= y <= 0.7 for y in mean.get_ydata()[2:-2])  # the alternation averages out
    assert len(val_ax.get_lines()) == 1  # three points: nothing to smooth
    plots.plot_training_curves(records, tmp_path / "raw.png", keys=["reward"], smooth=0)
    assert len(figures[-1].axes[0].get_lines()) == 1


def test_decline_map_draws_a_summary_table_against_the_ceilings(results, tmp_path):
    from benchmarks.training.ceilings import decline_ceilings
    from benchmarks.training.summary import summary_table

    base = results.assign(relation=np.where(np.arange(len(results)) % 2, "a", "b"))
    ceilings = decline_ceilings(base, points=11)
    assert list(ceilings["abstain_known"]) == pytest.approx(np.linspace(0, 1, 11))
    # more budget never lowers a bound; the hindsight oracle is never below the confidence bound
    assert ceilings["selective_cut"].is_monotonic_increasing and ceilings["oracle_cut"].is_monotonic_increasing
    assert (ceilings["oracle_cut"] >= ceilings["selective_cut"] - 1e-12).all()
    assert ceilings["oracle_cut"].iloc[-1] == 1.0  # declining everything removes every wrong answer
    declined = base.assign(outcome=base["outcome"].replace({"wrong": "abstain"}))
    table = summary_table({"base": base, "declines every wrong": declined}, base)
    assert _is_png(plots.plot_decline_map(ceilings, table, tmp_path / "map.png"))
    no_groups = decline_ceilings(results, by="no such column", points=3)
    assert no_groups["oracle_cut"].isna().all()  # no column to group by: only the confidence bound
    assert _is_png(plots.plot_decline_map(no_groups, {"x": (0.1, 0.2)}, tmp_path / "m2.png", target=None))
    with pytest.raises(KeyError, match="oracle_cut"):
        plots.plot_decline_map(ceilings.drop(columns="oracle_cut"), table, tmp_path / "bad.png")
    with pytest.raises(ValueError, match="points=1"):
        decline_ceilings(base, points=1)
