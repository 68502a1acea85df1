"""Benchmark ``rewards.judging.judge`` against a substring baseline: throughput and agreement with labels.

In one run, on one core and one process:

* throughput (responses per CPU second) of the judge and of the baseline on at least 100,000
  generated rows (capitals, atomic numbers, symbols; correct, wrong, hedged, negated,
  competing, declined; English and Chinese), as generated (the judge caches repeated
  inputs, as RL batches repeat answers) and with every row made unique (no cache hit);
* agreement of both with every labelled set under ``tests/rewards/data``: the blind set of
  real SmolLM2 outputs (``judge_real_random.jsonl``, ``judge_real_hard.jsonl``: never tuned
  on), the synthetic categories (``judge_synthetic.jsonl`` and its never-tuned holdout) and
  the earlier expert-labelled set (``labelled_responses.jsonl``), per slice and category.

The baseline (:func:`benchmarks.judge_eval.baseline_judge`) is SQuAD normalization plus a
substring match, then an abstention phrase list.

    python benchmarks/bench_judge.py              # 100,000 rows
    python benchmarks/bench_judge.py --rows 200000 --json results.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks.judge_eval import agreement, baseline_judge, generated_rows, load_labelled, throughput
from rewards import judge
from rewards.judging.decide import clear_cache

DATA = Path(__file__).resolve().parents[1] / "tests" / "rewards" / "data"
#: (file, field to group by): the labelled sets, in the order they are printed.
SETS = (("judge_real_random.jsonl", "category"), ("judge_real_hard.jsonl", "category"),
        ("judge_real_dev.jsonl", "category"),
        ("judge_synthetic.jsonl", "category"), ("judge_synthetic_holdout.jsonl", "category"),
        ("judge_synthetic_fresh.jsonl", "category"), ("judge_synthetic_fresh2.jsonl", "category"),
        ("judge_synthetic_fresh3.jsonl", "category"), ("judge_synthetic_fresh4.jsonl", "category"),
        ("judge_synthetic_holdout2.jsonl", "category"),
        ("judge_real_dev2.jsonl", "category"), ("judge_real_holdout2.jsonl", "category"),
        ("judge_real_dev3.jsonl", "category"), ("judge_real_holdout3.jsonl", "category"),
        ("judge_real_dev4.jsonl", "category"), ("judge_real_holdout4.jsonl", "category"),
        ("judge_real_dev5.jsonl", "category"), ("judge_real_holdout5.jsonl", "category"),
        ("judge_synthetic_fresh5.jsonl", "category"), ("judge_synthetic_holdout3.jsonl", "category"),
        ("labelled_responses.jsonl", "origin"))


def warm_up(rows) -> None:
    """Run both judges once on a few rows, untimed (imports, regex and per-question caches, CPU clock),
    then empty the judge's response cache so that repeats are counted only within the timed run."""
    throughput(judge, rows)
    throughput(baseline_judge, rows)
    clear_cache()


def agreement_lines(name: str, rows: list[dict], by: str) -> list[str]:
    """One line per group: rows, judge agreement, baseline agreement."""
    ours, base = agreement(judge, rows, by=by), agreement(baseline_judge, rows, by=by, competitors=False)
    lines = [f"\n{name} ({len(rows)} rows)", f"{'':34s}{'rows':>6s}{'judge':>9s}{'baseline':>10s}"]
    for key in sorted(ours, key=lambda k: (k != "all", k)):
        (hit, n), (base_hit, _) = ours[key], base[key]
        lines.append(f"  {key:32s}{n:6d}{hit / n:9.3f}{base_hit / n:10.3f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="Generated rows for throughput (default 100,000).")
    parser.add_argument("--data", type=Path, default=DATA, help="Folder of the labelled sets.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures to this JSON file.")
    args = parser.parse_args(argv)
    rows = generated_rows(args.rows, args.seed)
    unique = [(f"{response} [{i}]", answers, question) for i, (response, answers, question) in enumerate(rows)]
    warm_up(rows[:2_000])
    ours, ours_unique, base = throughput(judge, rows), throughput(judge, unique), throughput(baseline_judge, rows)
    print(f"judge benchmark: {len(rows):,} generated rows")
    print(f"{'responses per CPU second':34s}{'judge':>12s}{'baseline':>12s}{'ratio':>9s}")
    print(f"{'  as generated (repeats cached)':34s}{ours[0]:12,.0f}{base[0]:12,.0f}{ours[0] / base[0]:9.2f}")
    print(f"{'  every row unique (no cache hit)':34s}{ours_unique[0]:12,.0f}{'':12s}{ours_unique[0] / base[0]:9.2f}")
    print(f"target: >= 20,000 responses/s -> {'met' if ours[0] >= 20_000 else 'NOT met'} as generated, "
          f"{'met' if ours_unique[0] >= 20_000 else 'not met'} with every row unique")
    figures = {"rows": len(rows), "throughput_cpu": {"judge": ours[0], "judge_unique": ours_unique[0],
                                                     "baseline": base[0]}, "agreement": {}}
    for file, by in SETS:
        path = args.data / file
        if not path.exists():
            print(f"\n{file}: not found, skipped")
            continue
        labelled = load_labelled(path)
        print("\n".join(agreement_lines(file, labelled, by)))
        figures["agreement"][file] = {"judge": agreement(judge, labelled, by=by),
                                      "baseline": agreement(baseline_judge, labelled, by=by, competitors=False)}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
