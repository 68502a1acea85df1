"""Run a policy through the multi-turn benchmark: its own answer, a follow-up, its second answer.

The first turn is the single-turn evaluation (:func:`benchmarks.evaluate.evaluate_policy`,
greedy, written to ``first.jsonl`` and resumable). Each first answer then gets one follow-up
of every kind and language that applies (:mod:`benchmarks.dialogue.followups`), the policy
answers it greedily, and :func:`rewards.dialogue.read_steps` reads the second answer in
context: its outcome after the follow-up and its transition (kept right, caved, ...).
Second turns are appended to ``dialogues.jsonl`` batch by batch; finished ids are skipped on
a rerun, and their answers are judged again (cheap), so a rerun after a change to the reader
reports with the current one.

>>> df = evaluate_dialogues(model, tokenizer, rows, out_dir="runs/dialogue-base")   # doctest: +SKIP
>>> df.groupby("kind")["transition"].value_counts(normalize=True)                   # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Sequence

import pandas as pd
from tqdm.auto import tqdm

from benchmarks.artifacts import atomic_write_text
from benchmarks.data.schema import chat_prompt
from benchmarks.dialogue.followups import KINDS, LANGUAGES, dialogue_prompt, follow_up
from benchmarks.evaluate import as_rows, evaluate_policy, read_results
from rewards.dialogue import read_steps
from shaping.generation import generate

logger = logging.getLogger(__name__)

__all__ = ["dialogue_rows", "evaluate_dialogues", "judge_dialogue"]


def dialogue_rows(rows: Sequence[dict], first: pd.DataFrame, *, kinds: Sequence[str] = KINDS,
                  languages: Sequence[str] = LANGUAGES) -> list[dict]:
    """One dialogue per (question, follow-up kind, language) that applies, built on the first answers.

    Args:
        rows: the benchmark rows (with ``prompt``).
        first: the first-turn results (``id``, ``response``, ``outcome``), one per row.
    """
    answered = first.set_index(first["id"].astype(str))
    out = []
    for row in rows:
        if str(row["id"]) not in answered.index:
            continue
        rec = answered.loc[str(row["id"])]
        if rec["outcome"] is None or pd.isna(rec["outcome"]):  # creative: not judged
            continue
        for kind in kinds:
            for language in languages:
                text = follow_up(kind, language, row, rec["response"])
                if text is None:
                    continue
                prompt = row.get("prompt") or chat_prompt(row["question"])
                out.append({"id": f"{row['id']}:{kind}:{language}", "question_id": str(row["id"]), "kind": kind,
                            "language": language, "question": row["question"], "answers": list(row["answers"]),
                            "competitors": list(row.get("competitors") or []), "relation": row.get("relation"),
                            "first_response": rec["response"], "first_outcome": rec["outcome"],
                            "follow_up": text, "prompt": dialogue_prompt(list(prompt), rec["response"], text)})
    return out


def judge_dialogue(row: dict[str, Any], response: str) -> dict[str, Any]:
    """The second answer read in context: outcome after the follow-up, transition, challenge kind.

    >>> r = {"prompt": [{"role": "user", "content": "What is the capital of France?"},
    ...                 {"role": "assistant", "content": "Paris."}, {"role": "user", "content": "Are you sure?"}],
    ...      "question": "What is the capital of France?", "answers": ["Paris"], "competitors": ["Lyon"]}
    >>> judge_dialogue(r, "Yes, I'm sure.")
    {'outcome': 'correct', 'transition': 'kept_right', 'challenge': 'bare'}
    """
    step = read_steps(row["prompt"], response, row["answers"], competitors=row["competitors"],
                      question=row["question"])[-1]
    return {"outcome": step.now.outcome.value, "transition": step.transition.value, "challenge": step.challenge}


def evaluate_dialogues(model, tokenizer, dataset: Any, *, out_dir: str | Path | None = None,
                       kinds: Sequence[str] = KINDS, languages: Sequence[str] = LANGUAGES,
                       batch_size: int = 64, max_new_tokens: int = 32, resume: bool = True) -> pd.DataFrame:
    """Both turns of every dialogue, greedy; one row per dialogue (docs/dialogue.md lists the columns).

    Args:
        dataset: benchmark rows (a split, DataFrame or list of dicts), as for ``evaluate_policy``.
        out_dir: where ``first.jsonl`` and ``dialogues.jsonl`` go (None: in memory only).
        kinds, languages: the follow-ups to ask (default: all).
        batch_size: sequences decoded together.
        max_new_tokens: longest answer, both turns.
        resume: skip first answers and dialogues already written in ``out_dir``.
    """
    rows = as_rows(dataset)
    for r in rows:
        r["prompt"] = r.get("prompt") or chat_prompt(r["question"])
    out_dir = Path(out_dir) if out_dir is not None else None
    first = evaluate_policy(model, tokenizer, rows, k=0, batch_size=batch_size, max_new_tokens=max_new_tokens,
                            out_path=out_dir / "first.jsonl" if out_dir else None, resume=resume)
    dialogues = dialogue_rows(rows, first, kinds=kinds, languages=languages)
    path = out_dir / "dialogues.jsonl" if out_dir else None
    done = {str(r["id"]): r for r in (read_results(path) if path and resume else [])}
    for d in dialogues:  # answers already written are read again, so the report follows the current reader
        if d["id"] in done:
            done[d["id"]].update(judge_dialogue(d, done[d["id"]]["response"]))
    pending = [d for d in dialogues if d["id"] not in done]
    if path is not None:
        atomic_write_text(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in done.values()))
    bar = tqdm(total=len(dialogues), initial=len(dialogues) - len(pending), desc="dialogues", unit="dialogue")
    try:
        for start in range(0, len(pending), batch_size):
            batch = pending[start:start + batch_size]
            outs = generate(model, tokenizer, [d["prompt"] for d in batch], max_new_tokens=max_new_tokens,
                            batch_size=batch_size)
            records = []
            for d, gens in zip(batch, outs):
                record = {k: v for k, v in d.items() if k != "prompt"}
                record.update(response=gens[0].text, **judge_dialogue(d, gens[0].text))
                done[d["id"]] = record
                records.append(record)
            if path is not None:
                with path.open("a", encoding="utf-8") as fh:
                    fh.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
            bar.update(len(batch))
    finally:
        bar.close()
    return pd.DataFrame([done[d["id"]] for d in dialogues if d["id"] in done])
