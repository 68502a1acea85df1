"""The report folder: files written, contents consistent, sections left out when inputs lack."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from benchmarks.artifacts import read_jsonl, to_jsonable, write_jsonl
from benchmarks.metrics import MissingColumnsError, accuracy_score
from benchmarks.report import compute_metrics, write_report
from tests.benchmarks.synthetic_results import make_results


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    write_report(make_results(160), out, title="Synthetic run", meta={"model": "tiny", "k": 4})
    return out


def test_writes_every_file(report_dir):
    for name in ("report.md", "metrics.json", "results.jsonl", "frontier.png", "risk_coverage.png",
                 "outcomes_by_popularity.png", "outcomes_by_query_type.png", "reward_vs_penalty.png"):
        assert (report_dir / name).stat().st_size > 0, name
    assert (report_dir / "frontier.png").read_bytes().startswith(b"\x89PNG")
    assert not [p for p in report_dir.iterdir() if p.name.startswith(".")]  # no temp files left behind


def test_markdown_links_every_figure_and_shows_the_tables(report_dir):
    text = (report_dir / "report.md").read_text()
    assert text.startswith("# Synthetic run") and "- model: tiny" in text
    for png in report_dir.glob("*.png"):
        assert f"]({png.name})" in text
    for heading in ("## Outcomes", "## Knowledge boundary", "## Selective prediction", "## Reward schemes"):
        assert heading in text


def test_metrics_json_is_strict_and_matches_the_results(report_dir):
    metrics = json.loads((report_dir / "metrics.json").read_text(), parse_constant=pytest.fail)
    results = read_jsonl(report_dir / "results.jsonl")
    assert len(results) == metrics["n_rows"] == 166
    judged = results[results["outcome"].notna()]
    assert metrics["overall"]["accuracy"] == pytest.approx(accuracy_score(judged))
    assert set(metrics["selective"]) == {"logprob", "agreement", "p_correct"}
    assert metrics["boundary"]["n_known"] + metrics["boundary"]["n_unknown"] == 160
    low, high = metrics["intervals"]["accuracy"]
    assert low <= metrics["overall"]["accuracy"] <= high
    assert metrics["sampled"]["accuracy"] == pytest.approx(judged["p_correct"].mean())
    assert [s["wrong"] for s in metrics["schemes"]] == [-1.0, -3.0, -9.0, -1.0]
    assert results.loc[0, "samples"][0]["outcome"] == "correct"  # nested records survive the round trip


def test_sections_left_out_say_why(tmp_path):
    df = pd.DataFrame({"outcome": ["correct", "abstain", "wrong"]})
    path = write_report(df, tmp_path)
    text = path.read_text()
    assert "## Left out" in text and "--samples" in text and "No risk-coverage curve" in text
    assert "## Knowledge boundary" not in text
    assert sorted(p.name for p in tmp_path.glob("*.png")) == []  # nothing to draw without groups/confidence


def test_bad_input_fails_before_writing(tmp_path):
    with pytest.raises(MissingColumnsError, match="outcome"):
        write_report(pd.DataFrame({"response": ["x"]}), tmp_path / "a")
    with pytest.raises(ValueError, match="0 rows"):
        compute_metrics(pd.DataFrame({"outcome": []}))
    with pytest.raises(FileNotFoundError, match="results.jsonl"):
        write_report(tmp_path / "missing.jsonl", tmp_path / "b")
    with pytest.raises(ValueError, match="correct > abstain > wrong"):
        write_report(make_results(20), tmp_path / "c", schemes=[(1, 0, 0)])
    with pytest.raises(ValueError, match="each penalty must exceed"):
        write_report(make_results(20), tmp_path / "d", penalties=[-1])
    assert not any((tmp_path / d).exists() for d in "abcd")


def test_jsonl_round_trip_and_bad_line(tmp_path):
    path = write_jsonl(tmp_path / "r.jsonl", [{"a": np.float32(0.5), "b": float("nan"), "c": "天"}])
    assert path.read_text(encoding="utf-8") == '{"a": 0.5, "b": null, "c": "天"}\n'
    assert read_jsonl(path).loc[0, "c"] == "天"
    (tmp_path / "bad.jsonl").write_text('{"a": 1}\n{oops\n')
    with pytest.raises(ValueError, match="bad.jsonl:2"):
        read_jsonl(tmp_path / "bad.jsonl")
    assert to_jsonable([np.int64(3), np.inf]) == [3, None]


def test_a_policy_that_declines_everything_still_gets_a_report(tmp_path):
    df = make_results(60, creative=0).drop(columns=["p_correct"])
    df["outcome"] = "abstain"  # the collapse shared/DESIGN.md describes
    metrics = json.loads(write_report(df, tmp_path).with_name("metrics.json").read_text())
    assert metrics["overall"]["abstention_rate"] == 1.0 and metrics["overall"]["answered_precision"] is None
    assert [s["policy_reward"] for s in metrics["schemes"]] == [0.0, 0.0, 0.0, 0.5]
    assert any("declined every question" in note for note in metrics["notes"])
