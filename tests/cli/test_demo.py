"""``shaping demo``: arguments, the stage plan and resuming, bad input, row selection, the report stage."""

import json
from collections import Counter

import pytest
from datasets import Dataset, DatasetDict

from benchmarks.training.config import STAGES, DemoConfig, mark_done, plan_stages
from cli.demo import config_from_args, run, select_rows
from cli.main import build_parser


def parse(*argv):
    return build_parser("demo").parse_args(["demo", *argv])


def test_defaults_quick_and_flags(tmp_path):
    full = config_from_args(parse("--out", str(tmp_path / "o")))
    assert full == DemoConfig()
    quick = config_from_args(parse("--quick", "--steps", "3", "--relations", "a", "b", "--no-warm-start",
                                   "--out", str(tmp_path / "o")))
    assert (quick.steps, quick.n_train, quick.relations, quick.warm_start) == (3, 48, ("a", "b"), False)
    assert quick.n_eval < full.n_eval and quick.k < full.k
    assert config_from_args(parse("--warm-stratify", "none", "--out", str(tmp_path / "o"))).warm_stratify == "none"
    flags = config_from_args(parse("--warm-answers", "samples", "--rm-band", "0.8", "--out", str(tmp_path / "o")))
    assert (flags.warm_answers, flags.rm_band) == ("samples", 0.8)
    assert config_from_args(parse("--temperature", "0.5", "--out", str(tmp_path / "o"))).temperature == 0.5


@pytest.mark.parametrize("argv, match", [
    (["--steps", "0"], "steps=0"),
    (["--trainer", "dpo"], "trainer='dpo'"),
    (["--wrong", "2"], "correct > abstain > wrong"),
    (["--num-generations", "1"], "num_generations=1"),
    (["--min-accuracy-ratio", "2"], "min_accuracy_ratio"),
    (["--warm-stratify", "topic"], "warm_stratify='topic'"),
    (["--warm-answers", "best"], "warm_answers='best'"),
    (["--rm-band", "1.0"], "rm_band=1.0"),
    (["--temperature", "0"], "temperature=0"),
])
def test_bad_settings_fail_before_any_work(tmp_path, argv, match, caplog):
    with pytest.raises(ValueError, match=match):
        config_from_args(parse(*argv, "--out", str(tmp_path / "o")))
    assert run(parse(*argv, "--out", str(tmp_path / "o"))) == 2
    assert match.split("=")[0] in caplog.text and not (tmp_path / "o").exists()


def test_out_path_that_is_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(ValueError, match="not a directory"):
        config_from_args(parse("--out", str(tmp_path / "f")))


def test_plan_skips_finished_stages_and_reruns_later_ones(tmp_path):
    config = DemoConfig()
    assert [s for s, status in plan_stages(tmp_path, config)] == list(STAGES)
    assert all(status == "run" for _, status in plan_stages(tmp_path, config))
    for stage in ("data", "base-eval", "train"):
        mark_done(tmp_path, stage)
    plan = dict(plan_stages(tmp_path, config))
    assert plan["data"] == plan["base-eval"] == "skip (done)"
    assert plan["rm"] == "run" and plan["train"] == "run"  # after a stage that re-runs, everything re-runs
    assert all(s == "run" for s in dict(plan_stages(tmp_path, config, force=True)).values())
    assert dict(plan_stages(tmp_path, DemoConfig(warm_start=False)))["warm-start"] == "off"


def test_plan_flag_runs_nothing(tmp_path):
    assert run(parse("--plan", "--out", str(tmp_path / "o"))) == 0
    assert not (tmp_path / "o").exists()


def test_changed_settings_in_an_old_output_dir_raise(tmp_path):
    from cli.demo import _check_same_config

    _check_same_config(tmp_path, DemoConfig(), force=False)
    with pytest.raises(ValueError, match="steps"):
        _check_same_config(tmp_path, DemoConfig(steps=5), force=False)
    _check_same_config(tmp_path, DemoConfig(steps=5), force=True)
    # a folder written before a setting existed: the missing setting counts as its default
    stored = json.loads((tmp_path / "config.json").read_text())
    del stored["rm_band"]
    (tmp_path / "config.json").write_text(json.dumps(stored))
    _check_same_config(tmp_path, DemoConfig(steps=5), force=False)
    with pytest.raises(ValueError, match="rm_band"):
        _check_same_config(tmp_path, DemoConfig(steps=5, rm_band=0.8), force=False)


