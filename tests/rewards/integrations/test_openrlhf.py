"""The OpenRLHF adapter on queries in the exact shape OpenRLHF passes them.

``data/openrlhf_queries.jsonl`` was recorded the way OpenRLHF 0.11's
``SingleTurnAgentExecutor`` builds its arguments, with SmolLM2's tokenizer: ``prompt`` is
``apply_chat_template(..., add_generation_prompt=True)``, ``query`` is
``decode(prompt_ids + response_ids + [eos], skip_special_tokens=False)`` (one row has no
eos: a response cut at the length limit), ``label`` a JSON string, some without a question.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from rewards import TruthfulnessReward
from rewards.integrations import openrlhf
from rewards.integrations.openrlhf import (
    OpenRLHFReward,
    parse_label,
    response_text,
    reward_from_env,
    score_queries,
    strip_special_tokens,
)

torch = pytest.importorskip("torch")

RECORDED = [json.loads(line) for line in
            (Path(__file__).parents[1] / "data" / "openrlhf_queries.jsonl").read_text(encoding="utf-8").splitlines()]


def in_process(reward, rows):
    return reward([r["question"] for r in rows], [r["response"] for r in rows],
                  answers=[json.loads(r["label"])["answers"] for r in rows])


def test_recorded_queries_score_like_the_in_process_reward_one_sample_at_a_time():
    reward = TruthfulnessReward(correct=1.0, abstain=0.0, wrong=-3.0)
    adapter = OpenRLHFReward(reward)
    got = [adapter([r["query"]], [r["prompt"]], [r["label"]]) for r in RECORDED]  # as OpenRLHF calls it
    assert all(isinstance(g["rewards"], torch.Tensor) and g["rewards"].shape == (1,) for g in got)
    assert [g["rewards"].item() for g in got] == in_process(reward, RECORDED)
    assert {-3.0, 0.0, 1.0} <= {g["rewards"].item() for g in got}  # every outcome is in the recording


def test_recorded_batch_gives_rewards_scores_and_outcome_rates():
    reward = TruthfulnessReward(correct=1.0, abstain=0.0, wrong=-3.0)
    out = OpenRLHFReward(reward)([r["query"] for r in RECORDED], [r["prompt"] for r in RECORDED],
                                 [r["label"] for r in RECORDED])
    expected = in_process(reward, RECORDED)
    assert out["rewards"].dtype == torch.float32 and out["rewards"].tolist() == expected
    assert out["scores"].tolist() == [{1.0: 1.0, 0.0: 0.75, -3.0: 0.0}[v] for v in expected]
    logs = out["extra_logs"]
    assert sorted(logs) == ["truthfulness/abstain_rate", "truthfulness/correct_rate", "truthfulness/wrong_rate"]
    assert sum(v for t in logs.values() for v in t.tolist()) == len(RECORDED)  # one outcome per sample
    assert logs["truthfulness/correct_rate"].tolist() == [float(v == 1.0) for v in expected]


def test_the_response_is_cut_out_of_the_query():
    responses = [response_text(r["query"], r["prompt"]) for r in RECORDED]
    assert responses == [r["response"] for r in RECORDED]


@pytest.mark.parametrize("query, prompt, response", [
    ("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nQ?<|eot_id|><|start_header_id|>assistant"
     "<|end_header_id|>\n\nParis.<|eot_id|>",
     "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nQ?<|eot_id|><|start_header_id|>assistant"
     "<|end_header_id|>\n\n", "Paris."),
    ("<｜begin▁of▁sentence｜><｜User｜>Q?<｜Assistant｜>Paris.<｜end▁of▁sentence｜>",
     "<｜begin▁of▁sentence｜><｜User｜>Q?<｜Assistant｜>", "Paris."),
    ("<s> [INST] Q? [/INST] Paris.</s>", "[INST] Q? [/INST]", "Paris."),           # a BOS the prompt lacks
    ("<bos><start_of_turn>user\nQ ?<end_of_turn>\n<start_of_turn>model\nParis.<end_of_turn>\n<eos>",
     "<bos><start_of_turn>user\nQ?<end_of_turn>\n<start_of_turn>model\n", "Paris."),  # decode moved a space
    ("User: Q?\nAssistant: <|im_end|>Paris.<|im_end|><|im_start|>user", "User: Q?\nAssistant:", "Paris."),
])
def test_chat_templates_and_special_tokens(query, prompt, response):
    assert response_text(query, prompt) == response


def test_extra_end_of_turn_strings():
    assert strip_special_tokens("Paris.### End", extra=["### End"]) == "Paris."


def test_a_missing_question_warns_once_and_judges_the_prompt_text(caplog):
    row = next(r for r in RECORDED if "question" not in json.loads(r["label"]) and "Guinea-Bissau" in r["question"])
    subject_only = row["query"].replace(row["response"], "Guinea-Bissau is a small nation in West Africa.")
    adapter = OpenRLHFReward(TruthfulnessReward())
    with caplog.at_level(logging.WARNING, logger="rewards.integrations.openrlhf"):
        out = [adapter([q], [row["prompt"]], [row["label"]])["rewards"].item() for q in (subject_only, subject_only)]
    assert out == [-1.0, -1.0]  # the gold inside the question's own subject is not an answer
    assert [r.levelname for r in caplog.records].count("WARNING") == 1


def test_labels_as_dicts_and_with_competitors():
    reward = TruthfulnessReward()
    q, p = "Q: Capital of France?\nA: Paris, not Lyon.</s>", "Q: Capital of France?\nA:"
    plain = reward(["Capital of France?"], ["Paris, not Lyon."], answers=[["Paris"]], competitors=[["Lyon"]])
    label = {"answers": ["Paris"], "question": "Capital of France?", "competitors": ["Lyon"]}
    assert score_queries(reward, [q], [p], [label])["rewards"] == plain
    assert score_queries(reward, [q], [p], [json.dumps(label)])["rewards"] == plain


@pytest.mark.parametrize("label, error, match", [
    ("Paris", ValueError, "not JSON"),
    ('{"question": "Capital of France?"}', KeyError, "has no 'answers'"),
    ('["Paris"]', TypeError, "each label must be"),
    ('{"answers": "Paris"}', TypeError, "list of strings"),
    ({"answers": ["Paris"], "question": 3}, TypeError, "question"),
])
def test_bad_labels_raise_and_log_at_error(label, error, match, caplog):
    with caplog.at_level(logging.ERROR, logger="rewards.integrations.openrlhf"), pytest.raises(error, match=match):
        OpenRLHFReward(TruthfulnessReward())(["Q? Paris."], ["Q?"], [label])
    assert any(r.levelname == "ERROR" and "OpenRLHF" in r.getMessage() for r in caplog.records)


def test_bad_batches_raise():
    label = '{"answers": ["Paris"]}'
    with pytest.raises(ValueError, match="does not start with its prompt"):
        score_queries(TruthfulnessReward(), ["Something else. Paris."], ["Q?"], [label])
    with pytest.raises(ValueError, match="2 queries, 1 prompts and 1 labels"):
        score_queries(TruthfulnessReward(), ["Q? a", "Q? b"], ["Q?"], [label])
    with pytest.raises(ValueError, match="returned None"):
        score_queries(lambda prompts, completions, **kw: [None], ["Q? Paris."], ["Q?"], [label])


def test_a_plain_reward_function_gives_its_values_as_scores():
    out = score_queries(lambda prompts, completions, **kw: [0.5] * len(prompts), ["Q? a"], ["Q?"],
                        ['{"answers": ["a"]}'])
    assert out == {"rewards": [0.5], "scores": [0.5], "extra_logs": {}}


def test_reward_values_from_environment_variables():
    assert reward_from_env({}).outcome_levels == {"correct": 1.0, "abstain": 0.0, "wrong": -1.0}
    assert reward_from_env({"SHAPING_REWARD_WRONG": "-3", "SHAPING_REWARD_ABSTAIN": " "}).implied_threshold == 0.75
    with pytest.raises(ValueError, match="SHAPING_REWARD_CORRECT='high' is not a number"):
        reward_from_env({"SHAPING_REWARD_CORRECT": "high"})
    with pytest.raises(ValueError, match="order"):
        reward_from_env({"SHAPING_REWARD_WRONG": "2"})


def test_loads_from_its_file_path_as_openrlhf_does(monkeypatch):
    monkeypatch.setenv("SHAPING_REWARD_WRONG", "-2")
    spec = importlib.util.spec_from_file_location("reward_func", openrlhf.__file__)  # OpenRLHF's loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.reward_func(["Q? Lyon.<|im_end|>"], ["Q?"], ['{"answers": ["Paris"], "question": "Q?"}'])
    assert out["rewards"].tolist() == [-2.0]


def test_importing_the_adapter_does_not_import_torch():
    code = "import sys, rewards.integrations.openrlhf; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[3])


def test_parse_label_takes_numpy_answers_and_fills_the_optional_keys():
    np = pytest.importorskip("numpy")
    assert parse_label({"answers": np.array(["Paris", "paris"])}) == {
        "answers": ["Paris", "paris"], "question": None, "competitors": None}


def test_docstring_examples():
    import doctest

    assert doctest.testmod(openrlhf).failed == 0


def test_the_python_in_the_openrlhf_docs_writes_rows_the_adapter_reads(tmp_path, monkeypatch):
    import re

    text = (Path(__file__).parents[3] / "docs" / "engines.md").read_text(encoding="utf-8")
    section = text.split("\n## OpenRLHF\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 2
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "doc_engines"}
    for block in blocks:
        exec(compile(block, "docs/engines.md", "exec"), namespace)
    rows = [json.loads(line) for line in (tmp_path / "openrlhf_train.jsonl").read_text().splitlines()[:50]]
    assert all(isinstance(r["input"], list) and r["input"][-1]["role"] == "user" for r in rows)
    prompts = [f"<|im_start|>user\n{r['input'][-1]['content']}<|im_end|>\n<|im_start|>assistant\n" for r in rows]
    queries = [p + "I don't know.<|im_end|>" for p in prompts]
    out = namespace["reward_func"](queries, prompts, [r["label"] for r in rows])
    unanswerable = [not json.loads(r["label"])["answers"] for r in rows]
    assert out["rewards"].tolist() == [1.0 if u else 0.0 for u in unanswerable]  # declining: correct only there
