"""The adversarial-input benchmark runs and reports every rule; the judge's and classify_query's
length caps hold (a long answer is WRONG unread, a long query is read at its two ends)."""

from __future__ import annotations

import json

import benchmarks.bench_text_rules as bench
from rewards import Outcome, QueryType, classify_query, judge
from rewards.judging.decide import MAX_ANSWER_CHARS, MAX_QUESTION_CHARS
from rewards.query_type import MAX_READ


def test_benchmark_reports_every_rule_and_size(tmp_path, capsys):
    assert bench.main(["--sizes", "1", "2", "--json", str(tmp_path / "f.json")]) == 0
    figures = json.loads((tmp_path / "f.json").read_text())
    assert set(figures) == set(bench.RULES) and all(set(by) == {"1", "2"} for by in figures.values())
    assert "target: 2 KB in under" in capsys.readouterr().out


def test_a_long_answer_is_wrong_unread_and_says_why():
    padded = "Paris. " + "x" * MAX_ANSWER_CHARS
    verdict = judge(padded, ["Paris"])
    assert verdict.outcome == Outcome.WRONG and "reads at most" in verdict.reason
    # the cap is on the final part: a long reasoning block before a short answer is fine
    assert judge("<think>" + "hmm " * MAX_ANSWER_CHARS + "</think> Paris.", ["Paris"]).outcome == Outcome.CORRECT


def test_a_long_question_is_read_at_its_end():
    question = "context " * MAX_QUESTION_CHARS + "What is the capital of Guinea-Bissau?"
    assert judge("Guinea-Bissau is in West Africa.", ["Bissau"], question=question).outcome == Outcome.WRONG


def test_classify_query_reads_the_ends_of_a_long_query():
    passage = "Passage: " + "The river runs north. " * MAX_READ
    assert classify_query(passage + "\nQuestion: Which way does the river run?") == QueryType.TEXT_GROUNDED
    assert classify_query("\n" * (3 * MAX_READ) + "What is the capital of Mongolia?") == QueryType.KNOWLEDGE_SEEKING