def fake_benchmark():
    def rows(split, n):
        return [{"id": f"{split}{i}", "question": f"Q{i}?", "answers": ["A"], "relation": "country_capital",
                 "query_type": "knowledge-seeking", "group": f"{split}-g{i // 2}"} for i in range(n)]
    extra = [{**rows("train", 1)[0], "id": "poem", "relation": "creative", "query_type": "creative", "group": "p"}]
    return DatasetDict(train=Dataset.from_list(rows("train", 20) + extra), eval=Dataset.from_list(rows("eval", 8)))


CC = ("country_capital",)


def test_select_rows_keeps_validation_groups_apart():
    picked = select_rows(fake_benchmark(), DemoConfig(relations=CC, n_train=10, n_val=4, n_eval=6))
    assert [len(picked[s]) for s in ("train", "val", "eval")] == [10, 4, 6]
    assert not {r["group"] for r in picked["train"]} & {r["group"] for r in picked["val"]}
    assert all(r["relation"] == "country_capital" for s in picked.values() for r in s)


def test_select_rows_stratifies_every_split_by_relation():
    # one big relation (city_country, 6 cities per country group) and two small ones
    def rows(split, relation, n, per_group):
        return [{"id": f"{split}-{relation}{i}", "question": f"Q{i}?", "answers": ["A"], "relation": relation,
                 "query_type": "knowledge-seeking", "group": f"{relation[:4]}{i // per_group}"} for i in range(n)]
    dd = DatasetDict({split: Dataset.from_list(rows(split, "city_country", 120, 6) + rows(split, "element_symbol", 20, 1)
                                               + rows(split, "state_capital", 20, 1)) for split in ("train", "eval")})
    picked = select_rows(dd, DemoConfig(relations=("city_country", "element_symbol", "state_capital"),
                                        n_train=24, n_val=9, n_eval=12))
    for split, n in (("train", 8), ("val", 3), ("eval", 4)):
        counts = Counter(r["relation"] for r in picked[split])
        assert counts == {"city_country": n, "element_symbol": n, "state_capital": n}, (split, counts)
    assert not {r["group"] for r in picked["train"]} & {r["group"] for r in picked["val"]}
    # other training sizes are scored on the same held-out questions; another seed draws others
    ids = [r["id"] for r in picked["eval"]]
    for n_train, n_val, seed in ((24, 3, 0), (12, 9, 0)):
        other = select_rows(dd, DemoConfig(relations=("city_country", "element_symbol", "state_capital"),
                                           n_train=n_train, n_val=n_val, n_eval=12, seed=seed))
        assert [r["id"] for r in other["eval"]] == ids
    reseeded = select_rows(dd, DemoConfig(relations=("city_country", "element_symbol", "state_capital"),
                                          n_train=24, n_val=9, n_eval=12, seed=1))
    assert [r["id"] for r in reseeded["eval"]] != ids


@pytest.mark.parametrize("config, match", [
    (DemoConfig(relations=("nope",)), "Unknown relation"),
    (DemoConfig(relations=CC, n_train=30, n_val=4, n_eval=2), "asked for 34"),
])
def test_select_rows_errors(config, match):
    with pytest.raises(ValueError, match=match):
        select_rows(fake_benchmark(), config)


