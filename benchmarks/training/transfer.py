"""Transfer: how the demo's policies answer and decline on relations they never trained on.

``shaping demo`` trains on its configured relations; users ask about others. This scores
every policy in a demo folder (the base, the warm start, the shaped policy and any
training-benchmark run whose model was saved) on the benchmark's held-out questions of the
*other* knowledge-seeking relations, greedily, with the same rates, intervals and ceilings
as SUMMARY.md plus the outcomes per relation. ``benchmarks/bench_transfer.py`` is its CLI.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from benchmarks.training.rows import interleave
from benchmarks.training.runs import RUN_LABELS


def transfer_rows(dd, trained: Sequence[str], *, relations: list[str] | None = None,
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
    return interleave(picked, random.Random(seed))


def demo_policies(out: Path, base_model: str, *, policy: str = "direct") -> dict[str, str]:
    """``{table name: model path}`` for every policy the demo folder ``out`` holds, base first
    (named as SUMMARY.md names them: "draft warm start" and so on for ``policy="draft"``)."""
    out = Path(out)
    found, draft = {"base": base_model}, "draft " if policy == "draft" else ""
    demo = ((f"{draft}warm start", out / "warm-start" / "model"),
            (f"PPO {draft}shaped (selected)", out / "train" / "model"))
    for name, path in demo:
        if (path / "config.json").exists():
            found[name] = str(path)
    for run, name in RUN_LABELS.items():  # the selected shaped policy is the demo's own, above
        path = out / "bench" / run / "model"
        if (path / "config.json").exists():
            found[name] = str(path)
    return found


def stored_answer_tokens(config: dict[str, Any]) -> dict[str, int]:
    """``{policy name: tokens to decode}`` for a demo folder's stored settings: the base model
    answers directly (32 tokens); a draft-then-decide folder's own policies need the draft's length.

    >>> stored_answer_tokens({"policy": "draft", "max_completion_length": 64})
    {'base': 32, 'policies': 64}
    """
    from benchmarks.training.config import ANSWER_TOKENS, DemoConfig, answer_tokens

    settings = DemoConfig(policy=config.get("policy", "direct"),
                          max_completion_length=config.get("max_completion_length", 24))
    return {"base": ANSWER_TOKENS, "policies": answer_tokens(settings)}


def read_demo_folder(out: Path) -> tuple[dict[str, Any], Path]:
    """A demo folder's stored settings (``config.json``) and the path of its benchmark."""
    out = Path(out)
    config_path, data_path = out / "config.json", out / "data" / "benchmark"
    if not config_path.exists() or not data_path.exists():
        raise FileNotFoundError(f"{out} is not a demo folder (no config.json or data/benchmark); run "
                                f"`shaping demo --out {out}` first.")
    return json.loads(config_path.read_text()), data_path


def pick_policies(found: dict[str, str], names: Sequence[str] | None) -> dict[str, str]:
    """The policies named (the base always kept, first); all of ``found`` when ``names`` is None.

    >>> pick_policies({"base": "b", "warm start": "w", "x": "x"}, ["x"])
    {'base': 'b', 'x': 'x'}
    """
    if not names:
        return dict(found)
    missing = [p for p in names if p not in found]
    if missing:
        raise ValueError(f"No policy named {missing}; found {list(found)}.")
    return {name: path for name, path in found.items() if name in names or name == "base"}


def relation_table(named: dict[str, pd.DataFrame]) -> str:
    """Markdown: one row per relation, one column per policy, each cell "correct / abstain / wrong" in %.

    >>> df = pd.DataFrame({"relation": ["r", "r"], "outcome": ["correct", "abstain"]})
    >>> print(relation_table({"base": df}))
    | relation | n | base |
    |---|---|---|
    | r | 2 | 50 / 50 / 0 |
    """
    from benchmarks.metrics import summarize
    from benchmarks.tables import markdown_table

    per_relation = {}
    for name, df in named.items():
        table = summarize(df, by="relation")
        per_relation[name] = table[table["group"] == "relation"].set_index("value")
    first = per_relation[next(iter(named))]
    cells = {name: [" / ".join(f"{100 * per_relation[name].loc[relation, m]:.0f}"
                               for m in ("accuracy", "abstention_rate", "hallucination_rate"))
                    for relation in first.index] for name in named}
    table = pd.DataFrame({"relation": first.index, "n": first["n"].astype(int).to_numpy(), **cells})
    return markdown_table(table)


def policy_slug(name: str) -> str:
    """A file name for a policy.

    >>> policy_slug("PPO, binary 1/0")
    'ppo-binary-1-0'
    """
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def evaluate_policies(policies: dict[str, str], rows: list[dict], folder: Path, *, batch_size: int = 128,
                      resume: bool = True, max_new_tokens: dict[str, int] | None = None) -> dict[str, pd.DataFrame]:
    """Greedy answers of every policy to ``rows``, judged; one ``<folder>/<policy>.jsonl`` each (resumable).

    ``max_new_tokens``: ``{"base": n, "policies": m}`` (:func:`stored_answer_tokens`); 32 for all by default.
    """
    from benchmarks.evaluate import evaluate_policy
    from shaping.models import load_policy

    folder.mkdir(parents=True, exist_ok=True)
    named = {}
    for name, path in policies.items():
        model, tokenizer = load_policy(path)
        tokens = (max_new_tokens or {}).get("base" if name == "base" else "policies", 32)
        named[name] = evaluate_policy(model, tokenizer, rows, k=0, out_path=folder / f"{policy_slug(name)}.jsonl",
                                      max_new_tokens=tokens, batch_size=batch_size, resume=resume)
        del model
    return named


def transfer_results(named: dict[str, pd.DataFrame], rows: list[dict], *, trained: Sequence[str],
                     per_relation: int) -> tuple[str, pd.DataFrame]:
    """``results.md``'s Markdown and the summary table (the first policy in ``named`` is the base)."""
    from benchmarks.training.report import uncertainty_section
    from benchmarks.training.summary import summary_markdown, summary_table

    base = next(iter(named.values()))
    table = summary_table(named, base)
    text = "\n".join([
        "# Transfer to relations the policies never trained on", "",
        f"{len(rows)} held-out questions on {', '.join(sorted({r['relation'] for r in rows}))} (at most "
        f"{per_relation} each), greedy; trained on {', '.join(trained)}. Rates over the answerable "
        "questions; declined_unanswerable: declines among those with no true answer.", "",
        summary_markdown(table), "",
        *uncertainty_section(named, base), "",
        "## Outcomes by relation: correct / abstain / wrong (%)", "",
        "All questions; on a question with no true answer (fictitious entity, false premise) declining is "
        "judged correct.", "",
        relation_table(named), "",
    ])
    return text, table


def write_transfer(named: dict[str, pd.DataFrame], rows: list[dict], folder: Path, *, trained: Sequence[str],
                   per_relation: int) -> str:
    """``results.md``, ``summary.csv`` and ``outcomes.png`` in ``folder``; returns the Markdown."""
    from benchmarks.plots import plot_comparison

    text, table = transfer_results(named, rows, trained=trained, per_relation=per_relation)
    (folder / "results.md").write_text(text)
    table.to_csv(folder / "summary.csv")
    plot_comparison({n: table.loc[n, ["correct", "abstain", "wrong", "truthfulness"]].to_dict() for n in table.index},
                    folder / "outcomes.png", title="Outcomes on relations never trained on")
    return text
