"""``python benchmarks/bench_transfer.py``: a tiny end-to-end run (its parts: tests/benchmarks/training)."""

import json

import pytest

from benchmarks.bench_transfer import main
from benchmarks.training.transfer import demo_policies
from tests.benchmarks.training.test_transfer import benchmark


def test_end_to_end_on_a_tiny_demo_folder(tmp_path, lm):
    model, tokenizer = lm
    out = tmp_path / "demo"
    for where in ("base", "warm-start/model", "bench/ppo-binary/model"):
        model.save_pretrained(out / where)
        tokenizer.save_pretrained(out / where)
    benchmark().save_to_disk(str(out / "data" / "benchmark"))
    (out / "config.json").write_text(json.dumps({"relations": ["trained"], "model": str(out / "base"), "seed": 0}))
    assert list(demo_policies(out, str(out / "base"))) == ["base", "warm start", "PPO, binary 1/0"]

    with pytest.raises(ValueError, match="No policy named"):
        main(["--out", str(out), "--policies", "PPO, RM alone"])
    assert main(["--out", str(out), "--per-relation", "2", "--policies", "warm start"]) == 0
    text = (out / "transfer" / "results.md").read_text()
    assert "fictional_new, new" in text and "| warm start |" in text and "PPO, binary" not in text
    assert (out / "transfer" / "outcomes.png").stat().st_size > 0
    assert len((out / "transfer" / "warm-start.jsonl").read_text().splitlines()) == 4

    # the warm start is trained again: resuming its old answers raises, --no-resume re-evaluates
    from tests.benchmarks.tiny_lm import tiny_lm

    tiny_lm(seed=1)[0].save_pretrained(out / "warm-start" / "model")
    with pytest.raises(ValueError, match="no-resume"):
        main(["--out", str(out), "--per-relation", "2", "--policies", "warm start"])
    assert main(["--out", str(out), "--per-relation", "2", "--policies", "warm start", "--no-resume"]) == 0
    assert len((out / "transfer" / "warm-start.jsonl").read_text().splitlines()) == 4


def test_a_folder_that_is_not_a_demo_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="shaping demo --out"):
        main(["--out", str(tmp_path)])


def test_a_draft_folder_names_its_policies_and_decodes_room_for_the_draft(tmp_path, lm):
    model, tokenizer = lm
    out = tmp_path / "demo"
    for where in ("base", "warm-start/model"):
        model.save_pretrained(out / where)
        tokenizer.save_pretrained(out / where)
    benchmark().save_to_disk(str(out / "data" / "benchmark"))
    (out / "config.json").write_text(json.dumps({"relations": ["trained"], "model": str(out / "base"), "seed": 0,
                                                 "policy": "draft", "max_completion_length": 64}))
    assert list(demo_policies(out, str(out / "base"), policy="draft")) == ["base", "draft warm start"]
    assert main(["--out", str(out), "--per-relation", "2"]) == 0
    assert "| draft warm start |" in (out / "transfer" / "results.md").read_text()
    tokens = {name: {json.loads(line)["generation"]["max_new_tokens"]
                     for line in (out / "transfer" / f"{name}.jsonl").read_text().splitlines()}
              for name in ("base", "draft-warm-start")}
    assert tokens == {"base": {32}, "draft-warm-start": {64}}
