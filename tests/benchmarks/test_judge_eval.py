"""The judge benchmark: the substring baseline, labelled-set loading, agreement counts and the
script's printed tables and JSON."""

from __future__ import annotations

import json

import pytest

import benchmarks.bench_judge as bench
from benchmarks.judge_eval import agreement, baseline_judge, generated_rows, load_labelled
from rewards import Outcome


def test_baseline_is_a_substring_match_then_a_phrase_list():
    assert baseline_judge("Paris is the capital.", ["Paris"]) == Outcome.CORRECT
    assert baseline_judge("I don't know.", ["Paris"]) == Outcome.ABSTAIN
    assert baseline_judge("Lyon.", ["Paris"]) == Outcome.WRONG
    # the hole the judge closes: a mention counts as an answer
    assert baseline_judge("Not Paris: Lyon.", ["Paris"]) == Outcome.CORRECT


def test_load_labelled_names_the_file_and_row(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps({"question": "Q?", "answers": [], "response": "x"}) + "\n")
    with pytest.raises(KeyError, match=r"set.jsonl:1 lacks \['label'\]"):
        load_labelled(path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_labelled(tmp_path / "none.jsonl")


def test_agreement_counts_per_group():
    rows = [{"question": "Capital of France?", "answers": ["Paris"], "response": r, "label": lab, "origin": o}
            for r, lab, o in (("Paris.", "correct", "a"), ("Lyon.", "correct", "a"), ("I don't know.", "abstain", "b"))]
    assert agreement(baseline_judge, rows, competitors=False) == {"all": (2, 3), "a": (1, 2), "b": (1, 1)}


def test_generated_rows_are_seeded_and_include_questions_without_an_answer():
    rows = generated_rows(500, seed=3)
    assert rows == generated_rows(500, seed=3) and any(answers == [] for _, answers, _ in rows)


def test_script_prints_agreement_beside_the_baseline_and_writes_json(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    rows = [{"question": "What is the capital of France?", "answers": ["Paris"], "response": r, "label": lab,
             "category": c} for r, lab, c in (("Paris, not Lyon.", "correct", "negation"),
                                           ("Not Paris: Lyon.", "wrong", "negation"),
                                           ("Sydney, Paris, Perth.", "wrong", "list"))]
    (data / "judge_real_hard.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    assert bench.main(["--rows", "300", "--data", str(data), "--json", str(tmp_path / "f.json")]) == 0
    out = capsys.readouterr().out
    assert "judge_real_hard.jsonl (3 rows)" in out and "judge_real_random.jsonl: not found" in out
    figures = json.loads((tmp_path / "f.json").read_text())
    assert figures["agreement"]["judge_real_hard.jsonl"]["judge"]["all"] == [3, 3]
    assert figures["agreement"]["judge_real_hard.jsonl"]["baseline"]["all"][0] < 3
    assert figures["throughput_cpu"]["judge"] > 0
