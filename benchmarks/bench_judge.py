"""Benchmark ``rewards.judging`` against a naive baseline: throughput and expert agreement.

In one run, on one core and one process:

* throughput (responses per second) of :func:`rewards.judging` and of the baseline on at
  least 100,000 generated rows (questions about capitals, atomic numbers and element symbols,
  answered correctly, wrongly, hedged, negated, with competing candidates, declined, in
  English and Chinese, verbose like SmolLM2's answers);
* agreement of both with the expert-labelled set ``tests/rewards/data/labelled_responses.jsonl``
  (real SmolLM2-135M-Instruct outputs and tricky synthetic cases).

The baseline is what a first reward function usually does: SQuAD answer normalization
(lower case, no punctuation or articles, single spaces), a gold answer counts if it is a
substring of the response, otherwise a short list of abstention phrases decides between
abstain and wrong.

    python benchmarks/bench_judge.py              # 100,000 rows
    python benchmarks/bench_judge.py --rows 200000 --json results.json
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
import time
from collections import Counter
from pathlib import Path

from rewards import Outcome, judge

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "rewards" / "data" / "labelled_responses.jsonl"

# ---------------------------------------------------------------- the naive baseline
_BASELINE_ABSTAIN = ("i don't know", "i do not know", "not sure", "i cannot", "i can't", "no information",
                     "unable to", "我不知道", "不确定", "无法")


def squad_normalize(text: str) -> str:
    """SQuAD v1.1 ``normalize_answer``: lower, drop punctuation and articles, squeeze spaces."""
    exclude = set(string.punctuation)
    text = "".join(ch for ch in text.lower() if ch not in exclude)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def baseline_judge(response: str, answers: list[str], question: str | None = None) -> Outcome:
    """Substring match of a SQuAD-normalized gold answer, else a phrase list for abstention."""
    norm = squad_normalize(response)
    if answers and any(squad_normalize(a) and squad_normalize(a) in norm for a in answers):
        return Outcome.CORRECT
    declined = any(p in response.lower() for p in _BASELINE_ABSTAIN)
    if not answers:
        return Outcome.CORRECT if declined else Outcome.WRONG
    return Outcome.ABSTAIN if declined else Outcome.WRONG


# ---------------------------------------------------------------- generated rows
_FACTS = [  # (question, gold answers, a wrong answer of the same kind)
    ("What is the capital of France?", ["Paris"], "Lyon"),
    ("What is the capital of Australia?", ["Canberra"], "Sydney"),
    ("What is the capital of Burkina Faso?", ["Ouagadougou"], "Kouilou"),
    ("What is the capital of Guinea-Bissau?", ["Bissau"], "Conakry"),
    ("What is the capital of Mongolia?", ["Ulaanbaatar", "Ulan Bator"], "Darkhan"),
    ("What is the capital of Mexico?", ["Mexico City"], "Guadalajara"),
    ("What is the capital of Colombia?", ["Bogotá", "Bogota"], "Medellín"),
    ("What is the capital of Chad?", ["N'Djamena"], "Moundou"),
    ("What is the capital of the US state of Texas?", ["Austin"], "Houston"),
    ("What is the capital of the US state of Nevada?", ["Carson City"], "Las Vegas"),
    ("What is the atomic number of tungsten?", ["74"], "47"),
    ("What is the atomic number of iron?", ["26"], "28"),
    ("What is the atomic number of gold?", ["79"], "97"),
    ("What is the chemical symbol of iron?", ["Fe"], "Ir"),
    ("What is the chemical symbol of iodine?", ["I"], "Io"),
    ("What is the chemical symbol of gold?", ["Au"], "Ag"),
    ("法国的首都是什么？", ["巴黎"], "里昂"),
]
_TEMPLATES = [  # (template, what it names: "gold", "wrong" or None)
    ("{g}.", "gold"), ("The answer is {g}.", "gold"), ("The answer is {w}.", "wrong"),
    ("I think it's {g}, but I'm not sure.", "gold"), ("I'm not sure, but I think it's {w}.", "wrong"),
    ("It is not {g}.", "gold"), ("It's not {w}, it's {g}.", "gold"), ("Either {g} or {w}.", "gold"),
    ("I don't know.", None), ("I'm not sure about that, sorry.", None), ("我不知道。", None),
    ("I have no information about that.", None), ("That is an interesting question about the world.", None),
    ("Based on my knowledge, the answer to your question is {g}. It is widely known and often cited "
     "in textbooks, encyclopedias and atlases, so you can rely on it.", "gold"),
    ("Based on my knowledge, the answer to your question is {w}. It is widely known and often cited "
     "in textbooks, encyclopedias and atlases, so you can rely on it.", "wrong"),
    ("", None),
]


def generated_rows(n: int, seed: int = 0) -> list[tuple[str, list[str], str]]:
    """``n`` (response, answers, question) rows; about 10% have no true answer."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        question, answers, wrong = rng.choice(_FACTS)
        template, _ = rng.choice(_TEMPLATES)
        response = template.format(g=rng.choice(answers), w=wrong)
        if rng.random() < 0.3:  # vary the text so nothing is served from a cache
            response += f" (ref {rng.randrange(10**6)})"
        if rng.random() < 0.1:
            question, answers = f"What is the capital of Veltrania {i}?", []
        rows.append((response, answers, question))
    return rows


