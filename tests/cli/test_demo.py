"""``shaping demo``: flags to settings, bad input before any work, the plan, resuming through the CLI."""

import pytest

from benchmarks.training.config import STAGES, DemoConfig
from cli.demo import FLAG_FIELDS, config_from_args, run
from cli.main import build_parser
from tests.benchmarks.training.demo_folder import fake_stages


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
    (["--kl-coef", "nan"], "kl_coef=nan must be a finite number"),
    (["--learning-rate", "inf"], "learning_rate=inf must be a finite number"),
    (["--warm-epochs", "nan"], "warm_epochs=nan"),
    (["--rm-epochs", "-1"], r"rm_epochs=-1.0 must be > 0"),
    (["--max-completion-length", "0"], "max_completion_length=0 must be > 0"),
    (["--model", "/nonexistent/model"], "model='/nonexistent/model' is a path that does not exist"),
    (["--policy", "cot"], "policy='cot' must be one of"),
    (["--policy", "draft", "--no-warm-start"], "policy='draft' needs the warm start"),
])
def test_bad_settings_fail_before_any_work(tmp_path, argv, match, caplog):
    with pytest.raises(ValueError, match=match):
        config_from_args(parse(*argv, "--out", str(tmp_path / "o")))
    assert run(parse(*argv, "--out", str(tmp_path / "o"))) == 2
    assert run(parse(*argv, "--plan", "--out", str(tmp_path / "o"))) == 2  # --plan checks the same way
    assert match.split("=")[0] in caplog.text and not (tmp_path / "o").exists()


def test_draft_policy_raises_the_generation_length_unless_one_is_given(tmp_path):
    from benchmarks.training.config import DRAFT_COMPLETION_LENGTH, rl_settings

    out = str(tmp_path / "o")
    draft = config_from_args(parse("--policy", "draft", "--out", out))
    assert (draft.policy, draft.max_completion_length) == ("draft", DRAFT_COMPLETION_LENGTH)
    assert rl_settings(draft).trainer_config("ppo", out).max_completion_length == DRAFT_COMPLETION_LENGTH
    assert config_from_args(parse("--policy", "draft", "--max-completion-length", "48", "--out", out)
                            ).max_completion_length == 48
    quick = config_from_args(parse("--quick", "--policy", "draft", "--out", out))
    assert (quick.steps, quick.max_completion_length) == (10, DRAFT_COMPLETION_LENGTH)
    assert config_from_args(parse("--out", out)).max_completion_length == DemoConfig().max_completion_length


def test_out_path_that_is_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(ValueError, match="not a directory"):
        config_from_args(parse("--out", str(tmp_path / "f")))


def test_plan_flag_runs_nothing(tmp_path):
    assert run(parse("--plan", "--out", str(tmp_path / "o"))) == 0
    assert not (tmp_path / "o").exists()


def test_rerun_stages_start_clean_but_an_interrupted_one_resumes(tmp_path, monkeypatch):
    out, seen = tmp_path / "o", {}
    fake_stages(monkeypatch, seen)
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


def test_every_rl_setting_has_a_flag_that_reaches_the_trainer(tmp_path):
    from dataclasses import fields

    from benchmarks.training.config import rl_settings
    from shaping.recipe.train import RLSettings

    config = config_from_args(parse("--quick", "--temperature", "0.6", "--kl-coef", "0.2", "--learning-rate", "1e-5",
                                    "--max-completion-length", "16", "--seed", "3", "--out", str(tmp_path / "o")))
    settings = rl_settings(config)
    assert (settings.temperature, settings.kl_coef, settings.learning_rate) == (0.6, 0.2, 1e-5)
    assert (settings.steps, settings.num_generations, settings.max_completion_length, settings.seed) == (10, 4, 16, 3)
    assert {f.name for f in fields(RLSettings)} <= set(FLAG_FIELDS)


def test_the_demo_runs_through_the_pipeline_and_prints_the_summary(tmp_path, monkeypatch, capsys):
    out = tmp_path / "o"
    fake_stages(monkeypatch, {})
    assert run(parse("--quick", "--no-warm-start", "--out", str(out))) == 0
    assert "# summary" in capsys.readouterr().out
    assert not (out / "warm-start").exists() and (out / "report" / "DONE").exists()
    # the folder holds a run with other settings: one line and exit 2 before any work
    assert run(parse("--quick", "--steps", "3", "--out", str(out))) == 2


def test_plan_refuses_a_folder_of_another_run_as_the_run_would(tmp_path, caplog):
    out = tmp_path / "o"
    out.mkdir()
    (out / "config.json").write_text('{"steps": 3}')
    assert run(parse("--plan", "--out", str(out))) == 2
    assert "holds a run with other settings (['steps'])" in caplog.text
    assert run(parse("--plan", "--force", "--out", str(out))) == 0
    (out / "config.json").write_text('{"steps": 3')  # cut short
    assert run(parse("--plan", "--out", str(out))) == 2
    assert "config.json is not readable JSON" in caplog.text
