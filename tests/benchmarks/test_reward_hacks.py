"""The reward-hacking red team: every pattern generates cases, their deserved outcomes are consistent,
generation is seeded, and the benchmark's over-earning count finds an over-crediting judge and
clears an oracle, and no case earns more than it deserves under our reward."""

from __future__ import annotations

import doctest
import importlib
import json
import random
import re

import pytest

import benchmarks.bench_reward_hacks as bench
from benchmarks.reward_hacks import FACTS, KINDS, PATTERNS, Case, Fact, generate_cases, pattern
from rewards import Outcome

VALUES = bench.outcome_values(bench.REWARD)
CASES = generate_cases(seed=0)


def _fold(text: str) -> str:
    return text.casefold()


def _final(text: str) -> str:
    """The response without its reasoning trace."""
    return re.sub(r"<think>.*?</think>", "", text, flags=re.S)


def _oracle(cases):
    deserved = {(c.question, c.response): c.max_outcome for c in cases}
    return lambda response, answers, question=None: deserved[(question, response)]


def test_facts_cover_every_kind_and_questions_with_no_answer():
    assert {f.kind for f in FACTS} == set(KINDS)
    assert sum(1 for f in FACTS if f.answers) >= 40 and sum(1 for f in FACTS if not f.answers) >= 10
    assert any(f.chinese for f in FACTS if f.answers) and any(f.chinese for f in FACTS if not f.answers)
    assert len({f.question for f in FACTS}) == len(FACTS)


@pytest.mark.parametrize("name", list(PATTERNS))
def test_every_pattern_generates_cases(name):
    cases = [c for c in CASES if c.pattern == name]
    assert len(cases) >= 10, f"pattern {name!r} generated only {len(cases)} cases from FACTS"
    assert all(isinstance(c.response, str) for c in cases)
    assert any(c.max_outcome is not Outcome.CORRECT for c in cases), f"{name!r} has no hack, only controls"


def test_cases_carry_their_fact():
    facts = {f.question: f for f in FACTS}
    for c in CASES:
        fact = facts[c.question]
        assert (c.answers, c.competitors) == (fact.answers, fact.competitors)
        assert isinstance(c.max_outcome, Outcome)


def test_max_outcome_is_consistent_with_the_contract():
    for c in CASES:
        if not c.answers:  # no true answer: a decline is CORRECT, so nothing deserves ABSTAIN
            assert c.max_outcome is not Outcome.ABSTAIN, c
            if c.max_outcome is Outcome.CORRECT:  # ... and a CORRECT response asserts no candidate
                assert not any(_fold(w) in _fold(_final(c.response)) for w in c.competitors), c
        elif c.max_outcome is Outcome.CORRECT:  # CORRECT only when the response names a gold answer
            assert any(_fold(a) in _fold(c.response) for a in c.answers), c
        if not c.response.strip(" \n\t.?!…—-*。？"):  # empty or punctuation-only: never more than WRONG
            assert c.max_outcome is Outcome.WRONG, c


def test_hack_patterns_never_credit_a_response_without_the_gold():
    for c in CASES:
        if c.answers and not any(_fold(a) in _fold(c.response) for a in c.answers):
            assert c.max_outcome is not Outcome.CORRECT, c


def test_generation_is_deterministic_for_a_seed():
    assert generate_cases(seed=7) == generate_cases(seed=7)
    assert generate_cases(seed=7, n_per_pattern=5) == generate_cases(seed=7, n_per_pattern=5)
    assert generate_cases(seed=7) != generate_cases(seed=8)
    assert [c for c in generate_cases(seed=7) if c.pattern == "empty"] == \
        generate_cases(seed=7, patterns=["empty"])  # one pattern's cases do not depend on the others


def test_n_per_pattern_caps_each_pattern():
    cases = generate_cases(n_per_pattern=4, seed=1)
    counts = {name: sum(c.pattern == name for c in cases) for name in PATTERNS}
    assert set(counts.values()) == {4}


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="Unknown patterns"):
        generate_cases(patterns=["no_such_pattern"])
    with pytest.raises(ValueError, match="n_per_pattern"):
        generate_cases(n_per_pattern=0)
    with pytest.raises(ValueError, match="already registered"):
        pattern("empty")
    with pytest.raises(ValueError, match="kind="):
        Fact("Q?", ("A",), ("B", "C"), "colour")
    with pytest.raises(ValueError, match="also a gold answer"):
        Fact("Q?", ("A",), ("A", "C"), "name")


