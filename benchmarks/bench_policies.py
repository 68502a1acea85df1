"""Policies of several demo folders side by side, on the same held-out questions.

``shaping demo --policy draft`` (draft-then-decide) and the default demo each write a folder
with their own warm start and PPO policy; when the folders share their first stages (data,
base evaluation: the same seed and questions) their held-out answers can be compared
question by question. This writes one table with every policy, paired bootstrap intervals
against the base model, paired intervals of the difference between the folders' policies
(warm start against warm start, PPO against PPO), the issue-19 target per row, and one
decline map with every policy as a point:

    python benchmarks/bench_policies.py demo-output draft-output --out compare-policies

Writes ``<out>/results.md``, ``<out>/summary.csv`` and ``<out>/decline_map.png``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

logger = logging.getLogger("bench_policies")
#: Issue 19's target: a cut of >= 45% while declining <= 10% of what the base model knows and
#: keeping >= 90% of its accuracy.
TARGET = {"hallucination_cut": 0.45, "abstain_known": 0.10, "accuracy_kept": 0.90}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path, help="`shaping demo --out` folders (the first one's base "
                        "evaluation is the reference; the others must hold the same one).")
    parser.add_argument("--out", type=Path, default=Path("compare-policies"), help="Output folder.")
    parser.add_argument("--level", type=float, default=0.9, help="Bootstrap interval level (default 0.9).")
    return parser.parse_args(argv)


def folder_policies(folder: Path):
    """``{table name: held-out results}`` of one demo folder's warm start and trained policy (those it has)."""
    import pandas as pd

    config = json.loads((folder / "config.json").read_text()) if (folder / "config.json").exists() else {}
    draft = "draft " if config.get("policy") == "draft" else ""
    steps = config.get("steps", "?")
    found = {}
    for name, path in ((f"{draft}warm start", folder / "warm-start" / "eval.jsonl"),
                       (f"PPO {draft}shaped, {steps} steps", folder / "eval" / "eval.jsonl")):
        if path.exists():
            found[name] = pd.read_json(path, lines=True)
    return found


def load_all(folders: list[Path]):
    """The reference base results and every folder's policies; raise when the folders' base answers differ."""
    import pandas as pd

    bases = []
    for folder in folders:
        path = folder / "base-eval" / "eval.jsonl"
        if not path.exists():
            raise FileNotFoundError(f"{folder} has no base-eval/eval.jsonl; pass folders written by `shaping demo`.")
        bases.append(pd.read_json(path, lines=True))
    ref = bases[0].set_index("id")["outcome"]
    for folder, other in zip(folders[1:], bases[1:]):
        if not other.set_index("id")["outcome"].sort_index().equals(ref.sort_index()):
            raise ValueError(f"{folder} holds another base evaluation than {folders[0]} (other questions or "
                             "answers); compare folders made with the same seed and data settings.")
    named = {"base": bases[0]}
    for folder in folders:
        for name, results in folder_policies(folder).items():
            named[name if name not in named else f"{name} ({folder.name})"] = results
    return bases[0], named


def delta_lines(named: dict, level: float) -> list[str]:
    """Markdown: paired intervals of each policy's rates minus those of the first folder's policy of the
    same kind (warm start against warm start, PPO against PPO)."""
    from benchmarks.metrics import answerable_results
    from benchmarks.uncertainty import paired_delta_intervals

    lines = [f"## Against the first folder's policy of the same kind (paired bootstrap, {level:.0%} intervals)", "",
             "Differences in points over the answerable questions.", "",
             "| policy | against | correct | abstain | wrong | truthfulness |", "|---|---|---|---|---|---|"]
    for kind in ("warm start", "PPO"):
        same = [n for n in named if kind in n]
        for name in same[1:]:
            ci = paired_delta_intervals(answerable_results(named[same[0]]), answerable_results(named[name]),
                                        level=level)
            cells = [f"{100 * ci[m][0]:+.1f} to {100 * ci[m][1]:+.1f}" for m in
                     ("accuracy", "abstention_rate", "hallucination_rate")]
            lines.append(f"| {name} | {same[0]} | {' | '.join(cells)} | "
                         f"{ci['truthfulness'][0]:+.3f} to {ci['truthfulness'][1]:+.3f} |")
    return lines if len(lines) > 5 else []


def target_lines(table) -> list[str]:
    """Markdown: which rows meet :data:`TARGET`."""
    lines = [f"## Issue 19 target: cut >= {TARGET['hallucination_cut']:.0%}, abstain_known <= "
             f"{TARGET['abstain_known']:.0%}, accuracy kept >= {TARGET['accuracy_kept']:.0%}", ""]
    for name, r in table.iterrows():
        met = (r["hallucination_cut"] >= TARGET["hallucination_cut"] and r["abstain_known"] <= TARGET["abstain_known"]
               and r["accuracy_kept"] >= TARGET["accuracy_kept"])
        lines.append(f"- {name}: {'met' if met else 'not met'} (cut {100 * r['hallucination_cut']:.0f}%, abstain_known "
                     f"{100 * r['abstain_known']:.0f}%, kept {100 * r['accuracy_kept']:.0f}%)")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from benchmarks.plots import plot_decline_map
    from benchmarks.training.ceilings import decline_ceilings
    from benchmarks.training.report import uncertainty_section
    from benchmarks.training.summary import summary_markdown, summary_table

    try:
        base, named = load_all(args.folders)
    except (FileNotFoundError, ValueError) as err:
        logger.error("%s", err)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    table = summary_table(named, base)
    text = "\n".join(["# Policies side by side", "",
                      f"Folders: {', '.join(str(f) for f in args.folders)}. Held-out questions, greedy; rates over "
                      "the answerable ones.", "", summary_markdown(table), "",
                      *uncertainty_section(named, base, level=args.level), "", *delta_lines(named, args.level), "",
                      *target_lines(table), ""])
    (args.out / "results.md").write_text(text)
    table.to_csv(args.out / "summary.csv")
    try:
        plot_decline_map(decline_ceilings(base), table, args.out / "decline_map.png",
                         target=(TARGET["abstain_known"], TARGET["hallucination_cut"]),
                         title="Every policy against what declining alone can do")
    except KeyError as exc:  # base results without a confidence column: no ceilings to draw
        logger.warning("No decline map: %s", exc)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
