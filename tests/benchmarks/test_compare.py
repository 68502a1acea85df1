"""Comparing two reports: the Markdown deltas, the plots and the `shaping compare` CLI."""

from __future__ import annotations

import pytest

from benchmarks.compare import compare_reports, load_metrics
from benchmarks.report import write_report
from cli.main import main
from tests.benchmarks.synthetic_results import make_results


@pytest.fixture(scope="module")
def two_reports(tmp_path_factory):
    base = make_results(120, seed=0)
    trained = base.copy()
    trained.loc[trained["outcome"] == "wrong", "outcome"] = "abstain"  # the hoped-for effect of training
    a = write_report(base, tmp_path_factory.mktemp("a")).parent
    b = write_report(trained, tmp_path_factory.mktemp("b")).parent
    return a, b


def test_compare_reports_writes_deltas_and_plots(two_reports, tmp_path):
    a, b = two_reports
    path = compare_reports(a, b, tmp_path, names=("base", "trained"))
    text = path.read_text()
    before, after = load_metrics(a)["overall"], load_metrics(b)["overall"]
    assert after["hallucination_rate"] == 0.0
    delta = after["hallucination_rate"] - before["hallucination_rate"]
    assert f"| hallucination_rate | {before['hallucination_rate']:.3f} | 0.000 | {delta:.3f} | [" in text
    assert "paired bootstrap" in text
    for section in ("## Under sampling", "## Knowledge boundary", "## Reward schemes", "## By group"):
        assert section in text
    for png in ("comparison.png", "frontier_comparison.png"):
        assert (tmp_path / png).read_bytes().startswith(b"\x89PNG")
        assert f"]({png})" in text


def test_compare_errors(two_reports, tmp_path):
    a, _ = two_reports
    with pytest.raises(FileNotFoundError, match="no metrics.json"):
        compare_reports(a, tmp_path, tmp_path / "out")
    with pytest.raises(ValueError, match="two different labels"):
        compare_reports(a, a, tmp_path / "out", names=("x", "x"))


def test_cli_compare_folders_and_jsonl(two_reports, tmp_path):
    a, b = two_reports
    assert main(["compare", str(a), str(b / "results.jsonl"), "--out", str(tmp_path), "--names", "base", "rl"]) == 0
    assert (tmp_path / "rl" / "metrics.json").is_file()  # a report was written for the .jsonl side
    assert "# base vs rl" in (tmp_path / "comparison.md").read_text()
    with pytest.raises(SystemExit, match="neither a report folder"):
        main(["compare", str(a), str(tmp_path / "nothing"), "--out", str(tmp_path / "x")])
    assert not (tmp_path / "x").exists()
