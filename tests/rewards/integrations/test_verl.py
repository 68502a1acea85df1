"""rewards.integrations.verl: compute_score on the inputs verl passes, against the in-process rewards.

The samples below are in the shapes verl hands a custom reward function: ``ground_truth``
from ``reward_model.ground_truth`` as a numpy object array (a parquet list read by pandas, as
verl's ``main_eval`` does), a plain list (read by ``datasets``, as ``RLHFDataset`` does), or one
string; ``extra_info`` with the keys verl's reward managers add (``num_turns``,
``rollout_reward_scores``); the batch form as ``BatchRewardManager`` calls it (numpy arrays of
data sources and extra-info dicts).
"""

from __future__ import annotations

import contextlib
import doctest
import io
import logging
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import rewards.integrations.verl as verl_adapter
from rewards import KnowledgeAwareTruthfulness, KnowledgeLabels, TruthfulnessReward
from rewards.integrations.verl import DATA_SOURCE, VerlScorer, compute_score, scorer_for

SOURCE = f"{DATA_SOURCE}/country_capital"
# (question, response, gold answers, competitors, id): judged correct, wrong, abstain, hedged, no true answer...
RECORDED = [
    ("What is the capital of France?", "The capital of France is Paris.", ["Paris"], ["Lyon", "Berlin"], "fr"),
    ("What is the capital of France?", "Paris, Lyon, Marseille.", ["Paris"], ["Lyon", "Berlin"], "fr"),
    ("What is the capital of Burkina Faso?", "I don't know.", ["Ouagadougou"], ["Bamako"], "bf"),
    ("What is the capital of Mongolia?", "I'm not sure, but I think it is Ulan Bator.",
     ["Ulaanbaatar", "Ulan Bator"], ["Beijing"], "mn"),
    ("What is the capital of Guinea-Bissau?", "Guinea-Bissau is a small nation in West Africa.", ["Bissau"],
     ["Conakry"], "gw"),
    ("What is the capital of the Republic of Zembla?", "I have no information about Zembla.", [], [], "zembla"),
    ("What is the capital of the Republic of Zembla?", "Its capital is Norvik.", [], [], "zembla"),
    ("台灣的首都是哪裡？", "臺北。", ["台北"], [], "tw"),
]
KEYS = {"score", "outcome", "acc", "correct", "abstain", "wrong"}
ROOT = Path(__file__).resolve().parents[3]


def verl_sample(question, response, answers, competitors, key, index=0):
    """One sample as verl's naive reward manager passes it (keywords; numpy ground truth)."""
    extra_info = {"question": question, "competitors": np.array(competitors, dtype=object), "id": key,
                  "index": index, "split": "train", "num_turns": None, "rollout_reward_scores": {}}
    return {"data_source": SOURCE, "solution_str": response, "ground_truth": np.array(answers, dtype=object),
            "extra_info": extra_info}


def in_process(reward, question, response, answers, competitors, key):
    return reward.score_with_outcomes([question], [response], answers=[answers], competitors=[competitors],
                                      id=[key])[0]


def test_single_samples_score_as_the_in_process_truthfulness_reward():
    reward = TruthfulnessReward(1.0, 0.0, -3.0)
    for i, sample in enumerate(RECORDED):
        got = compute_score(**verl_sample(*sample, index=i), correct=1.0, abstain=0.0, wrong=-3.0)
        want = in_process(reward, *sample)
        assert set(got) == KEYS
        assert (got["score"], got["outcome"]) == (want.value, want.outcome.value), sample
        assert got["acc"] == got["correct"] == float(want.outcome.value == "correct")
        assert got["correct"] + got["abstain"] + got["wrong"] == 1.0
    assert [compute_score(**verl_sample(*s))["outcome"] for s in RECORDED] == [
        "correct", "wrong", "abstain", "correct", "wrong", "correct", "wrong", "correct"]


@pytest.mark.parametrize("ground_truth", [np.array(["Paris"], dtype=object), ["Paris"], ("Paris",), "Paris",
                                          np.array(["Paris", "Paris, France"])])
def test_ground_truth_in_every_shape_verl_passes(ground_truth):
    sample = {**verl_sample(*RECORDED[0]), "ground_truth": ground_truth}
    assert compute_score(**sample)["outcome"] == "correct"
    positional = compute_score(SOURCE, "Lyon.", ground_truth, {"question": "What is the capital of France?"})
    assert positional["outcome"] == "wrong"


def test_batch_form_as_the_batch_reward_manager_calls_it():
    samples = [verl_sample(*s, index=i) for i, s in enumerate(RECORDED)]
    single = [compute_score(**s, wrong=-2.0) for s in samples]
    batch = compute_score(data_sources=np.array([s["data_source"] for s in samples], dtype=object),
                          solution_strs=[s["solution_str"] for s in samples],
                          ground_truths=[s["ground_truth"] for s in samples],
                          extra_infos=np.array([s["extra_info"] for s in samples], dtype=object), wrong=-2.0)
    assert batch == single
    positional = compute_score([s["data_source"] for s in samples], [s["solution_str"] for s in samples],
                               [s["ground_truth"] for s in samples], [s["extra_info"] for s in samples], wrong=-2.0)
    assert positional == single
    assert compute_score(data_sources=[], solution_strs=[], ground_truths=[], extra_infos=[]) == []


