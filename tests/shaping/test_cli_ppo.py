"""`shaping ppo`: options reach PPOConfig, bad options and missing data fail before any model loads."""

import pytest
from datasets import Dataset, DatasetDict

from shaping import cli, cli_ppo


def parse(argv):
    return cli.build_parser("ppo").parse_args(["ppo", *argv])


def test_missing_data_names_the_folder_and_the_fix(tmp_path):
    with pytest.raises(SystemExit, match="shaping build-data"):
        cli_ppo.run(parse(["--data", str(tmp_path / "none")]))


def test_reward_values_out_of_order_fail_first(tmp_path):
    with pytest.raises(SystemExit, match="wrong"):
        cli_ppo.run(parse(["--wrong", "2", "--data", str(tmp_path / "none")]))


def test_bad_ppo_option_fails_first(tmp_path):
    with pytest.raises(SystemExit, match="num_mini_batches=3"):
        cli_ppo.run(parse(["--num-mini-batches", "3", "--data", str(tmp_path)]))


def test_load_rows_filters_query_types_and_limits(tmp_path):
    rows = [{"prompt": "q", "answers": ["a"], "query_type": t} for t in ("knowledge-seeking", "creative") * 3]
    DatasetDict({"train": Dataset.from_list(rows)}).save_to_disk(str(tmp_path))
    assert len(cli_ppo.load_rows(str(tmp_path), "train", ["knowledge-seeking"], None)) == 3
    assert len(cli_ppo.load_rows(str(tmp_path), "train", ["knowledge-seeking"], 2)) == 2
    with pytest.raises(SystemExit, match="split 'eval'"):
        cli_ppo.load_rows(str(tmp_path), "eval", ["knowledge-seeking"], None)
    with pytest.raises(SystemExit, match="no rows"):
        cli_ppo.load_rows(str(tmp_path), "train", ["text-grounded"], None)