def throughput(fn, rows) -> tuple[float, float]:
    """(responses per CPU second, responses per wall second) of ``fn`` over ``rows``."""
    wall, cpu = time.perf_counter(), time.process_time()
    for response, answers, question in rows:
        fn(response, answers, question=question)
    return len(rows) / (time.process_time() - cpu), len(rows) / (time.perf_counter() - wall)


def agreement(fn, labelled: list[dict]) -> dict[str, float]:
    """Share of labelled rows where ``fn`` gives the expert's outcome, overall and by origin."""
    hits: Counter = Counter()
    totals: Counter = Counter()
    for row in labelled:
        outcome = fn(row["response"], row["answers"], question=row["question"])
        outcome = getattr(outcome, "outcome", outcome)
        for key in ("all", row.get("origin", "unknown")):
            totals[key] += 1
            hits[key] += outcome.value == row["label"]
    return {key: hits[key] / totals[key] for key in totals}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="Generated rows for throughput (>= 100,000).")
    parser.add_argument("--labelled", type=Path, default=LABELLED, help="Expert-labelled JSONL set.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures to this JSON file.")
    args = parser.parse_args()
    if not args.labelled.exists():
        raise SystemExit(f"Labelled set {args.labelled} not found; pass --labelled PATH.")
    labelled = [json.loads(line) for line in args.labelled.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = generated_rows(args.rows, args.seed)

    ours_cpu, ours_wall = throughput(judge, rows)
    base_cpu, base_wall = throughput(baseline_judge, rows)
    ours_agree, base_agree = agreement(judge, labelled), agreement(baseline_judge, labelled)

    origins = Counter(r.get("origin", "unknown") for r in labelled)
    print(f"judge benchmark: {len(rows):,} generated rows, {len(labelled)} labelled rows "
          f"({', '.join(f'{k}: {v}' for k, v in sorted(origins.items()))})")
    print(f"{'':34s}{'judge':>12s}{'baseline':>12s}{'ratio':>9s}")
    print(f"{'throughput, responses/CPU-second':34s}{ours_cpu:12,.0f}{base_cpu:12,.0f}{ours_cpu / base_cpu:9.2f}")
    print(f"{'throughput, responses/wall-second':34s}{ours_wall:12,.0f}{base_wall:12,.0f}{ours_wall / base_wall:9.2f}")
    for key in sorted(ours_agree, key=lambda k: (k != "all", k)):
        print(f"{'agreement, ' + key:34s}{ours_agree[key]:12.3f}{base_agree[key]:12.3f}"
              f"{ours_agree[key] / max(base_agree[key], 1e-9):9.2f}")
    print(f"target: >= 20,000 responses/s for judge -> {'met' if ours_cpu >= 20_000 else 'NOT met'} (CPU time)")
    if args.json:
        args.json.write_text(json.dumps({
            "rows": len(rows), "labelled": len(labelled),
            "throughput_cpu": {"judge": ours_cpu, "baseline": base_cpu},
            "throughput_wall": {"judge": ours_wall, "baseline": base_wall},
            "agreement": {"judge": ours_agree, "baseline": base_agree},
        }, indent=2))


if __name__ == "__main__":
    main()
