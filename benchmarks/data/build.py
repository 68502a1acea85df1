"""Assemble the benchmark: every builder's rows, popularity percentiles, the entity-disjoint
train/eval split and the Hugging Face ``DatasetDict`` in TRL's conversational prompt format.

The questions themselves do not depend on ``seed`` (their ids are stable); ``seed`` only
decides which groups go to eval and the row order.

>>> dd = build_benchmark(seed=0)                    # doctest: +SKIP
>>> dd["eval"][0]["prompt"][1]["role"]              # doctest: +SKIP
'user'
"""

from __future__ import annotations

import logging
import random
from collections import Counter, defaultdict
from pathlib import Path

from benchmarks.data.elements import element_questions
from benchmarks.data.geography import city_questions, country_questions, state_questions
from benchmarks.data.grounded import creative_prompts, grounded_questions
from benchmarks.data.schema import COLUMNS, DEFAULT_SYSTEM_PROMPT, chat_prompt
from benchmarks.data.unanswerable import unanswerable_questions
from rewards.text import normalize_answer

logger = logging.getLogger(__name__)
_CONTENT_SEED = 1234  # fixed: the questions are the same whatever the split seed
COMPETITORS_PER_ROW = 12


def all_rows(*, min_city_population: int = 200_000) -> list[dict]:
    """Every row of the benchmark before splitting (ids unique; duplicates dropped)."""
    rng = random.Random(_CONTENT_SEED)
    rows = (country_questions(rng) + city_questions(rng, min_population=min_city_population)
            + state_questions(rng) + element_questions(rng) + unanswerable_questions()
            + grounded_questions(rng) + creative_prompts(rng))
    seen, out = set(), []
    for row in rows:
        if row["id"] in seen:
            logger.debug("Dropping duplicate question %r", row["question"])
            continue
        seen.add(row["id"])
        out.append(row)
    _merge_groups(out)
    _add_popularity_pct(out)
    add_competitors(out)
    return out


def add_competitors(rows: list[dict], *, k: int = COMPETITORS_PER_ROW) -> None:
    """Give each answerable row ``competitors``: the ``k`` best-known answers of other rows of its
    relation (other capitals for a capital question), the wrong answers a model most often gives,
    so the judge can tell them exactly (``judge(..., competitors=...)``). Rows with no true answer
    or no relation pool get ``[]``.

    >>> rows = [{"relation": "capital", "answers": [a], "popularity": p} for a, p in (("Paris", 3), ("Lyon", 2))]
    >>> add_competitors(rows); [r["competitors"] for r in rows]
    [['Lyon'], ['Paris']]
    """
    by_relation = defaultdict(list)
    for row in sorted(rows, key=lambda r: -(r.get("popularity") or 0.0)):
        if row["answers"]:
            by_relation[row["relation"]].append(row["answers"][0])
    for row in rows:
        own = {normalize_answer(a) for a in row["answers"]}
        pool = [a for a in dict.fromkeys(by_relation[row["relation"]]) if normalize_answer(a) not in own]
        row["competitors"] = pool[:k] if row["answers"] else []


def _merge_groups(rows: list[dict]) -> None:
    """Union the groups of rows that share an entity, so an entity never spans two splits."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row in rows:
        parent[find("entity:" + row["entity"])] = find(row["group"])
    for row in rows:
        row["group"] = find(row["group"])


def _add_popularity_pct(rows: list[dict]) -> None:
    """Percentile of each row's popularity within its relation (0 = least popular)."""
    by_relation = defaultdict(list)
    for row in rows:
        row["popularity_pct"] = None
        if row["popularity"] is not None:
            by_relation[row["relation"]].append(row)
    for members in by_relation.values():
        members.sort(key=lambda r: r["popularity"])
        for rank, row in enumerate(members):
            row["popularity_pct"] = rank / max(len(members) - 1, 1)


