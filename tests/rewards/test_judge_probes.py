"""Probes of one judge rule each, written and labelled before the rule they test was built
(``data/judge_probes.jsonl``: question, gold answers, competitors, response, label, category).
Each category holds cases on both sides of its rule, so a rule that overreaches fails here."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from rewards import judge

PROBES = [json.loads(line) for line in (Path(__file__).parent / "data" / "judge_probes.jsonl").open()]


@pytest.mark.parametrize("row", PROBES, ids=[f"{i}-{r['category']}-{r['label']}" for i, r in enumerate(PROBES)])
def test_probe(row):
    verdict = judge(row["response"], row["answers"], question=row["question"], competitors=row["competitors"] or None)
    assert verdict.outcome.value == row["label"], verdict.reason


def test_every_category_has_cases_on_both_sides_of_its_rule():
    labels = Counter((r["category"], r["label"] == "correct") for r in PROBES)
    for category in {r["category"] for r in PROBES}:
        assert labels[(category, True)] and labels[(category, False)], category
