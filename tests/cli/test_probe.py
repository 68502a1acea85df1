"""``shaping probe fit|eval`` on a tiny saved policy."""

import json

import pytest

from benchmarks.artifacts import write_jsonl
from cli.main import main
from tests.benchmarks.tiny_lm import tiny_lm
from tests.benchmarks.training.test_probe_stage import _answers


@pytest.fixture(scope="module")
def policy(tmp_path_factory):
    path = tmp_path_factory.mktemp("policy")
    model, tokenizer = tiny_lm()
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def test_probe_fit_then_eval(policy, tmp_path, capsys):
    write_jsonl(tmp_path / "train.jsonl", _answers("t", 30))
    write_jsonl(tmp_path / "eval.jsonl", _answers("e", 12))
    assert main(["probe", "fit", "--data", str(tmp_path / "train.jsonl"), "--model", str(policy), "--out",
                 str(tmp_path / "gate"), "--n-splits", "3", "--wrong", "-3"]) == 0
    assert "threshold 0.750" in capsys.readouterr().out
    assert main(["probe", "eval", "--gate", str(tmp_path / "gate"), "--data", str(tmp_path / "eval.jsonl"),
                 "--model", str(policy), "--out", str(tmp_path / "ev"), "--bootstrap", "100"]) == 0
    printed = capsys.readouterr().out
    assert "probe P(correct)" in printed and "model + gate (threshold 0.75)" in printed
    metrics = json.loads((tmp_path / "ev" / "metrics.json").read_text())
    assert metrics["gate"]["threshold"] == 0.75 and len(metrics["policies"]) == 2


def test_probe_errors_name_the_fix(policy, tmp_path):
    with pytest.raises(SystemExit, match="is not a file"):
        main(["probe", "fit", "--data", str(tmp_path / "none.jsonl"), "--model", str(policy), "--out", str(tmp_path)])
    write_jsonl(tmp_path / "train.jsonl", _answers("t", 30))
    with pytest.raises(SystemExit, match="not both"):
        main(["probe", "fit", "--data", str(tmp_path / "train.jsonl"), "--model", str(policy), "--out",
              str(tmp_path / "g"), "--threshold", "0.5", "--abstain-known", "0.1", "--n-splits", "3"])
    with pytest.raises(SystemExit, match="No probe gate"):
        main(["probe", "eval", "--gate", str(tmp_path / "nothing"), "--data", str(tmp_path / "train.jsonl"),
              "--model", str(policy), "--out", str(tmp_path / "e")])
    with pytest.raises(SystemExit):
        main(["probe", "fit", "--data", str(tmp_path / "train.jsonl"), "--layers", "a-b", "--out", str(tmp_path)])