def test_a_missing_question_warns_once_and_costs_the_question_check(caplog):
    scorer = VerlScorer(TruthfulnessReward(), [DATA_SOURCE])
    question, response, answers, _, _ = RECORDED[4]  # "Guinea-Bissau is a small nation ..." for "Bissau"
    with caplog.at_level(logging.WARNING, logger=verl_adapter.__name__):
        with_question = scorer.score_batch([SOURCE], [response], [answers], [{"question": question}])
        for extra_info in (None, {}, {"index": 3}, {"question": ""}) * 5:
            scorer.score_batch([SOURCE], [response], [answers], [extra_info])
    warnings = [r for r in caplog.records if "no extra_info['question']" in r.getMessage()]
    assert len(warnings) == 1
    assert with_question[0]["outcome"] == "wrong"


def test_knowledge_reward_reads_its_labels_from_a_file(tmp_path):
    labels = KnowledgeLabels({"fr": 1.0, "bf": 0.0})
    labels.save(tmp_path / "labels.json")
    options = {"reward": "knowledge", "labels": str(tmp_path / "labels.json"), "wrong": -2.0, "abstain_known": -1.5}
    reward = KnowledgeAwareTruthfulness(labels, wrong=-2.0, abstain_known=-1.5, refresh_min_samples=0)
    for question, key in (("What is the capital of France?", "fr"), ("What is the capital of Burkina Faso?", "bf")):
        sample = (question, "I don't know.", ["Paris"], [], key)
        got = compute_score(**verl_sample(*sample), **options)
        assert got["score"] == in_process(reward, *sample).value
        assert set(got) == KEYS | {"abstain_known"} and got["abstain_known"] == float(key == "fr")
    no_id = verl_sample(*RECORDED[0])
    del no_id["extra_info"]["id"]
    with pytest.raises(KeyError, match=r"no extra_info\['id'\]"):
        compute_score(**no_id, **options)


def test_eight_threads_score_as_one():
    calls = [verl_sample(*RECORDED[k % len(RECORDED)], index=k) for k in range(400)]
    serial = [compute_score(**sample, wrong=-4.0) for sample in calls]
    with ThreadPoolExecutor(8) as pool:
        threaded = list(pool.map(lambda sample: compute_score(**sample, wrong=-4.0), calls))
    assert threaded == serial
    assert scorer_for(wrong=-4.0) is scorer_for(wrong=-4.0)  # one reward per configuration, shared


@pytest.mark.parametrize("change, error, message", [
    ({"data_source": "gsm8k"}, ValueError, "data_source='gsm8k', which this reward does not score"),
    ({"ground_truth": None}, TypeError, "reward_model.ground_truth is None"),
    ({"ground_truth": {"answers": ["Paris"]}}, TypeError, "reward_model.ground_truth is"),
    ({"ground_truth": [1066]}, TypeError, "list of gold answer strings"),
    ({"solution_str": None}, TypeError, "solution_str is NoneType"),
    ({"extra_info": "What is the capital of France?"}, TypeError, "extra_info is str, not a dict"),
    ({"extra_info": {"question": 7}}, TypeError, r"extra_info\['question'\] is int"),
    ({"wrogn": -3.0}, TypeError, r"Unknown reward_kwargs \['wrogn'\]"),
    ({"wrong": 0.5}, ValueError, "abstain <= wrong"),
    ({"reward": "faithful"}, ValueError, "reward_kwargs.reward='faithful' is not one of"),
    ({"reward": "knowledge"}, FileNotFoundError, "needs reward_kwargs.labels"),
    ({"labels": "labels.json"}, ValueError, "belong to reward='knowledge'"),
    ({"data_source_prefixes": []}, ValueError, "must be a non-empty list"),
])
def test_bad_input_raises_with_the_fix(change, error, message):
    with pytest.raises(error, match=message):
        compute_score(**{**verl_sample(*RECORDED[0]), **change})


def test_bad_batches_raise():
    with pytest.raises(ValueError, match="differ in length"):
        compute_score(data_sources=[SOURCE], solution_strs=["Paris.", "Lyon."], ground_truths=[["Paris"]] * 2,
                      extra_infos=None)
    with pytest.raises(TypeError, match="both the single-sample arguments and the batch keywords"):
        compute_score(SOURCE, data_sources=[SOURCE], solution_strs=["Paris."], ground_truths=[["Paris"]],
                      extra_infos=None)
    with pytest.raises(TypeError, match="needs data_sources as a list"):
        compute_score(data_sources=SOURCE, solution_strs=["Paris."], ground_truths=[["Paris"]], extra_infos=None)


def test_other_data_sources_by_reward_kwargs_and_engine_keywords_are_ignored():
    sample = {**verl_sample(*RECORDED[0]), "data_source": "triviaqa"}
    got = compute_score(**sample, data_source_prefixes=["triviaqa"], reward_router_address=None,
                        reward_model_tokenizer=None)
    assert got["outcome"] == "correct"


def test_importing_the_adapter_imports_neither_verl_nor_torch():
    code = ("import sys, rewards.integrations.verl; "
            "print(sorted(m for m in ('verl', 'torch', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_docstring_examples():
    result = doctest.testmod(verl_adapter, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_the_verl_section_of_the_engine_docs_runs_and_prints_what_it_says():
    text = (ROOT / "docs" / "engines.md").read_text(encoding="utf-8")
    section = text.split("\n## verl\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert blocks
    for block in blocks:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, "docs/engines.md", "exec"), {"__name__": "doc_engines"})
        # each one-line print(...) says what it prints in its trailing comment
        assert out.getvalue().splitlines() == re.findall(r"^print\(.*\)\s+#\s*(.*)$", block, re.M)
