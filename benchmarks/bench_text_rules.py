"""Adversarial inputs for the text rules: do ``judge``, ``is_abstention`` and ``classify_query``
stay linear in the length of what they read?

Each rule reads texts built by repeating one unit (newlines, spaces, one letter, a hedge, a
list of candidates, capitalized names, "X or", Chinese, an unclosed reasoning tag, quotes, ...)
at growing sizes, on one core, beside a plain ``str.split`` of the same text (the cost of
touching every character once). It prints the worst CPU time per KB for each rule and size,
the ratio to ``str.split``, and whether 1 MB took under a second.

    python benchmarks/bench_text_rules.py                 # 16 KB .. 1 MB
    python benchmarks/bench_text_rules.py --sizes 16 64 --json text_rules.json

``judge`` reads at most ``rewards.judging.decide.MAX_ANSWER_CHARS`` of a final answer (longer
answers are WRONG, unread) and ``classify_query`` the two ends of a long query
(``rewards.query_type.MAX_READ``); both are linear below those caps too.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rewards import classify_query, is_abstention, judge

#: The repeated units: whitespace runs, one character, and the shapes each rule looks at.
UNITS = {
    "newlines": "\n", "spaces": " ", "one letter": "a", "dots": ".", "quotes": '"', "digits": "1 ",
    "gold": "Paris ", "hedges": "I'm not sure, ", "list": "Paris, Lyon, ", "names": "Paris Lyon Nice ",
    "or": "Paris or ", "no": "No, ", "chinese": "我不知道", "think tags": "<think>", "colons": "text: ",
    "lines": "\n text",
}
QUESTION = "What is the capital of France?"
RULES = {
    "judge": lambda text: judge(text, ["Paris"], question=QUESTION),
    "judge (question part)": lambda text: judge("Paris.", ["Paris"], question=text),
    "is_abstention": is_abstention,
    "classify_query": classify_query,
    "str.split (baseline)": str.split,
}


def cpu_seconds(fn, text: str) -> float:
    start = time.process_time()
    fn(text)
    return time.process_time() - start


def measure(sizes_kb: list[int]) -> dict[str, dict[int, dict[str, float]]]:
    """``{rule: {size_kb: {"worst_ms_per_kb": ..., "worst_unit": ...}}}`` (worst over the units)."""
    out: dict = {name: {} for name in RULES}
    for kb in sizes_kb:
        for name, fn in RULES.items():
            worst, worst_unit = 0.0, ""
            for unit_name, unit in UNITS.items():
                text = unit * max(1, kb * 1024 // len(unit.encode()))
                seconds = cpu_seconds(fn, text)
                if seconds >= worst:
                    worst, worst_unit = seconds, unit_name
            out[name][kb] = {"worst_seconds": worst, "worst_ms_per_kb": 1000 * worst / kb, "worst_unit": worst_unit}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 64, 256, 1024], help="Sizes in KB.")
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures to this JSON file.")
    args = parser.parse_args(argv)
    if any(kb <= 0 for kb in args.sizes):
        parser.error(f"--sizes must be positive KB counts, got {args.sizes}")
    figures = measure(sorted(args.sizes))
    base = figures["str.split (baseline)"]
    print(f"{'rule':24s}{'size':>8s}{'worst s':>10s}{'ms/KB':>9s}{'x split':>10s}  worst input")
    for name, by_size in figures.items():
        for kb, f in by_size.items():
            ratio = f["worst_seconds"] / max(base[kb]["worst_seconds"], 1e-6)
            print(f"{name:24s}{kb:>6d}KB{f['worst_seconds']:10.3f}{f['worst_ms_per_kb']:9.3f}{ratio:10.0f}  "
                  f"{f['worst_unit']}")
    largest = max(args.sizes)
    slow = [name for name, by_size in figures.items() if by_size[largest]["worst_seconds"] >= largest / 1024]
    print(f"target: {largest} KB in under {largest / 1024:g} s per rule -> "
          + ("met" if not slow else f"NOT met by {', '.join(slow)}"))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
