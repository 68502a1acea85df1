"""Checkpoint selection on validation truthfulness with an accuracy floor."""

import pytest
import torch
from transformers import TrainerControl, TrainerState

from shaping.recipe import selection
from shaping.recipe.selection import ValidationSelectionCallback
from tests.shaping.tiny import rows, tiny_policy


def test_validation_rates_are_the_outcome_rates_under_the_validation_prefix(monkeypatch):
    model, tok = tiny_policy()
    monkeypatch.setattr(selection, "sample_outcomes",
                        lambda m, t, rs, **kw: [[o] for o in ("correct", "wrong", "wrong", "abstain")])
    record = ValidationSelectionCallback(rows(4), tok).evaluate(model, 3)
    assert record == {"step": 3, "validation/correct": 0.25, "validation/abstain": 0.25, "validation/wrong": 0.5,
                      "validation/truthfulness": -0.25}
    assert not any(key.startswith("val/") for key in record)  # val/ is the PPO value function's prefix
    monkeypatch.setattr(selection, "sample_outcomes", lambda m, t, rs, **kw: [["maybe"] for _ in rs])
    with pytest.raises(ValueError):
        ValidationSelectionCallback(rows(2), tok).evaluate(model, 0)


def test_keeps_best_qualifying_checkpoint_and_restores_it(monkeypatch):
    model, tok = tiny_policy()
    # step 0: base (1 right, 3 wrong); step 2: good point; step 4: collapsed (all abstain)
    script = iter([["correct", "wrong", "wrong", "wrong"], ["correct", "abstain", "abstain", "wrong"],
                   ["abstain"] * 4])
    monkeypatch.setattr(selection, "sample_outcomes", lambda m, t, rs, **kw: [[o] for o in next(script)])
    val = [{**r, "known": i == 0} for i, r in enumerate(rows(4))]
    cb = ValidationSelectionCallback(val, tok, every=2, min_accuracy=0.2)
    state, control = TrainerState(), TrainerControl()
    cb.on_train_begin(None, state, control, model=model)
    with torch.no_grad():
        model.lm_head.weight.add_(1.0)  # "training" changes the weights
    good = {k: v.clone() for k, v in model.state_dict().items()}
    state.global_step = 2
    cb.on_step_end(None, state, control, model=model)
    with torch.no_grad():
        model.lm_head.weight.add_(1.0)
    state.global_step = 4
    cb.on_step_end(None, state, control, model=model)
    assert torch.equal(cb.best_state["lm_head.weight"], good["lm_head.weight"])  # kept while training goes on
    cb.on_train_end(None, state, control, model=model)
    assert cb.best["step"] == 2 and cb.best["validation/truthfulness"] == 0.0
    assert cb.history[-1]["validation/abstain_known"] == 1.0  # the collapse is visible in the log
    assert torch.equal(model.lm_head.weight, good["lm_head.weight"])  # best weights restored
    assert [r["step"] for r in state.log_history] == [0, 2, 4]


def test_unanswerable_rows_cannot_lift_accuracy_over_the_floor(monkeypatch):
    # declining a question with no true answer is judged correct: counted in, a policy that
    # declines everything would reach 50% accuracy here and pass a 0.4 floor
    model, tok = tiny_policy()
    monkeypatch.setattr(selection, "sample_outcomes",
                        lambda m, t, rs, **kw: [["abstain" if r["answers"] else "correct"] for r in rs])
    val = [{**r, "known": True} for r in rows(2)] + [{**r, "answers": []} for r in rows(2)]
    cb = ValidationSelectionCallback(val, tok, every=1, min_accuracy=0.4)
    record = cb.evaluate(model, 0)
    assert record["validation/correct"] == 0.0 and record["validation/abstain"] == 1.0
    assert record["validation/declined_unanswerable"] == 1.0 and record["validation/abstain_known"] == 1.0
    cb.on_train_begin(None, TrainerState(), TrainerControl(), model=model)
    assert cb.best is None


def test_nothing_qualifies_keeps_final_weights(monkeypatch, tmp_path):
    model, tok = tiny_policy()
    monkeypatch.setattr(selection, "sample_outcomes", lambda m, t, rs, **kw: [["abstain"] for _ in rs])
    cb = ValidationSelectionCallback(rows(2), tok, every=1, min_accuracy=0.5, save_dir=tmp_path / "best")
    state = TrainerState()
    cb.on_train_begin(None, state, TrainerControl(), model=model)
    cb.on_train_end(None, state, TrainerControl(), model=model)
    assert cb.best is None and cb.best_state is None and not (tmp_path / "best").exists()


def test_best_state_is_read_only_and_loads_back(monkeypatch):
    model, tok = tiny_policy()
    monkeypatch.setattr(selection, "sample_outcomes", lambda m, t, rs, **kw: [["correct"] for _ in rs])
    cb = ValidationSelectionCallback(rows(2), tok, every=1, restore_best=False)
    assert cb.best_state is None
    cb.on_train_begin(None, TrainerState(), TrainerControl(), model=model)
    saved = {k: v.clone() for k, v in model.state_dict().items()}
    with torch.no_grad():
        model.lm_head.weight.add_(1.0)
    assert not torch.equal(cb.best_state["lm_head.weight"], model.lm_head.weight)  # a copy, not the live weights
    model.load_state_dict(cb.best_state)
    assert all(torch.equal(v, saved[k]) for k, v in model.state_dict().items())
    with pytest.raises(AttributeError):
        cb.best_state = {}


def test_real_greedy_evaluation_saves_best(tmp_path):
    model, tok = tiny_policy()
    cb = ValidationSelectionCallback(rows(2), tok, every=1, save_dir=tmp_path / "best", max_new_tokens=3)
    cb.on_train_begin(None, TrainerState(), TrainerControl(), model=model)
    assert (tmp_path / "best" / "config.json").exists() and cb.best["step"] == 0


@pytest.mark.parametrize("kwargs", [{"every": 0}, {"min_accuracy": 1.5}])
def test_bad_settings(kwargs):
    with pytest.raises(ValueError):
        ValidationSelectionCallback(rows(1), None, **kwargs)
    with pytest.raises(ValueError):
        ValidationSelectionCallback([], None)