def _results(path, outcomes):
    records = [{"id": f"q{i}", "question": f"Q{i}?", "answers": ["A"], "query_type": "knowledge-seeking",
                "relation": "country_capital", "entity": f"E{i}", "popularity": float(i + 1), "passage": "",
                "response": "x", "outcome": o, "hedged": False, "matched": None, "reason": "", "logprob": -1.0 - i / 10,
                "sum_logprob": -3.0, "num_tokens": 3, "samples": [], "p_correct": None, "p_abstain": None,
                "agreement": None, "known": None} for i, o in enumerate(outcomes)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def test_report_stage_writes_summary_with_targets(tmp_path):
    from benchmarks.training.stages import stage_report

    base = ["correct", "correct", "wrong", "wrong", "wrong", "wrong", "wrong", "correct"]
    after = ["correct", "correct", "abstain", "abstain", "abstain", "wrong", "abstain", "correct"]
    _results(tmp_path / "base-eval" / "eval.jsonl", base)
    _results(tmp_path / "warm-start" / "eval.jsonl", base)
    _results(tmp_path / "eval" / "eval.jsonl", after)
    (tmp_path / "train").mkdir()
    history = [{"step": s, "reward": 0.1 * s, "known/abstain_rate": 0.0, "objective/kl": 0.01 * s} for s in range(1, 4)]
    (tmp_path / "train" / "log_history.json").write_text(json.dumps(history))
    (tmp_path / "train" / "selection.json").write_text(json.dumps(
        {"best": {"step": 2, "val/truthfulness": 0.25}, "history": [], "min_accuracy": 0.3}))
    stage_report(tmp_path, DemoConfig())
    summary = (tmp_path / "SUMMARY.md").read_text()
    assert "| PPO shaped (selected) | 37.5% | 50.0% | 12.5% |" in summary
    assert "- hallucination_cut >= 0.5: yes" in summary and "- abstain_known <= 0.10: yes" in summary
    assert (tmp_path / "report" / "training_curves.png").exists()
    assert (tmp_path / "report" / "decline_map.png").stat().st_size > 2000 and "report/decline_map.png" in summary
    assert (tmp_path / "report" / "after" / "report.md").exists()
    assert "Selected checkpoint: step 2 (validation truthfulness 0.250" in summary
    (tmp_path / "train" / "selection.json").write_text(json.dumps({"best": None, "history": [], "min_accuracy": 0.3}))
    stage_report(tmp_path, DemoConfig())
    assert "No checkpoint reached the validation accuracy floor (0.300)" in (tmp_path / "SUMMARY.md").read_text()


def test_rerun_stages_start_clean_but_an_interrupted_one_resumes(tmp_path, monkeypatch):
    from benchmarks.training import stages as demo_stages

    out = tmp_path / "o"
    seen = {}

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
    assert run(parse("--quick", "--out", str(out))) == 0
    # interrupted in warm-start: its partial results stay for resuming, nothing upstream re-runs
    (out / "warm-start" / "DONE").unlink()
    for later in ("train", "eval", "report"):
        (out / later / "DONE").unlink()
    seen.clear()
    assert run(parse("--quick", "--out", str(out))) == 0
    assert seen["warm-start"] == ["eval.jsonl"]  # resumed
    assert seen["train"] == [] and seen["eval"] == []  # their inputs were rebuilt: stale results cleared
    seen.clear()
    assert run(parse("--quick", "--force", "--out", str(out))) == 0
    assert all(v == [] for v in seen.values()) and len(seen) == len(STAGES)


def test_rl_settings_carry_every_rl_flag(tmp_path):
    from dataclasses import fields

    from benchmarks.training.config import rl_settings
    from shaping.recipe.train import RLSettings

    config = config_from_args(parse("--quick", "--temperature", "0.6", "--kl-coef", "0.2", "--learning-rate", "1e-5",
                                    "--max-completion-length", "16", "--seed", "3", "--out", str(tmp_path / "o")))
    settings = rl_settings(config)
    assert (settings.temperature, settings.kl_coef, settings.learning_rate) == (0.6, 0.2, 1e-5)
    assert (settings.steps, settings.num_generations, settings.max_completion_length, settings.seed) == (10, 4, 16, 3)
    # every flag `shaping demo` offers for RL reaches the trainer
    shared = {f.name for f in fields(RLSettings)} & set(config.to_dict())
    assert shared >= {"steps", "learning_rate", "kl_coef", "prompts_per_step", "num_generations",
                      "max_completion_length", "temperature", "seed"}
