"""KnowledgeLabels and the knowledge-aware truthfulness reward."""

import pickle

import pytest

from rewards import Outcome, OutcomeScore
from rewards.knowledge import KnowledgeAwareTruthfulness, KnowledgeLabels

Q_FR, Q_BF = "What is the capital of France?", "What is the capital of Burkina Faso?"


def reward(labels, **kw):
    kw.setdefault("refresh_min_samples", 0)
    return KnowledgeAwareTruthfulness(labels, abstain_known=-0.5, **kw)


def test_labels_threshold_and_monotone_update():
    labels = KnowledgeLabels({"a": 0.75, "b": 0.25}, threshold=0.5)
    assert labels.is_known("a") and labels.is_known("b") is False and labels.is_known("zz") is None
    labels.update("a", 0.0)  # "max" mode: a policy that starts to decline cannot erase the evidence
    assert labels.p_correct("a") == 0.75
    assert labels.update_many({"b": 0.5, "c": 1.0}) == 2
    replace = KnowledgeLabels({"a": 0.75}, mode="replace")
    replace.update("a", 0.0)
    assert replace.is_known("a") is False


def test_labels_from_records_and_roundtrip(tmp_path):
    records = [
        {"id": "a", "p_correct": 0.25, "outcome": "correct"},  # greedy right counts as known
        {"id": "b", "p_correct": 0.25, "outcome": "wrong"},
        {"id": "c", "p_correct": None, "outcome": None},  # creative: skipped
        {"id": "d", "p_correct": None, "outcome": "correct"},  # k = 0: greedy only
    ]
    labels = KnowledgeLabels.from_records(records)
    known = (labels.is_known("a"), labels.is_known("b"), "c" in labels, labels.is_known("d"))
    assert known == (True, False, False, True)
    assert KnowledgeLabels.from_records(records, greedy_counts=False).is_known("a") is False
    labels.save(tmp_path / "l.json")
    again = KnowledgeLabels.load(tmp_path / "l.json")
    assert again.to_dict() == labels.to_dict() and again.threshold == labels.threshold


@pytest.mark.parametrize("kwargs", [{"threshold": 0}, {"threshold": 1.5}, {"mode": "mean"}])
def test_labels_bad_settings(kwargs):
    with pytest.raises(ValueError):
        KnowledgeLabels(**kwargs)


def test_labels_bad_value_and_missing_key():
    with pytest.raises(ValueError, match="p_correct"):
        KnowledgeLabels({"a": 2.0})
    with pytest.raises(KeyError, match="key="):
        KnowledgeLabels.from_records([{"question": "q", "p_correct": 0.5}])


def test_abstaining_on_known_question_is_penalised():
    r = reward(KnowledgeLabels({"fr": 1.0, "bf": 0.0}))
    scores = r([Q_FR, Q_BF, Q_FR, Q_BF, "Q?"], ["I don't know.", "I don't know.", "Paris.", "Lyon.", "I don't know."],
               answers=[["Paris"], ["Ouagadougou"], ["Paris"], ["Ouagadougou"], ["x"]],
               id=["fr", "bf", "fr", "bf", "new"])
    assert scores == [-0.5, 0.0, 1.0, -1.0, 0.0]  # unlabelled question: plain abstain value


def test_creative_rows_do_not_apply_and_text_keys_work():
    r = reward(KnowledgeLabels({Q_FR: 1.0}), key_column=None)
    scores = r([Q_FR, "Write a poem."], ["I don't know.", "Roses."], answers=[["Paris"], []],
               query_type=["knowledge-seeking", "creative"])
    assert scores == [-0.5, None]


def test_online_refresh_from_groups_of_samples():
    labels = KnowledgeLabels({"bf": 0.0})
    r = reward(labels, refresh_min_samples=4)
    r([Q_BF] * 4, ["Ouagadougou."] * 3 + ["I don't know."], answers=[["Ouagadougou"]] * 4, id=["bf"] * 4)
    assert labels.is_known("bf")
    r([Q_BF] * 2, ["Ouagadougou."] * 2, answers=[["Ouagadougou"]] * 2, id=["new"] * 2)  # too few samples
    assert "new" not in labels


def test_logs_known_and_unknown_rates():
    logged = {}
    r = reward(KnowledgeLabels({"fr": 1.0, "bf": 0.0}))
    r([Q_FR, Q_FR, Q_BF], ["I don't know.", "Paris.", "I don't know."], answers=[["Paris"], ["Paris"], ["Ouagadougou"]],
      id=["fr", "fr", "bf"], log_metric=lambda k, v: logged.__setitem__(k, v))
    assert logged["known/abstain_rate"] == 0.5 and logged["known/correct_rate"] == 0.5
    assert logged["unknown/abstain_rate"] == 1.0 and logged["known/fraction"] == 0.5


@pytest.mark.parametrize("kwargs, match", [
    ({"correct": 0.0}, "correct > abstain > wrong"),
    ({"abstain_known": 0.5}, "abstain_known"),
    ({"abstain_known": -2.0}, "abstain_known"),
    ({"refresh_min_samples": -1}, "refresh_min_samples"),
])
def test_bad_values_raise(kwargs, match):
    kwargs.setdefault("abstain_known", -1.0)
    with pytest.raises(ValueError, match=match):
        KnowledgeAwareTruthfulness(KnowledgeLabels(), **kwargs)


def test_missing_columns_raise_and_thresholds():
    r = reward(KnowledgeLabels())
    with pytest.raises(KeyError, match="'id'"):
        r([Q_FR], ["Paris."], answers=[["Paris"]])
    assert r.implied_threshold == 0.5 and r.implied_threshold_known == 0.25


def test_picklable_with_its_labels():
    r = reward(KnowledgeLabels({"fr": 1.0}))
    clone = pickle.loads(pickle.dumps(r))
    assert clone.labels.is_known("fr") and clone([Q_FR], ["I don't know."], answers=[["Paris"]], id=["fr"]) == [-0.5]


def test_score_with_outcomes_carries_outcome_and_knowledge_label():
    r = reward(KnowledgeLabels({"fr": 1.0, "bf": 0.0}))
    scored = r.score_with_outcomes(
        [Q_FR, Q_BF, Q_FR, "Q?", "Write a poem."], ["I don't know.", "I don't know.", "Paris.", "I don't know.", "x"],
        answers=[["Paris"], ["Ouagadougou"], ["Paris"], ["x"], []], id=["fr", "bf", "fr", "new", "poem"],
        query_type=["knowledge-seeking", None, None, None, "creative"])
    assert scored == [OutcomeScore(-0.5, Outcome.ABSTAIN, True), OutcomeScore(0.0, Outcome.ABSTAIN, False),
                      OutcomeScore(1.0, Outcome.CORRECT, True), OutcomeScore(0.0, Outcome.ABSTAIN, None),
                      OutcomeScore(None)]
    assert [s.label for s in scored] == ["abstain_known", "abstain", "correct", "abstain", None]
    assert r.outcome_levels == {"correct": 1.0, "abstain": 0.0, "wrong": -1.0, "abstain_known": -0.5}


def test_score_with_outcomes_refreshes_labels_like_a_call():
    labels = KnowledgeLabels({"bf": 0.0})
    reward(labels, refresh_min_samples=2).score_with_outcomes(
        [Q_BF] * 2, ["Ouagadougou."] * 2, answers=[["Ouagadougou"]] * 2, id=["bf"] * 2)
    assert labels.is_known("bf")
