"""R-Tuning dataset construction and a two-step SFT warm start on a tiny model."""

import math

import pandas as pd
import pytest
import torch
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

from shaping.models import policy_path
from shaping.recipe.warm_start import IDK_TEXT, build_rtuning_dataset, warm_start


def results(n_right=3, n_wrong=7):
    rows = [{"id": f"r{i}", "question": f"Capital of R{i}?", "response": f"It is City{i}.", "outcome": "correct"}
            for i in range(n_right)]
    rows += [{"id": f"w{i}", "question": f"Capital of W{i}?", "response": "Nowhere.", "outcome": "wrong"}
             for i in range(n_wrong)]
    rows.append({"id": "c", "question": "Write a poem.", "response": "Roses...", "outcome": None})
    return rows


def test_balanced_dataset_pairs_own_answers_with_idk():
    ds = build_rtuning_dataset(pd.DataFrame(results()), seed=1)
    targets = [r["target"] for r in ds]
    assert targets.count("answer") == targets.count("idk") == 3
    for row in ds:
        text = row["completion"][0]["content"]
        assert (text == IDK_TEXT) == (row["target"] == "idk")
        assert row["prompt"][0]["role"] == "system" and row["prompt"][-1]["role"] == "user"
    answers = {r["prompt"][-1]["content"]: r["completion"][0]["content"] for r in ds if r["target"] == "answer"}
    assert answers["Capital of R1?"] == "It is City1."  # its own answer, verbatim


def test_unbalanced_and_capped():
    ds = build_rtuning_dataset(results(), balance=False)
    assert [r["target"] for r in ds].count("idk") == 7
    capped = build_rtuning_dataset(results(), balance=False, max_per_class=2)
    assert len(capped) == 4


def test_idk_only_where_no_sample_was_right():
    rows = results(n_right=3, n_wrong=4)
    for row, p in zip(rows[3:7], (0.0, 0.0, 0.25, 0.75)):  # two reliably unknown, two half-known wrong ones
        row["p_correct"] = p
    ds = build_rtuning_dataset(rows, balance=False, idk_max_p=0.0)
    idk = sorted(r["prompt"][-1]["content"] for r in ds if r["target"] == "idk")
    assert idk == ["Capital of W0?", "Capital of W1?"]
    assert len(build_rtuning_dataset(rows, balance=False, idk_max_p=0.25)) == 3 + 3
    with pytest.raises(ValueError, match="idk_max_p=1.0"):
        build_rtuning_dataset(rows, idk_max_p=1.0)
    with pytest.raises(KeyError, match="p_correct"):
        build_rtuning_dataset(results(), idk_max_p=0.0)


def test_stratify_balances_within_each_relation():
    rows = [dict(r, relation="capital") for r in results(n_right=3, n_wrong=1)[:4]]  # mostly known
    rows += [dict(r, id="n" + r["id"], question="Atomic number of " + r["question"], relation="number")
             for r in results(n_right=1, n_wrong=5)[:6]]  # mostly unknown
    ds = build_rtuning_dataset(rows, stratify="relation")
    per = {}
    for row in ds:
        rel = "number" if row["prompt"][-1]["content"].startswith("Atomic") else "capital"
        per.setdefault(rel, []).append(row["target"])
    # one right + one "I don't know." per relation; unstratified balance would give 4 + 4 with
    # 5 of the 6 "number" rows as "I don't know." targets
    assert {k: sorted(v) for k, v in per.items()} == {"capital": ["answer", "idk"], "number": ["answer", "idk"]}
    assert len(build_rtuning_dataset(rows)) == 8
    capped = build_rtuning_dataset(rows, stratify="relation", max_per_class=1)
    assert sorted(r["target"] for r in capped) == ["answer", "idk"]
    with pytest.raises(KeyError, match="'topic'"):
        build_rtuning_dataset(rows, stratify="topic")
    with pytest.raises(ValueError, match="balance=True"):
        build_rtuning_dataset(rows, stratify="relation", balance=False)


