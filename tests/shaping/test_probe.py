"""The probe gate on a tiny random Llama: states, grouped layer choice, calibration, save/load, gating, errors."""

import json

import numpy as np
import pytest

from rewards import TruthfulnessReward, is_abstention
from shaping.probe import DECLINE, ProbeGate, answer_states, fit_gate, label_responses
from shaping.probe.fit import budget_threshold, fit_probe, grouped_splits
from tests.shaping.tiny import tiny_policy

CITIES = ["Paris", "Tokyo", "Lima", "Suva", "Muscat", "Accra", "Quito", "Hanoi", "Riga", "Oslo", "Rome", "Cairo"]


def _rows(n=48):
    """Questions whose 'right' answer is a city; the tiny model's answers are given as responses."""
    rows = [{"prompt": [{"role": "user", "content": f"What is the capital of country {i}?"}],
             "answers": [CITIES[i % len(CITIES)]], "entity": f"country {i // 2}"} for i in range(n)]
    # right answers say the city, wrong ones a long made-up name: the states differ, so a probe can learn
    responses = [f"It is {CITIES[i % len(CITIES)]}." if i % 3 else "It is Zorblax Quendival Morrowind."
                 for i in range(n)]
    return rows, responses


@pytest.fixture(scope="module")
def tiny():
    return tiny_policy()


@pytest.fixture(scope="module")
def fitted(tiny):
    model, tokenizer = tiny
    rows, responses = _rows()
    gate, report = fit_gate(model, tokenizer, rows, responses=responses, threshold=TruthfulnessReward(wrong=-1.5),
                            n_splits=3, Cs=(0.1, 1.0))
    return gate, report, rows, responses


def test_answer_states_mean_over_response_tokens_only(tiny):
    model, tokenizer = tiny
    prompts = [[{"role": "user", "content": "Capital of Peru?"}]] * 2
    x = answer_states(model, tokenizer, prompts, ["Lima.", "Lima. And a much longer tail of words here."],
                      layers=[0, 2], batch_size=2)
    alone = answer_states(model, tokenizer, prompts[:1], ["Lima."], layers=[0, 2], batch_size=1)
    assert x.shape == (2, 2, model.config.hidden_size)
    np.testing.assert_allclose(x[0], alone[0], atol=1e-5)  # right padding never enters the mean
    assert not np.allclose(x[0], x[1])


def test_answer_states_rejects_bad_layers_and_lengths(tiny):
    model, tokenizer = tiny
    with pytest.raises(ValueError, match=r"layers in 0\.\.2"):
        answer_states(model, tokenizer, ["Q?"], ["A."], layers=[3])
    with pytest.raises(ValueError, match="one response per prompt"):
        answer_states(model, tokenizer, ["Q?", "R?"], ["A."])


def test_fit_gate_picks_a_layer_in_range_and_calibrates(fitted, tiny):
    gate, report, rows, responses = fitted
    assert 1 <= gate.layer <= tiny[0].config.num_hidden_layers
    assert set(report.search["layer"]) == {1, 2}
    assert gate.threshold == pytest.approx(0.6)  # (0 - -1.5) / (1 - -1.5)
    assert gate.info["cv_auroc"] == pytest.approx(report.search["auroc"].max())
    p = gate.p_correct(tiny[0], tiny[1], [r["prompt"] for r in rows], responses)
    y = np.array([o == "correct" for o in report.outcomes])
    assert ((p > 0) & (p < 1)).all()
    assert p[y].mean() > p[~y].mean()  # separable states: right answers get a higher P(correct)
    assert abs(report.oof_p_correct.mean() - y.mean()) < 0.15  # Platt-calibrated: mean P matches the base rate


def test_gate_replaces_low_confidence_answers(fitted, tiny):
    gate, _, rows, responses = fitted
    model, tokenizer = tiny
    prompts = [r["prompt"] for r in rows]
    p = gate.p_correct(model, tokenizer, prompts, responses)
    gated = gate.apply(model, tokenizer, prompts, responses)
    for answer, out, prob in zip(responses, gated, p):
        assert out == (answer if prob >= gate.threshold else DECLINE)
    assert is_abstention(DECLINE)
    assert gate.with_threshold(1.0).decide(responses, p) == [DECLINE] * len(responses)
    assert gate.with_threshold(0.0).decide(responses, p) == responses