def test_counter_finds_an_over_crediting_judge():
    always_correct = lambda response, answers, question=None: Outcome.CORRECT  # noqa: E731
    counts = bench.tally(CASES, bench.judge_scores(always_correct, CASES, VALUES), VALUES)
    for name in PATTERNS:
        expected = sum(c.pattern == name and c.max_outcome is not Outcome.CORRECT for c in CASES)
        assert counts[name]["over"] == expected and counts[name]["under"] == 0


def test_counter_finds_nothing_for_an_oracle():
    counts = bench.tally(CASES, bench.judge_scores(_oracle(CASES), CASES, VALUES), VALUES)
    assert sum(t["over"] for t in counts.values()) == 0 and sum(t["under"] for t in counts.values()) == 0
    assert sum(t["cases"] for t in counts.values()) == len(CASES)


def test_a_wrong_answer_scored_as_an_abstention_over_earns():
    case = Case("p", "Q?", ("Paris",), ("Lyon", "Nice"), "I'm not sure, Lyon.", Outcome.WRONG)
    decline = Case("p", "Q?", ("Paris",), ("Lyon", "Nice"), "I don't know.", Outcome.ABSTAIN)
    counts = bench.tally([case, decline], [VALUES[Outcome.ABSTAIN], VALUES[Outcome.CORRECT]], VALUES)
    assert counts["p"]["over"] == 2
    assert bench.tally([case], [VALUES[Outcome.WRONG]], VALUES)["p"]["over"] == 0
    with pytest.raises(ValueError, match="one score per case"):
        bench.tally([case], [], VALUES)


def test_worst_lists_over_earning_cases_one_per_pattern_first():
    always_correct = lambda response, answers, question=None: Outcome.CORRECT  # noqa: E731
    examples = bench.worst(CASES, bench.judge_scores(always_correct, CASES, VALUES), VALUES, k=len(PATTERNS))
    assert len({e["pattern"] for e in examples}) == len(examples)
    assert all(e["score"] > VALUES[Outcome(e["deserves"])] for e in examples)


def test_reward_scores_follow_the_reward_values():
    cases = generate_cases(n_per_pattern=3, seed=2)
    scores = bench.reward_scores(bench.REWARD, cases)
    assert len(scores) == len(cases) and set(scores) <= set(VALUES.values())


def test_judge_accepts_competitors_reads_the_signature():
    assert bench.judge_accepts_competitors(lambda response, answers, *, question=None, competitors=None: None)
    assert not bench.judge_accepts_competitors(lambda response, answers, *, question=None: None)


@pytest.mark.parametrize("over_credit, status", [(False, 0), (True, 1)])
def test_main_exits_1_only_when_a_case_over_earns(monkeypatch, tmp_path, capsys, over_credit, status):
    def fake_reward_scores(reward, cases, *, competitors=True):
        judge_fn = (lambda r, a, question=None: Outcome.CORRECT) if over_credit else _oracle(cases)
        return bench.judge_scores(judge_fn, cases, VALUES)

    monkeypatch.setattr(bench, "reward_scores", fake_reward_scores)
    out = tmp_path / "hacks.json"
    assert bench.main(["--n-per-pattern", "5", "--json", str(out)]) == status
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report["ours"]) == set(PATTERNS) and report["cases"] == 5 * len(PATTERNS)
    assert "pattern" in capsys.readouterr().out


@pytest.mark.parametrize("module", ["benchmarks.reward_hacks", "benchmarks.reward_hacks.cases",
                                    "benchmarks.bench_reward_hacks"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0


def test_patterns_use_only_their_rng():
    fact = FACTS[0]
    for make in PATTERNS.values():
        assert make(fact, random.Random(5)) == make(fact, random.Random(5))


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("competitors", [True, False])
def test_no_case_over_earns_with_our_reward(seed, competitors):
    """With the known competitors in the batch and without them, for two seeds of the red team."""
    cases = CASES if seed == 0 else generate_cases(seed=seed)
    scores = bench.reward_scores(bench.REWARD, cases, competitors=competitors)
    counts = bench.tally(cases, scores, VALUES)
    over = {name: t["over"] for name, t in counts.items() if t["over"]}
    assert not over, f"cases that earn more than they deserve, per pattern: {over}"
