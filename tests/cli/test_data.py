"""`shaping build-data`: builds, saves and summarises the benchmark; rejects a bad eval fraction."""

import pytest

from benchmarks.data import load_benchmark
from cli.main import main


def test_build_data_saves_a_loadable_benchmark(tmp_path, capsys):
    out = tmp_path / "bench"
    assert main(["build-data", "--out", str(out), "--seed", "3", "--min-city-population", "1000000"]) == 0
    printed = capsys.readouterr().out
    assert "train:" in printed and "eval:" in printed and "unanswerable" in printed
    dd = load_benchmark(out)
    assert sorted(dd) == ["eval", "train"] and dd["train"].num_rows > dd["eval"].num_rows > 0


def test_bad_eval_fraction(tmp_path):
    with pytest.raises(SystemExit, match="--eval-fraction 1.0"):
        main(["build-data", "--out", str(tmp_path / "x"), "--eval-fraction", "1.0"])
