"""The demo's questions: which rows train, validate and evaluate, and how they are read back.

:func:`select_rows` picks the train / validation / held-out questions once (the ``data``
stage stores them in ``<out>/data/rows.json``); every later stage and benchmark reads them
with :func:`load_rows`, so all of them score the same questions.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pandas as pd

from benchmarks.training.config import DemoConfig
from rewards.outcome import has_no_true_answer

ROWS_FILE = Path("data") / "rows.json"


def interleave(rows: list[dict], rng: random.Random) -> list[dict]:
    """Shuffle each relation's rows, then deal them out one relation at a time (a stratified order).

    >>> rows = [{"relation": r, "i": i} for r in "ab" for i in range(2)]
    >>> [r["relation"] for r in interleave(rows, random.Random(0))]
    ['a', 'b', 'a', 'b']
    """
    by_relation: dict[str, list[dict]] = {}
    for row in rows:
        by_relation.setdefault(row["relation"], []).append(row)
    lists = [by_relation[k] for k in sorted(by_relation)]
    for rows_of in lists:
        rng.shuffle(rows_of)
    return [rows_of[i] for i in range(max(map(len, lists), default=0)) for rows_of in lists if i < len(rows_of)]


def _validation_groups(order: list[dict], n_val: int) -> set[str]:
    """Whole entity groups for validation, taken in ``order`` until each relation has its share."""
    relations = sorted({r["relation"] for r in order})
    per_relation = -(-n_val // len(relations))
    available = Counter(r["relation"] for r in order)
    groups: set[str] = set()
    held: Counter = Counter()
    for row in order:
        if all(held[rel] >= min(per_relation, available[rel]) for rel in relations):
            break
        if row["group"] not in groups and held[row["relation"]] < per_relation:
            groups.add(row["group"])
            held.update(r["relation"] for r in order if r["group"] == row["group"])
    return groups


def select_rows(dd, config: DemoConfig) -> dict[str, list[dict]]:
    """Pick the train / val / eval questions of the configured relations.

    Each split is stratified by relation (the relations take turns, so a relation with
    thousands of rows does not crowd out one with dozens), and validation takes whole
    entity groups that training never sees. The held-out questions depend only on the seed,
    the relations and ``n_eval``, so runs with other training sizes are scored on the same ones.
    """
    known = sorted(set(dd["train"]["relation"]) | set(dd["eval"]["relation"]))
    bad = [r for r in config.relations if r not in known]
    if bad:
        raise ValueError(f"Unknown relation(s) {bad}; the benchmark has {known}.")
    rng = random.Random(config.seed)

    def pick(split: str) -> list[dict]:
        return [r for r in dd[split].to_list()
                if r["relation"] in config.relations and r["query_type"] == "knowledge-seeking"]

    train, evals = pick("train"), pick("eval")
    need = config.n_train + config.n_val
    if len(train) < need or len(evals) < config.n_eval:
        raise ValueError(f"The relations {list(config.relations)} have {len(train)} train / {len(evals)} eval rows; "
                         f"asked for {need} train+val / {config.n_eval} eval. Lower --n-train/--n-val/--n-eval "
                         "or add --relations.")
    order = interleave(train, rng)
    val_groups = _validation_groups(order, config.n_val)
    val = interleave([r for r in order if r["group"] in val_groups], rng)[: config.n_val]
    rest = interleave([r for r in order if r["group"] not in val_groups], rng)[: config.n_train]
    if len(rest) < config.n_train:
        raise ValueError(f"Only {len(rest)} training rows remain outside the validation entities; lower --n-train "
                         "or add --relations.")
    # the held-out questions get their own generator, so they do not change with --n-train / --n-val
    return {"train": rest, "val": val, "eval": interleave(evals, random.Random(config.seed))[: config.n_eval]}


def save_rows(out: Path, rows: dict[str, list[dict]]) -> Path:
    """Store the picked questions in ``<out>/data/rows.json``; returns the path."""
    path = Path(out) / ROWS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows))
    return path


def load_rows(out: Path) -> dict[str, list[dict]]:
    """The questions the ``data`` stage picked: ``{"train": [...], "val": [...], "eval": [...]}``."""
    path = Path(out) / ROWS_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist; run the demo's data stage first (`shaping demo --out {out}`).")
    return json.loads(path.read_text())


def validation_rows(out: Path) -> tuple[list[dict], float]:
    """Validation rows marked ``known`` (the base model's greedy answer was right) and the
    base model's accuracy over the answerable ones (the selection's accuracy reference).

    Reads ``<out>/data/rows.json`` and the base model's answers in ``<out>/base-eval/train.jsonl``.
    """
    rows = load_rows(out)
    base = pd.read_json(Path(out) / "base-eval" / "train.jsonl", lines=True).set_index("id")
    val = [{**r, "known": not has_no_true_answer(r["answers"]) and base.loc[r["id"], "outcome"] == "correct"}
           for r in rows["val"]]
    answerable = [r for r in val if not has_no_true_answer(r["answers"])] or val
    accuracy = sum(r["known"] for r in answerable) / len(answerable)
    return val, accuracy
