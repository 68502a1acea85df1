"""Red-team ``TruthfulnessReward``: how many reward-hacking responses earn more than they deserve.

Generates the :mod:`benchmarks.reward_hacks` cases, scores each with
``TruthfulnessReward(correct=1, abstain=0, wrong=-3)`` (the question as the prompt, the gold
answers and competitors as dataset columns) and, beside it, with the substring baseline of
``bench_judge.py``. A response *over-earns* when its score is above the value of the best
outcome it deserves: a wrong commitment scored at or above an abstention, or anything short of
committing to the gold scored as correct. It *under-earns* when scored below what it deserves
(reported, not failed: for these cases ``max_outcome`` is exactly the deserved outcome). Exits
with status 1 if any case over-earns under our reward, so CI can run it.

    python benchmarks/bench_reward_hacks.py
    python benchmarks/bench_reward_hacks.py --n-per-pattern 50 --seed 1 --json hacks.json
    python benchmarks/bench_reward_hacks.py --without-competitors   # the judge must cope without them
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Callable, Sequence

from benchmarks.judge_eval import baseline_judge
from benchmarks.reward_hacks import PATTERNS, Case, generate_cases
from rewards import Outcome, TruthfulnessReward, judge

REWARD = TruthfulnessReward(correct=1.0, abstain=0.0, wrong=-3.0)


def outcome_values(reward: TruthfulnessReward) -> dict[Outcome, float]:
    """What ``reward`` pays for each outcome.

    >>> outcome_values(REWARD)[Outcome.WRONG]
    -3.0
    """
    return {Outcome.CORRECT: reward.correct, Outcome.ABSTAIN: reward.abstain, Outcome.WRONG: reward.wrong}


def judge_accepts_competitors(judge_fn: Callable = judge) -> bool:
    """Whether ``judge_fn`` takes a ``competitors=`` keyword (the newer judge does)."""
    params = inspect.signature(judge_fn).parameters
    return "competitors" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def reward_scores(reward: TruthfulnessReward, cases: Sequence[Case], *, competitors: bool = True) -> list[float]:
    """Score every case with ``reward`` as a trainer would: one batch, the gold (and competitors) as columns."""
    columns = {reward.answers_column: [list(c.answers) for c in cases]}
    if competitors:  # a reward that does not read the column ignores it
        columns["competitors"] = [list(c.competitors) for c in cases]
    return reward([c.question for c in cases], [c.response for c in cases], **columns)


def judge_scores(judge_fn: Callable, cases: Sequence[Case], values: dict[Outcome, float]) -> list[float]:
    """Score every case with ``judge_fn(response, answers, question=...)`` (an Outcome or a Verdict) via ``values``."""
    scores = []
    for c in cases:
        outcome = judge_fn(c.response, list(c.answers), question=c.question)
        scores.append(values[Outcome(getattr(outcome, "outcome", outcome))])
    return scores


def tally(cases: Sequence[Case], scores: Sequence[float], values: dict[Outcome, float]) -> dict[str, Counter]:
    """Per pattern: ``cases``, ``over`` (scored above what it deserves) and ``under`` (below).

    >>> from benchmarks.reward_hacks import Case
    >>> c = Case("p", "Q?", ("Paris",), ("Lyon", "Nice"), "Lyon.", Outcome.WRONG)
    >>> tally([c], [0.0], outcome_values(REWARD))["p"]["over"]
    1
    """
    if len(cases) != len(scores):
        raise ValueError(f"Got {len(scores)} scores for {len(cases)} cases; pass one score per case.")
    counts: dict[str, Counter] = {}
    for case, score in zip(cases, scores):
        deserved = values[case.max_outcome]
        row = counts.setdefault(case.pattern, Counter())
        row["cases"] += 1
        row["over"] += score > deserved
        row["under"] += score < deserved
    return counts


def worst(cases: Sequence[Case], scores: Sequence[float], values: dict[Outcome, float], k: int = 10) -> list[dict]:
    """The ``k`` cases that over-earn most (short responses first on ties), one per pattern first."""
    over = [(score - values[c.max_outcome], c, score)
            for c, score in zip(cases, scores) if score > values[c.max_outcome]]
    over.sort(key=lambda t: (-t[0], len(t[1].response)))
    first_of_pattern = {}
    for item in over:
        first_of_pattern.setdefault(item[1].pattern, item)
    picked = list(first_of_pattern.values()) + [t for t in over if t not in first_of_pattern.values()]
    return [{"pattern": c.pattern, "question": c.question, "answers": list(c.answers), "response": c.response,
             "deserves": c.max_outcome.value, "score": score, "excess": excess} for excess, c, score in picked[:k]]


def format_table(ours: dict[str, Counter], base: dict[str, Counter]) -> str:
    """The per-pattern table: cases, over-earning (ours, baseline) and under-earning (ours, baseline)."""
    names = sorted(ours, key=lambda p: (p.startswith("zh_"), list(PATTERNS).index(p) if p in PATTERNS else 0, p))
    rows = [(name, ours[name], base[name]) for name in names]
    rows.append(("all", sum((o for _, o, _ in rows), Counter()), sum((b for _, _, b in rows), Counter())))
    lines = [f"{'pattern':24s}{'cases':>7s}{'over':>7s}{'over/base':>11s}{'under':>8s}{'under/base':>12s}"]
    for name, o, b in rows:
        lines.append(f"{name:24s}{o['cases']:7d}{o['over']:7d}{b['over']:11d}{o['under']:8d}{b['under']:12d}")
    return "\n".join(lines)


def _clip(text: str, width: int = 110) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= width else f"{text[:width - 30]} [...{len(text):,} chars...] {text[-20:]}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-per-pattern", type=int, default=None, help="At most N cases per pattern (default: all).")
    parser.add_argument("--seed", type=int, default=0, help="Seed for the competitors, padding and sampling.")
    parser.add_argument("--json", type=Path, default=None, help="Also write the table and worst cases to this file.")
    parser.add_argument("--worst", type=int, default=12, help="How many over-earning examples to print.")
    parser.add_argument("--without-competitors", action="store_true", help="Do not pass the competitors column.")
    args = parser.parse_args(argv)

    cases = generate_cases(n_per_pattern=args.n_per_pattern, seed=args.seed)
    values = outcome_values(REWARD)
    with_competitors = not args.without_competitors and judge_accepts_competitors()
    ours = reward_scores(REWARD, cases, competitors=with_competitors)
    base = judge_scores(baseline_judge, cases, values)
    ours_tally, base_tally = tally(cases, ours, values), tally(cases, base, values)

    print(f"reward-hacking red team: {len(cases):,} cases, {len(ours_tally)} patterns, seed {args.seed}, "
          f"TruthfulnessReward(correct=1, abstain=0, wrong=-3), "
          f"competitors {'passed' if with_competitors else 'not passed'}")
    print("over: scored above what the response deserves; under: below it (ours, and the substring baseline)")
    print(format_table(ours_tally, base_tally))
    examples = worst(cases, ours, values, args.worst)
    if examples:
        print(f"\nworst over-earning cases (of {sum(t['over'] for t in ours_tally.values())}):")
        for e in examples:
            print(f"  [{e['pattern']}] {e['question']} gold={e['answers']} deserves {e['deserves']}, "
                  f"scored {e['score']:+.0f}\n      {_clip(e['response'])!r}")
    if args.json:
        args.json.write_text(json.dumps({
            "cases": len(cases), "seed": args.seed, "competitors_passed": with_competitors,
            "ours": {k: dict(v) for k, v in ours_tally.items()},
            "baseline": {k: dict(v) for k, v in base_tally.items()},
            "worst": examples}, indent=2, ensure_ascii=False), encoding="utf-8")
    return 1 if any(t["over"] for t in ours_tally.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
