"""k-sample knowledge labels and their refresh callback, on a tiny random policy."""

import pytest
from transformers import TrainerControl, TrainerState

from rewards import Outcome
from rewards.knowledge import KnowledgeLabels
from shaping.recipe import labels as knowledge
from shaping.recipe.labels import KnowledgeRefreshCallback, estimate_p_correct, generate_responses, sample_outcomes
from tests.shaping.tiny import rows, tiny_policy


def test_generate_and_judge_shapes():
    model, tok = tiny_policy()
    side = tok.padding_side
    model.train()
    texts = generate_responses(model, tok, [r["prompt"] for r in rows(3)], k=2, do_sample=True, max_new_tokens=4)
    assert [len(t) for t in texts] == [2, 2, 2] and all(isinstance(x, str) for t in texts for x in t)
    outcomes = sample_outcomes(model, tok, rows(3), k=1, max_new_tokens=4)
    assert all(o[0] in set(Outcome) for o in outcomes)
    assert tok.padding_side == side and model.training  # padding side and train mode restored


def test_estimate_p_correct_is_a_fraction_per_question():
    model, tok = tiny_policy()
    p = estimate_p_correct(model, tok, rows(3), k=2, max_new_tokens=4)
    assert set(p) == {"q0", "q1", "q2"} and all(v in (0.0, 0.5, 1.0) for v in p.values())


def test_bad_rows_and_settings_raise():
    model, tok = tiny_policy()
    with pytest.raises(KeyError, match="answers"):
        sample_outcomes(model, tok, [{"prompt": "q"}])
    with pytest.raises(ValueError, match="k=0"):
        generate_responses(model, tok, ["q"], k=0)
    with pytest.raises(ValueError, match="identical"):
        generate_responses(model, tok, ["q"], k=2)
    with pytest.raises(ValueError, match="every"):
        KnowledgeRefreshCallback(KnowledgeLabels(), rows(), tok, every=0)
    with pytest.raises(ValueError, match="knowledge-seeking"):
        KnowledgeRefreshCallback(KnowledgeLabels(), [{**rows(1)[0], "query_type": "creative"}], tok)


def test_callback_refreshes_labels_on_schedule(monkeypatch):
    model, tok = tiny_policy()
    labels = KnowledgeLabels({"q0": 0.0, "q1": 1.0})
    # the current policy now answers q0 right every time
    monkeypatch.setattr(knowledge, "estimate_p_correct",
                        lambda m, t, rs, **kw: {r["id"]: float(r["id"] == "q0") for r in rs})
    cb = KnowledgeRefreshCallback(labels, rows(2), tok, every=2, k=2)
    state, control = TrainerState(), TrainerControl()
    state.global_step = 1
    cb.on_step_end(None, state, control, model=model)
    assert not state.log_history and not labels.is_known("q0")
    state.global_step = 2
    cb.on_step_end(None, state, control, model=model)
    assert labels.is_known("q0") and labels.is_known("q1")  # q1 stays known ("max" labels)
    assert state.log_history[-1]["known/newly_known"] == 1 and state.log_history[-1]["known/fraction"] == 1.0


def test_callback_runs_real_sampling_with_a_limit():
    model, tok = tiny_policy()
    labels = KnowledgeLabels()
    cb = KnowledgeRefreshCallback(labels, rows(4), tok, every=1, k=2, limit=2, max_new_tokens=3)
    state = TrainerState()
    state.global_step = 1
    cb.on_step_end(None, state, TrainerControl(), model=model)
    assert len(labels) == 2 and "known/sampled_p_correct" in state.log_history[-1]
