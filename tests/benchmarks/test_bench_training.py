"""``python benchmarks/bench_training.py``: its command line (the runs are tested in tests/benchmarks/training)."""

import pytest

from benchmarks.bench_training import main, parse_args
from benchmarks.training.runs import RUNS


def test_cli_defaults_and_choices():
    args = parse_args([])
    assert (args.out, args.steps, args.limit, args.quick, args.runs) == ("bench-training", None, None, False,
                                                                        list(RUNS[:3]))
    assert parse_args(["--runs", "ppo-shaped-selected", "--quick"]).runs == ["ppo-shaped-selected"]


def test_cli_rejects_unknown_runs_and_bad_steps(tmp_path):
    with pytest.raises(SystemExit):
        main(["--out", str(tmp_path), "--runs", "dpo"])
    with pytest.raises(ValueError, match="steps=0"):
        main(["--out", str(tmp_path / "o"), "--steps", "0"])
    assert not (tmp_path / "o").exists()
