"""The demo's settings: RL settings inherited once, --quick, validation, the stage plan."""

from dataclasses import fields

import pytest

from benchmarks.training.config import (
    QUICK,
    STAGES,
    DemoConfig,
    is_done,
    mark_done,
    plan_stages,
    quick,
    rl_settings,
    validate,
)
from shaping.recipe.train import RLSettings


def test_the_rl_part_is_rl_settings_with_its_defaults():
    assert isinstance(DemoConfig(), RLSettings)
    assert rl_settings(DemoConfig()) == RLSettings()
    config = DemoConfig(steps=5, temperature=0.5, seed=3, n_train=10)
    settings = rl_settings(config)
    assert type(settings) is RLSettings
    assert settings == RLSettings(steps=5, temperature=0.5, seed=3)
    assert {f.name for f in fields(RLSettings)} <= set(config.to_dict())


def test_quick_changes_only_its_fields():
    config = quick(DemoConfig())
    assert all(getattr(config, k) == v for k, v in QUICK.items())
    untouched = {k: v for k, v in DemoConfig().to_dict().items() if k not in QUICK}
    assert {k: v for k, v in config.to_dict().items() if k not in QUICK} == untouched


def test_to_dict_is_plain_json():
    data = DemoConfig(relations=("a", "b")).to_dict()
    assert data["relations"] == ["a", "b"] and data["steps"] == RLSettings.steps


@pytest.mark.parametrize("change, match", [
    ({"n_train": 0}, "n_train=0"),
    ({"correct": 0.0, "abstain": 0.0}, "correct > abstain > wrong"),
    ({"wrong": float("nan")}, "wrong=nan must be a finite number"),
    ({"rm_band": 1.0}, "rm_band=1.0"),
    ({"kl_coef": -1.0}, "kl_coef=-1.0"),
    ({"relations": ()}, "relations is empty"),
])
def test_validate_names_the_bad_setting(tmp_path, change, match):
    with pytest.raises(ValueError, match=match):
        validate(DemoConfig(**change), tmp_path)
    validate(DemoConfig(), tmp_path)


def test_plan_skips_finished_stages_and_reruns_later_ones(tmp_path):
    config = DemoConfig()
    assert [s for s, status in plan_stages(tmp_path, config)] == list(STAGES)
    assert all(status == "run" for _, status in plan_stages(tmp_path, config))
    for stage in ("data", "base-eval", "train"):
        mark_done(tmp_path, stage)
    assert is_done(tmp_path, "data") and not is_done(tmp_path, "rm")
    plan = dict(plan_stages(tmp_path, config))
    assert plan["data"] == plan["base-eval"] == "skip (done)"
    assert plan["rm"] == "run" and plan["train"] == "run"  # after a stage that re-runs, everything re-runs
    assert all(s == "run" for s in dict(plan_stages(tmp_path, config, force=True)).values())
    assert dict(plan_stages(tmp_path, DemoConfig(warm_start=False)))["warm-start"] == "off"


def test_draft_policy_needs_room_and_the_warm_start(tmp_path):
    from benchmarks.training.config import DRAFT_COMPLETION_LENGTH, answer_tokens, for_policy, rl_settings

    draft = for_policy(DemoConfig(policy="draft"))
    assert draft.max_completion_length == DRAFT_COMPLETION_LENGTH
    assert rl_settings(draft).trainer_config("ppo", tmp_path).max_completion_length == DRAFT_COMPLETION_LENGTH
    assert answer_tokens(draft) == DRAFT_COMPLETION_LENGTH and answer_tokens(DemoConfig()) == 32
    assert for_policy(DemoConfig()) == DemoConfig()  # the direct policy is left alone
    assert for_policy(DemoConfig(policy="draft", max_completion_length=96)).max_completion_length == 96
    with pytest.raises(ValueError, match="policy='think' must be one of"):
        validate(DemoConfig(policy="think"), tmp_path)
    with pytest.raises(ValueError, match="needs the warm start"):
        validate(DemoConfig(policy="draft", warm_start=False), tmp_path)
