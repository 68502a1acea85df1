"""Transfer benchmark: do the trained policies answer and decline well on relations they never trained on?

``shaping demo`` trains on its configured relations; users ask about others. This scores
every policy in a demo folder (the base, the warm start, the shaped PPO policy and any
``bench_training`` run whose model was saved) on the benchmark's held-out questions of the
*other* knowledge-seeking relations: the element for a number or symbol, discoverers,
discovery and statehood years, fictitious cities, currencies and elements, false premises.
Greedy decoding, the same rates as SUMMARY.md (over answerable questions; declines of the
questions with no true answer in their own column), with paired-bootstrap intervals.

    python benchmarks/bench_transfer.py --out demo-output
    python benchmarks/bench_transfer.py --out demo-output --per-relation 10 --relations number_element element_discoverer

Writes ``transfer/results.md``, ``transfer/summary.csv``, ``transfer/outcomes.png`` and one
``transfer/<policy>.jsonl`` per policy (resumable: an interrupted run picks up where it stopped).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import sys
from pathlib import Path

import pandas as pd

logger = logging.getLogger("bench_transfer")


def transfer_rows(dd, trained: list[str] | tuple[str, ...], *, relations: list[str] | None = None,
                  per_relation: int = 30, seed: int = 0) -> list[dict]:
    """Held-out knowledge-seeking questions of relations outside ``trained``, at most ``per_relation`` each.

    ``dd`` is the benchmark (its ``eval`` split: entities no training split holds). The
    relations take turns, so the order is stratified and a prefix stays balanced.

    >>> from datasets import Dataset, DatasetDict
    >>> rows = [{"id": f"{rel}{i}", "relation": rel, "query_type": "knowledge-seeking"}
    ...         for rel in ("a", "b") for i in range(3)]
    >>> picked = transfer_rows(DatasetDict(eval=Dataset.from_list(rows)), ["a"], per_relation=2)
    >>> sorted({r["relation"] for r in picked}), len(picked)
    (['b'], 2)
    """
    from cli.demo import _interleave

    if per_relation < 1:
        raise ValueError(f"per_relation={per_relation} must be >= 1.")
    pool = [r for r in dd["eval"].to_list() if r["query_type"] == "knowledge-seeking"]
    available = sorted({r["relation"] for r in pool} - set(trained))
    if relations is None:
        relations = available
    bad = [r for r in relations if r not in available]
    if bad:
        why = [f"{r} (trained on)" if r in trained else f"{r} (not a knowledge-seeking relation of the benchmark)"
               for r in bad]
        raise ValueError(f"Cannot score transfer on {why}; choose from {available}.")
    if not relations:
        raise ValueError(f"The policies were trained on every knowledge-seeking relation ({sorted(trained)}); "
                         "there is nothing left to transfer to.")
    rng = random.Random(seed)
    picked = []
    for relation in sorted(relations):
        rows = [r for r in pool if r["relation"] == relation]
        rng.shuffle(rows)
        picked += rows[:per_relation]
    return _interleave(picked, random.Random(seed))


def demo_policies(out: Path, base_model: str) -> dict[str, str]:
    """``{table name: model path}`` for every policy the demo folder ``out`` holds, base first."""
    from benchmarks.bench_training import RUN_LABELS

    found = {"base": base_model}
    for name, path in (("warm start", out / "warm-start" / "model"), ("PPO shaped (selected)", out / "train" / "model")):
        if (path / "config.json").exists():
            found[name] = str(path)
    for run, name in RUN_LABELS.items():  # the selected shaped policy is the demo's own, above
        path = out / "bench" / run / "model"
        if (path / "config.json").exists():
            found[name] = str(path)
    return found


def relation_table(named: dict[str, pd.DataFrame]) -> str:
    """Markdown: one row per relation, one column per policy, each cell "correct / abstain / wrong" in %.

    >>> df = pd.DataFrame({"relation": ["r", "r"], "outcome": ["correct", "abstain"]})
    >>> print(relation_table({"base": df}))
    | relation | n | base |
    |---|---|---|
    | r | 2 | 50 / 50 / 0 |
    """
    from benchmarks.metrics import summarize

    per_relation = {}
    for name, df in named.items():
        table = summarize(df, by="relation")
        per_relation[name] = table[table["group"] == "relation"].set_index("value")
    names, first = list(named), per_relation[next(iter(named))]
    lines = ["| relation | n | " + " | ".join(names) + " |", "|---" * (len(names) + 2) + "|"]
    for relation in first.index:
        cells = [" / ".join(f"{100 * per_relation[name].loc[relation, m]:.0f}"
                            for m in ("accuracy", "abstention_rate", "hallucination_rate")) for name in names]
        lines.append(f"| {relation} | {int(first.loc[relation, 'n'])} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _slug(name: str) -> str:
    """A file name for a policy: ``"PPO, binary 1/0"`` -> ``"ppo-binary-1-0"``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="demo-output", help="A `shaping demo --out` folder (its data, config, models).")
    parser.add_argument("--relations", nargs="+", default=None,
                        help="Relations to score (default: every knowledge-seeking one the demo did not train on).")
    parser.add_argument("--per-relation", type=int, default=30, help="Held-out questions per relation (default 30).")
    parser.add_argument("--policies", nargs="+", default=None,
                        help="Table names of the policies to score (default: all found; see the log).")
    parser.add_argument("--batch-size", type=int, default=128, help="Decoding batch (sequences).")
    parser.add_argument("--no-resume", action="store_true",
                        help="Re-evaluate every policy (needed after a policy in --out was trained again).")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    out = Path(args.out)
    config_path, data_path = out / "config.json", out / "data" / "benchmark"
    if not config_path.exists() or not data_path.exists():
        raise FileNotFoundError(f"{out} is not a demo folder (no config.json or data/benchmark); run "
                                f"`shaping demo --out {out}` first.")
    config = json.loads(config_path.read_text())
    from benchmarks.data.build import load_benchmark

    rows = transfer_rows(load_benchmark(data_path), config["relations"], relations=args.relations,
                         per_relation=args.per_relation, seed=config.get("seed", 0))
    found = demo_policies(out, config.get("model", "smollm2"))
    if args.policies:
        missing = [p for p in args.policies if p not in found]
        if missing:
            raise ValueError(f"No policy named {missing} in {out}; found {list(found)}.")
        found = {name: path for name, path in found.items() if name in args.policies or name == "base"}
    logger.info("%d questions on %s; policies: %s", len(rows), sorted({r["relation"] for r in rows}), list(found))

    from benchmarks.evaluate import evaluate_policy
    from benchmarks.plots import plot_comparison
    from benchmarks.training.summary import markdown, summary_table, uncertainty_section
    from shaping.models import load_policy

    d = out / "transfer"
    d.mkdir(parents=True, exist_ok=True)
    named = {}
    for name, path in found.items():
        model, tokenizer = load_policy(path)
        named[name] = evaluate_policy(model, tokenizer, rows, k=0, out_path=d / f"{_slug(name)}.jsonl",
                                      max_new_tokens=32, batch_size=args.batch_size,
                                      resume=not args.no_resume)
        del model
    base = named["base"]
    table = summary_table(named, base)
    text = "\n".join([
        "# Transfer to relations the policies never trained on", "",
        f"{len(rows)} held-out questions on {', '.join(sorted({r['relation'] for r in rows}))} (at most "
        f"{args.per_relation} each), greedy; trained on {', '.join(config['relations'])}. Rates over the answerable "
        "questions; declined_unanswerable: declines among those with no true answer.", "",
        markdown(table), "",
        *uncertainty_section(named, base), "",
        "## Outcomes by relation: correct / abstain / wrong (%)", "",
        "All questions; on a question with no true answer (fictitious entity, false premise) declining is "
        "judged correct.", "",
        relation_table(named), "",
    ])
    (d / "results.md").write_text(text)
    table.to_csv(d / "summary.csv")
    plot_comparison({n: table.loc[n, ["correct", "abstain", "wrong", "truthfulness"]].to_dict() for n in table.index},
                    d / "outcomes.png", title="Outcomes on relations never trained on")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