def test_sampled_answers_take_the_shortest_right_sample():
    rows = results(n_right=1, n_wrong=3)
    samples = [[{"response": "Nowhere.", "outcome": "wrong"}] * 2,  # no right sample: stays an "I don't know."
               [{"response": "It is City, I think, yes.", "outcome": "correct"},
                {"response": "City.", "outcome": "correct"}, {"response": "Nowhere.", "outcome": "wrong"}],
               [{"response": "Town.", "outcome": "correct"}]]
    for row, s in zip(rows[1:4], samples):
        row["samples"] = s
    rows[0]["samples"] = [{"response": "Elsewhere.", "outcome": "wrong"}]  # greedy right: kept verbatim
    ds = build_rtuning_dataset(rows, balance=False, sampled_answers=True)
    answers = {r["prompt"][-1]["content"]: r["completion"][0]["content"] for r in ds if r["target"] == "answer"}
    assert answers == {"Capital of R0?": "It is City0.", "Capital of W1?": "City.", "Capital of W2?": "Town."}
    assert [r["prompt"][-1]["content"] for r in ds if r["target"] == "idk"] == ["Capital of W0?"]
    assert len(build_rtuning_dataset(rows, balance=False)) == 4  # off by default
    with pytest.raises(KeyError, match="samples"):
        build_rtuning_dataset(results(), sampled_answers=True)


def test_chat_prompt_column_is_kept():
    rows = results(1, 1)
    rows[0]["prompt"] = [{"role": "user", "content": "custom"}]
    ds = build_rtuning_dataset(rows)
    assert any(r["prompt"] == [{"role": "user", "content": "custom"}] for r in ds)


@pytest.mark.parametrize(
    "rows, error",
    [
        (results(0, 3), ValueError),
        ([{"question": "q", "outcome": "correct"}], KeyError),
    ],
)
def test_bad_results_raise(rows, error):
    with pytest.raises(error):
        build_rtuning_dataset(rows)


def tiny_policy():
    tokenizer = AutoTokenizer.from_pretrained(policy_path())
    torch.manual_seed(0)
    config = LlamaConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=2,
                         intermediate_size=64, vocab_size=len(tokenizer), max_position_embeddings=256,
                         pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id)
    return LlamaForCausalLM(config), tokenizer


def test_warm_start_trains_and_saves(tmp_path):
    model, tokenizer = tiny_policy()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    ds = build_rtuning_dataset(results(4, 4))
    tuned = warm_start(model, tokenizer, ds, epochs=1, lr=1e-3, batch_size=4, output_dir=tmp_path / "warm")
    assert (tmp_path / "warm" / "config.json").exists()
    after = tuned.state_dict()
    assert any(not torch.equal(before[k], after[k]) for k in before)
    assert all(math.isfinite(v.float().abs().sum().item()) for v in after.values())


def test_warm_start_rejects_bad_settings():
    model, tokenizer = tiny_policy()
    with pytest.raises(ValueError, match="lr"):
        warm_start(model, tokenizer, build_rtuning_dataset(results()), lr=0)


def test_drafts_write_the_own_answer_first_then_commit_or_decline():
    from rewards import Outcome, judge

    ds = build_rtuning_dataset(results(), drafts=True, seed=1)
    by_question = {r["prompt"][-1]["content"]: (r["target"], r["completion"][0]["content"]) for r in ds}
    assert by_question["Capital of R1?"] == ("answer", "<think>It is City1.</think> It is City1.")
    idk = [text for target, text in by_question.values() if target == "idk"]
    assert idk and set(idk) == {"<think>Nowhere.</think> I don't know."}  # its own wrong answer, then declined
    assert judge(by_question["Capital of R1?"][1], ["City1"]).outcome == Outcome.CORRECT
    assert all(judge(text, ["City1"]).outcome == Outcome.ABSTAIN for text in idk)
    plain = build_rtuning_dataset(results(), seed=1)
    assert [r["target"] for r in plain] == [r["target"] for r in ds]  # the same pairs, only the text differs
