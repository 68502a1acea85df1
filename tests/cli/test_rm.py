"""Tests for `shaping train-rm` on a tiny backbone."""

from __future__ import annotations

import json

import pytest
from transformers import AutoTokenizer, BertConfig, BertModel

from cli.main import main
from shaping.models import encoder_path

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def backbone(tmp_path_factory):
    """A tiny BERT encoder (no head) with the MiniLM tokenizer, as `--model` takes it."""
    tokenizer = AutoTokenizer.from_pretrained(encoder_path())
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=37, max_position_embeddings=128)
    path = tmp_path_factory.mktemp("backbone")
    BertModel(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def test_train_rm_trains_reports_accuracy_and_saves(backbone, tmp_path, capsys):
    out = tmp_path / "rm"
    assert main(["train-rm", "--output-dir", str(out), "--model", str(backbone), "--pairs", "40",
                 "--batch-size", "8", "--max-length", "64"]) == 0
    printed = capsys.readouterr().out
    assert "held-out pairwise accuracy:" in printed
    accuracy = json.loads((out / "rm_eval.json").read_text())["pairwise_accuracy"]
    assert 0.0 <= accuracy["all"] <= 1.0 and "rude" in accuracy
    assert json.loads((out / "config.json").read_text())["architectures"] == ["BertForSequenceClassification"]


def test_train_rm_rejects_bad_rows_in_a_jsonl(tmp_path):
    data = tmp_path / "prefs.jsonl"
    data.write_text("\n".join(json.dumps({"prompt": "Hi", "chosen": c, "rejected": "x"}) for c in ("Hello", "x")))
    with pytest.raises(ValueError, match="row 1: 'chosen' and 'rejected' are identical"):
        main(["train-rm", "--output-dir", str(tmp_path / "rm"), "--data", str(data), "--test-size", "0.5"])
