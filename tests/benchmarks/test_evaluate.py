"""evaluate_policy: records, k-sample boundary, resume by id, input checks (tiny random model)."""

import json

import pandas as pd
import pytest
from datasets import Dataset, DatasetDict

import benchmarks.evaluate as ev
from benchmarks.evaluate import as_rows, evaluate_policy, read_results
from shaping.generation import Generation
from tests.benchmarks.tiny_lm import question_rows

SCHEMA = ["id", "question", "answers", "query_type", "relation", "entity", "popularity", "passage", "response",
          "outcome", "hedged", "matched", "reason", "logprob", "sum_logprob", "num_tokens", "samples",
          "p_correct", "p_abstain", "agreement", "known", "model_fingerprint"]


def _run(lm, rows, **kw):
    model, tok = lm
    return evaluate_policy(model, tok, rows, max_new_tokens=4, batch_size=4, **kw)


def test_records_follow_the_results_schema(lm, tmp_path):
    rows = question_rows(6)
    df = _run(lm, rows, k=2, out_path=tmp_path / "results.jsonl")
    assert list(df["id"]) == [r["id"] for r in rows]  # dataset order, not length order
    assert set(SCHEMA) <= set(df.columns)
    judged = df[df.query_type != "creative"]
    assert set(judged["outcome"]) <= {"correct", "abstain", "wrong"}
    assert all(len(s) == 2 for s in judged["samples"])
    assert judged["p_correct"].between(0, 1).all() and judged["agreement"].between(0.5, 1).all()
    creative = df[df.query_type == "creative"].iloc[0]
    assert pd.isna(creative["outcome"]) and creative["samples"] == [] and pd.isna(creative["known"])
    assert df["logprob"].map(lambda x: x < 0).all()
    lines = (tmp_path / "results.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["id"] for line in lines) == sorted(df["id"])


def test_k_zero_means_greedy_only(lm):
    df = _run(lm, question_rows(3), k=0)
    assert df["p_correct"].isna().all() and df["samples"].map(len).eq(0).all()


def test_boundary_fields_from_judged_samples():
    row = {"id": "x", "question": "What is the capital of France?", "answers": ["Paris"],
           "query_type": "knowledge-seeking"}
    samples = [Generation(t, float("nan"), 3) for t in ["Paris.", "I don't know.", "It is Lyon.", "paris!"]]
    rec = ev._record(row, Generation("The capital is Paris.", -2.0, 4), samples, 4)
    assert rec["outcome"] == "correct" and rec["logprob"] == -0.5
    assert [s["outcome"] for s in rec["samples"]] == ["correct", "abstain", "wrong", "correct"]
    assert (rec["p_correct"], rec["p_abstain"], rec["agreement"], rec["known"]) == (0.5, 0.25, 0.5, True)


def test_resume_skips_finished_ids(lm, tmp_path, monkeypatch):
    out = tmp_path / "results.jsonl"
    rows = question_rows(6)
    first = _run(lm, rows[:3], k=1, out_path=out)
    seen = []
    real = ev.generate
    monkeypatch.setattr(ev, "generate", lambda m, t, prompts, **kw: seen.extend(prompts) or real(m, t, prompts, **kw))
    df = _run(lm, rows, k=1, out_path=out)
    asked = {p[-1]["content"] for p in seen}
    assert asked == {r["question"] for r in rows[3:]}  # the first three were not generated again
    assert list(df["response"][:3]) == list(first["response"])
    assert len(read_results(out)) == 6


def test_half_written_line_is_dropped_and_k_mismatch_raises(lm, tmp_path):
    out = tmp_path / "results.jsonl"
    _run(lm, question_rows(3), k=1, out_path=out)
    out.write_text(out.read_text() + '{"id": "q9", "resp')
    assert len(read_results(out)) == 3
    with pytest.raises(ValueError, match="k=1 samples, but k=2"):
        _run(lm, question_rows(3), k=2, out_path=out)
    df = _run(lm, question_rows(3), k=2, out_path=out, resume=False)
    assert df["samples"].map(len).tolist() == [2, 2, 0]  # the last row is creative


def test_resuming_another_models_answers_raises(lm, tmp_path):
    import torch

    model, tok = lm
    out = tmp_path / "results.jsonl"
    before = _run(lm, question_rows(3), k=0, out_path=out)
    assert before["model_fingerprint"].nunique() == 1
    assert before["model_fingerprint"][0] == ev.model_fingerprint(model)  # deterministic
    state = {k: v.clone() for k, v in model.state_dict().items()}
    try:
        with torch.no_grad():
            for param in model.parameters():
                param.add_(0.01)  # a re-trained model written to the same path
        with pytest.raises(ValueError, match="another model.*--no-resume"):
            _run(lm, question_rows(4), k=0, out_path=out)
        assert len(read_results(out)) == 3  # the old answers are untouched
        after = _run(lm, question_rows(4), k=0, out_path=out, resume=False)
        assert after["model_fingerprint"].nunique() == 1
        assert after["model_fingerprint"][0] != before["model_fingerprint"][0]
    finally:
        model.load_state_dict(state)
    old = [{k: v for k, v in r.items() if k != "model_fingerprint"} for r in read_results(out)]
    out.write_text("".join(json.dumps(r) + "\n" for r in old))  # a file from before fingerprints
    assert len(_run(lm, question_rows(4), k=0, out_path=out)) == 4


@pytest.mark.parametrize("data, match", [
    ([], "empty"),
    ([{"id": "a", "question": "Q?"}], r"lacks the column\(s\) \['answers', 'query_type'\]"),
    ([{"id": "a", "question": "Q", "answers": [], "query_type": "creative"}] * 2, "Duplicate ids"),
])
def test_bad_datasets_raise_clear_errors(data, match):
    with pytest.raises(ValueError, match=match):
        as_rows(data)


def test_dataset_dict_and_dataframe_inputs():
    rows = question_rows(2)
    with pytest.raises(TypeError, match="pass one split"):
        as_rows(DatasetDict({"eval": Dataset.from_list(rows)}))
    assert [r["id"] for r in as_rows(pd.DataFrame(rows))] == ["q0", "q1"]


def test_agreement_groups_samples_the_judge_would_read_alike():
    # two wrong samples that differ only in accents and punctuation are one answer; the
    # judge's own normalisation (rewards.text.normalize_answer) decides
    row = {"id": "c", "question": "What is the capital of France?", "answers": ["Paris"],
           "query_type": "knowledge-seeking"}
    samples = [Generation(t, float("nan"), 3) for t in ["Bogotá, D.C.", "bogota dc", "I don't know.", "Paris."]]
    rec = ev._record(row, Generation("Lyon.", -1.0, 2), samples, 4)
    assert rec["agreement"] == 0.5 and rec["p_correct"] == 0.25


def test_grounded_answer_found_in_the_passage_is_correct():
    passage = "Helium (symbol He) is element number 2. It was first identified in 1895."
    row = {"id": "g", "question": f"{passage}\n\nBased only on the text above: In what year was Helium discovered?",
           "answers": ["1895"], "query_type": "text-grounded", "passage": passage}
    rec = ev._record(row, Generation("It was first identified in 1895.", -1.0, 8), [], 0)
    assert rec["outcome"] == "correct"


def test_resuming_with_other_generation_settings_raises(lm, tmp_path):
    out = tmp_path / "results.jsonl"
    _run(lm, question_rows(3), k=1, out_path=out, temperature=1.0)
    for changed, match in ((dict(temperature=0.5), "temperature=1.0, but temperature=0.5"),
                           (dict(seed=3), "seed=0, but seed=3")):
        with pytest.raises(ValueError, match=match):
            _run(lm, question_rows(4), k=1, out_path=out, temperature=changed.get("temperature", 1.0),
                 seed=changed.get("seed", 0))
    assert len(read_results(out)) == 3  # nothing was rewritten


def test_a_last_line_cut_inside_a_character_is_dropped(lm, tmp_path):
    out = tmp_path / "results.jsonl"
    _run(lm, question_rows(2), k=0, out_path=out)
    cut = json.dumps({"id": "q9", "response": "巴黎"}, ensure_ascii=False).encode("utf-8")[:-4]
    out.write_bytes(out.read_bytes() + cut)  # ends inside the three bytes of a character
    assert len(read_results(out)) == 2


def test_the_resume_rewrite_goes_through_a_renamed_temporary_file(lm, tmp_path, monkeypatch):
    out = tmp_path / "results.jsonl"
    _run(lm, question_rows(3), k=0, out_path=out)
    before = out.read_bytes()
    import os

    real_replace, seen = os.replace, []

    def crash(src, dst):  # a kill just before the rename
        seen.append((src, dst))
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        _run(lm, question_rows(4), k=0, out_path=out)
    assert out.read_bytes() == before and seen  # the finished records are untouched
    monkeypatch.setattr(os, "replace", real_replace)
    assert len(_run(lm, question_rows(4), k=0, out_path=out)) == 4
