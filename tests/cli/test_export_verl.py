"""`shaping export-verl`: a saved benchmark to verl's parquet; clear errors on a bad source."""

import pandas as pd
import pytest

from cli.main import main
from tests.benchmarks.test_verl_export import tiny_benchmark


def test_export_verl_from_a_saved_benchmark(tmp_path, capsys):
    tiny_benchmark().save_to_disk(str(tmp_path / "bench"))
    assert main(["export-verl", "--data", str(tmp_path / "bench"), "--out", str(tmp_path / "verl")]) == 0
    printed = capsys.readouterr().out
    assert f"train: {tmp_path / 'verl' / 'train.parquet'}" in printed
    assert len(pd.read_parquet(tmp_path / "verl" / "train.parquet")) == 2


def test_export_verl_errors(tmp_path):
    with pytest.raises(SystemExit, match="No benchmark dataset at"):
        main(["export-verl", "--data", str(tmp_path / "missing"), "--out", str(tmp_path / "verl")])
    with pytest.raises(SystemExit, match="--eval-fraction 0.0"):
        main(["export-verl", "--out", str(tmp_path / "verl"), "--eval-fraction", "0"])
