"""The benchmark as verl's RL data: one parquet file per split, in the columns verl reads.

verl's ``RLHFDataset`` reads ``prompt`` (a chat), ``data_source`` (which reward scores the row,
and the group its validation metrics are reported under), ``ability``, ``reward_model``
(``{"style": "rule", "ground_truth": gold answers}``) and ``extra_info`` (passed to the
reward as it is). The knowledge-seeking rows are exported (answerable ones and those with no
true answer, whose gold list is empty): they are what :mod:`rewards.integrations.verl`
scores. ``extra_info`` carries the question the judge needs, the competitors, the row's id
(the knowledge labels' key), relation, split and index.

>>> record = verl_record({"id": "country_capital-1", "prompt": [{"role": "user", "content": "Capital of Peru?"}],
...     "question": "Capital of Peru?", "answers": ["Lima"], "competitors": ["Quito"], "relation": "country_capital",
...     "query_type": "knowledge-seeking"}, split="train", index=0)
>>> record["data_source"], record["reward_model"]
('hallucination_shaping/country_capital', {'style': 'rule', 'ground_truth': ['Lima']})
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Mapping

from benchmarks.artifacts import atomic_write
from benchmarks.data.schema import KNOWLEDGE
from rewards.integrations.verl import DATA_SOURCE

logger = logging.getLogger(__name__)

__all__ = ["export_verl", "verl_features", "verl_record"]


def verl_features():
    """The parquet schema of the export (``datasets.Features``): gold answers and competitors as string lists."""
    from datasets import Features, Sequence, Value

    strings = Sequence(Value("string"))
    return Features({
        "data_source": Value("string"),
        "prompt": [{"role": Value("string"), "content": Value("string")}],
        "ability": Value("string"),
        "reward_model": {"style": Value("string"), "ground_truth": strings},
        "extra_info": {"split": Value("string"), "index": Value("int64"), "id": Value("string"),
                       "question": Value("string"), "answers": strings, "competitors": strings,
                       "relation": Value("string")},
    })


def verl_record(row: Mapping[str, Any], *, split: str, index: int) -> dict[str, Any]:
    """One benchmark row as a verl record (``data_source`` is ``hallucination_shaping/<relation>``)."""
    answers = list(row["answers"])
    return {
        "data_source": f"{DATA_SOURCE}/{row['relation']}",
        "prompt": [dict(message) for message in row["prompt"]],
        "ability": row["query_type"],
        "reward_model": {"style": "rule", "ground_truth": answers},
        "extra_info": {"split": split, "index": index, "id": row["id"], "question": row["question"],
                       "answers": answers, "competitors": list(row.get("competitors") or []),
                       "relation": row["relation"]},
    }


def export_verl(dataset_dict: Mapping[str, Any], out_dir: str | Path) -> dict[str, Path]:
    """Write each split's knowledge-seeking rows to ``<out_dir>/<split>.parquet`` (atomically).

    Args:
        dataset_dict: the benchmark (``build_benchmark`` or ``load_benchmark``): splits of rows
            with ``id``, ``prompt``, ``question``, ``answers``, ``competitors``, ``relation``,
            ``query_type``.
        out_dir: the folder to write to (made if missing).

    Returns:
        The path written for each split, by split name.
    """
    from datasets import Dataset

    if not dataset_dict:
        raise ValueError("The benchmark has no splits; build it with `shaping build-data` first.")
    written = {}
    for split, rows in dataset_dict.items():
        missing = {"id", "prompt", "question", "answers", "relation", "query_type"} - set(rows.column_names)
        if missing:
            raise KeyError(f"Split {split!r} lacks the columns {sorted(missing)}; export a benchmark built by "
                           "`shaping build-data` (or add them).")
        kept = [row for row in rows if row["query_type"] == KNOWLEDGE]
        if not kept:
            raise ValueError(f"Split {split!r} has no knowledge-seeking rows to export; verl's truthfulness reward "
                             "scores only those.")
        records = [verl_record(row, split=split, index=i) for i, row in enumerate(kept)]
        data = Dataset.from_list(records, features=verl_features())
        path = atomic_write(Path(out_dir) / f"{split}.parquet", data.to_parquet)
        logger.info("Wrote %d of %d %s rows to %s", len(records), rows.num_rows, split, path)
        written[split] = path
    return written