def split_rows(rows: list[dict], *, eval_fraction: float, seed: int) -> dict[str, list[dict]]:
    """Assign whole groups to eval until each stratum (query type, answerable) holds ``eval_fraction``."""
    if not 0.0 < eval_fraction < 1.0:
        raise ValueError(f"eval_fraction={eval_fraction!r} must lie strictly between 0 and 1, e.g. 0.2.")
    groups = defaultdict(list)
    for row in rows:
        groups[row["group"]].append(row)
    strata = defaultdict(list)
    for name, members in groups.items():
        kind = Counter((r["query_type"], bool(r["answers"])) for r in members).most_common(1)[0][0]
        strata[kind].append(name)
    rng, eval_groups = random.Random(seed), set()
    for kind in sorted(strata):
        names = sorted(strata[kind])
        rng.shuffle(names)
        target, taken = eval_fraction * sum(len(groups[n]) for n in names), 0
        for name in names:  # take groups in random order, skipping any that would overshoot
            if taken + len(groups[name]) <= target:
                eval_groups.add(name)
                taken += len(groups[name])
    splits = {"train": [r for r in rows if r["group"] not in eval_groups],
              "eval": [r for r in rows if r["group"] in eval_groups]}
    for members in splits.values():
        rng.shuffle(members)
    return splits


def build_benchmark(out_dir: str | Path | None = None, *, seed: int = 0, eval_fraction: float = 0.2,
                    min_city_population: int = 200_000, system_prompt: str = DEFAULT_SYSTEM_PROMPT):
    """Build the benchmark ``DatasetDict`` (splits "train" and "eval"); save it if ``out_dir`` is given.

    Args:
        out_dir: where to ``save_to_disk`` (nothing is written when None).
        seed: decides the train/eval split and the row order (not the questions).
        eval_fraction: share of each stratum's rows that goes to eval.
        min_city_population: smallest city asked about in ``city_country`` (lower = more rows).
        system_prompt: the system message of every prompt ("" for none).

    >>> dd = build_benchmark(seed=0)                                  # doctest: +SKIP
    >>> sorted(dd), dd["train"].num_rows > 3000                       # doctest: +SKIP
    (['eval', 'train'], True)
    """
    from datasets import Dataset, DatasetDict, Features, Sequence, Value

    rows = all_rows(min_city_population=min_city_population)
    features = Features({
        "id": Value("string"), "prompt": [{"role": Value("string"), "content": Value("string")}],
        "question": Value("string"), "answers": Sequence(Value("string")), "query_type": Value("string"),
        "relation": Value("string"), "entity": Value("string"), "popularity": Value("float64"),
        "popularity_pct": Value("float64"), "passage": Value("string"), "group": Value("string"),
        "competitors": Sequence(Value("string")),
    })
    dd = DatasetDict()
    for name, members in split_rows(rows, eval_fraction=eval_fraction, seed=seed).items():
        records = [{**{c: r.get(c) for c in COLUMNS}, "prompt": chat_prompt(r["question"], system_prompt)}
                   for r in members]
        dd[name] = Dataset.from_list(records, features=features)
    logger.info("Built %d train + %d eval rows over %d relations", dd["train"].num_rows, dd["eval"].num_rows,
                len({r["relation"] for r in rows}))
    if out_dir is not None:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        dd.save_to_disk(str(out_dir))
        logger.info("Saved the benchmark to %s", out_dir)
    return dd


def load_benchmark(path: str | Path):
    """Load a saved benchmark ``DatasetDict``, with a clear error if ``path`` holds none.

    >>> load_benchmark("/nonexistent")                                # doctest: +ELLIPSIS
    Traceback (most recent call last):
    FileNotFoundError: No benchmark dataset at '/nonexistent'...
    """
    path = Path(path)
    if not (path / "dataset_dict.json").exists() and not (path / "dataset_info.json").exists():
        raise FileNotFoundError(f"No benchmark dataset at {str(path)!r}. Build one with "
                                f"`shaping build-data --out {path}` or pass the folder of a saved DatasetDict.")
    from datasets import load_from_disk

    try:
        return load_from_disk(str(path))
    except (IndexError, ValueError) as err:  # datasets fails on a saved split with no rows
        raise ValueError(f"Could not load the dataset at {str(path)!r} ({type(err).__name__}: {err}); it is empty "
                         "or damaged. Rebuild it with `shaping build-data --out PATH`.") from err
