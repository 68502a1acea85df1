"""``python benchmarks/bench_composition.py``: its command line (the benchmark: test_composition.py)."""

import pytest

from benchmarks.bench_composition import DEFAULT_RESPONSES, main, parse_args


def test_cli_defaults_and_a_missing_rm(tmp_path):
    args = parse_args([])
    assert (args.rm, args.band, args.limit, args.threads) == ("runs/rm-minilm", 0.5, 0, 1)
    assert args.responses == str(DEFAULT_RESPONSES) and DEFAULT_RESPONSES.exists()
    with pytest.raises(SystemExit, match="shaping train-rm"):
        main(["--rm", str(tmp_path / "no-rm"), "--out", str(tmp_path / "out.json")])
    assert not (tmp_path / "out.json").exists()
