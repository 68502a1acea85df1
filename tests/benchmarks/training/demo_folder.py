"""A tiny demo folder (picked questions, base answers, knowledge labels, a tiny policy) and stand-in stages."""

import json

from benchmarks.training.config import STAGES, DemoConfig, mark_done
from benchmarks.training.rows import save_rows
from rewards.knowledge import KnowledgeLabels
from tests.benchmarks.tiny_lm import tiny_lm


def _row(i: int, split: str) -> dict:
    return {"id": f"{split}{i}", "question": f"What is the capital of country {i}?", "answers": [f"City{i}"],
            "prompt": [{"role": "user", "content": f"What is the capital of country {i}?"}],
            "query_type": "knowledge-seeking", "relation": "country_capital", "entity": f"Country{i}",
            "popularity": float(i + 1), "passage": "", "group": f"{split}{i}"}


def tiny_demo_folder(tmp_path) -> tuple:
    """``(out, config)``: the outputs of the data and base-eval stages, and settings for two tiny PPO steps."""
    out = tmp_path / "demo"
    model, tokenizer = tiny_lm()
    model.save_pretrained(tmp_path / "policy")
    tokenizer.save_pretrained(tmp_path / "policy")
    rows = {"train": [_row(i, "t") for i in range(4)], "val": [_row(i, "v") for i in range(2)],
            "eval": [_row(i, "e") for i in range(3)]}
    save_rows(out, rows)
    base = [{"id": r["id"], "outcome": "correct" if i == 0 else "wrong"} for i, r in enumerate(rows["val"])]
    (out / "base-eval").mkdir(parents=True)
    (out / "base-eval" / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in base))
    KnowledgeLabels({"t0": 1.0, "t1": 0.0, "t2": 0.0, "t3": 0.0}).save(out / "base-eval" / "labels.json")
    for stage in ("data", "base-eval"):
        mark_done(out, stage)
    config = DemoConfig(model=str(tmp_path / "policy"), warm_start=False, steps=2, prompts_per_step=2,
                        num_generations=2, max_completion_length=4, max_prompt_length=128, val_every=1,
                        learning_rate=1e-4, min_accuracy_ratio=0.0)
    return out, config


def fake_stages(monkeypatch, seen: dict) -> None:
    """Replace every demo stage with one that records what its folder held (in ``seen``) and writes a file."""
    from benchmarks.training import stages as demo_stages

    def fake(stage):
        def run_stage(path, config):
            folder = path / stage
            seen[stage] = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "eval.jsonl").write_text("{}\n")
            if stage == "report":
                (path / "SUMMARY.md").write_text("# summary\n")
        return run_stage

    for stage in STAGES:
        monkeypatch.setattr(demo_stages, "stage_" + stage.replace("-", "_"), fake(stage))