def test_save_load_round_trip_and_model_check(fitted, tiny, tmp_path):
    gate, _, rows, responses = fitted
    model, tokenizer = tiny
    path = gate.save(tmp_path / "gate")
    assert json.loads(path.read_text())["layer"] == gate.layer
    loaded = ProbeGate.load(tmp_path / "gate", model)
    prompts = [r["prompt"] for r in rows]
    np.testing.assert_allclose(loaded.p_correct(model, tokenizer, prompts, responses),
                               gate.p_correct(model, tokenizer, prompts, responses))
    other, _ = tiny_policy(seed=1)  # same shape, other weights
    with pytest.raises(ValueError, match="fingerprint"):
        ProbeGate.load(path, other)
    ProbeGate.load(path, other, allow_other_weights=True)
    wider = type(gate)(**{**gate.__dict__, "model": {**gate.model, "hidden_size": 64}})
    with pytest.raises(ValueError, match="probe-fit"):
        wider.check_model(model, allow_other_weights=True)


def test_load_errors_name_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match="shaping probe-fit"):
        ProbeGate.load(tmp_path)
    (tmp_path / "probe.json").write_text('{"format": "other"}')
    with pytest.raises(ValueError, match="not a probe gate"):
        ProbeGate.load(tmp_path)


def test_fit_gate_bad_input(tiny):
    model, tokenizer = tiny
    rows, responses = _rows(12)
    with pytest.raises(ValueError, match="one per row"):
        fit_gate(model, tokenizer, rows, responses=responses[:3])
    with pytest.raises(KeyError, match="'answers'"):
        fit_gate(model, tokenizer, [{"prompt": "Q?"}], responses=["A."])
    with pytest.raises(KeyError, match="group column 'relation'"):
        fit_gate(model, tokenizer, rows, responses=responses, group_by="relation")
    with pytest.raises(ValueError, match="at least 2 of each"):
        fit_gate(model, tokenizer, rows, responses=["Zorblax."] * 12, n_splits=2)
    with pytest.raises(ValueError, match="not both"):
        fit_gate(model, tokenizer, rows, responses=responses, threshold=0.5, abstain_known=0.1, n_splits=2)
    with pytest.raises(ValueError, match="threshold=1.5"):
        fit_gate(model, tokenizer, rows, responses=responses, threshold=1.5, n_splits=2)


def test_grouped_splits_keep_groups_apart_and_need_enough_groups():
    y = np.array([0, 1] * 10)
    groups = [i // 4 for i in range(20)]
    for train, test in grouped_splits(y, groups, n_splits=5):
        assert not {groups[i] for i in train} & {groups[i] for i in test}
    with pytest.raises(ValueError, match="5 distinct groups"):
        grouped_splits(y, groups, n_splits=6)


def test_fit_probe_finds_the_informative_layer():
    rng = np.random.default_rng(0)
    y = np.array([0, 1] * 40)
    states = rng.normal(size=(80, 3, 8))
    states[:, 1, 0] += 3.0 * y  # only layer "5" (index 1) carries the label
    fit = fit_probe(states, y, [i // 2 for i in range(80)], [4, 5, 6], Cs=(1.0,), n_splits=4)
    assert fit.layer == 5
    assert fit.search.set_index("layer").loc[5, "auroc"] > 0.9


def test_budget_threshold_declines_at_most_the_budget():
    p, y = np.linspace(0.05, 0.95, 19), np.ones(19, dtype=int)
    t = budget_threshold(p, y, 0.2)
    assert (p < t).mean() <= 0.2
    with pytest.raises(ValueError, match="abstain_known=1.0"):
        budget_threshold(p, y, 1.0)


def test_label_responses_uses_competitors():
    rows = [{"prompt": "Which country has Pretoria as its capital?", "answers": ["South Africa"],
             "competitors": ["Namibia"]}]
    assert label_responses(rows, ["Namibia."]) == ["wrong"]
    assert label_responses(rows, ["I don't know."]) == ["abstain"]
