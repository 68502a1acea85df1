"""Evaluate a policy on the benchmark: greedy response, k samples, judge, knowledge boundary.

For every question: the greedy response with its mean and summed token log-probability,
``k`` sampled responses, and :func:`rewards.judging.judge` on all of them. The samples give
the k-sample knowledge boundary (a question is *known* when at least half the samples are
correct) and the agreement across samples, a confidence that needs no log-probabilities
(samples agree when they match the same gold answer, both decline, or read the same after
:func:`rewards.text.normalize_answer`, the judge's own normalisation).
Creative rows get a greedy response only and are not judged (outcome None).

Results are appended to ``results.jsonl`` after every batch and flushed, so a run that is
stopped can be resumed: finished ids are read back and skipped. Each record carries a
fingerprint of the model's weights, and resuming a file written by another model raises.
The record format is docs/results_schema.md.

>>> df = evaluate_policy(model, tokenizer, dd["eval"], k=4, out_path="out/results.jsonl")  # doctest: +SKIP
>>> df[["outcome", "p_correct", "known"]].head(1)                                          # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from benchmarks.artifacts import atomic_write_text
from benchmarks.data.schema import CREATIVE, REQUIRED_COLUMNS, chat_prompt
from rewards.judging import judge
from rewards.text import normalize_answer
from shaping.generation import generate, render_prompts
from shaping.models import model_fingerprint

logger = logging.getLogger(__name__)
KNOWN_THRESHOLD = 0.5  # known <=> p_correct >= this
_ABSTAIN_KEY = "<abstain>"


def as_rows(dataset: Any) -> list[dict]:
    """A Dataset, DataFrame or list of dicts as a list of row dicts, checked for the needed columns.

    >>> as_rows([{"id": "a", "question": "Q?", "answers": [], "query_type": "creative"}])[0]["id"]
    'a'
    >>> as_rows([])
    Traceback (most recent call last):
    ValueError: The dataset is empty: nothing to evaluate. Build one with `shaping build-data` or check --split/--limit.
    """
    if hasattr(dataset, "keys") and hasattr(dataset, "column_names") and isinstance(dataset.column_names, dict):
        raise TypeError(f"Got a DatasetDict with splits {sorted(dataset.keys())}; pass one split, e.g. dd['eval'].")
    if isinstance(dataset, pd.DataFrame):
        rows = dataset.to_dict("records")
    elif hasattr(dataset, "to_list"):
        rows = dataset.to_list()
    else:
        rows = [dict(r) for r in dataset]
    if not rows:
        raise ValueError("The dataset is empty: nothing to evaluate. Build one with `shaping build-data` "
                         "or check --split/--limit.")
    columns = set(rows[0])
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ValueError(f"The dataset lacks the column(s) {missing} (it has {sorted(columns)}). Evaluation needs "
                         f"{list(REQUIRED_COLUMNS)}; build the benchmark with `shaping build-data`.")
    ids = Counter(str(r["id"]) for r in rows)
    if len(ids) < len(rows):
        raise ValueError(f"Duplicate ids in the dataset, e.g. {ids.most_common(1)[0][0]!r}; ids must be unique "
                         "so that results can be resumed by id.")
    return rows


def _judge_all(responses: list[str], answers: list[str], question: str, competitors=None):
    rivals = list(competitors) if competitors is not None else None
    return [judge(r, list(answers), question=question, competitors=rivals) for r in responses]


def _record(row: dict, greedy, samples, k: int) -> dict:
    record = {key: value for key, value in row.items() if key != "prompt"}
    record.update(response=greedy.text, logprob=greedy.mean_logprob, sum_logprob=greedy.sum_logprob,
                  num_tokens=greedy.num_tokens, k=k)
    if row["query_type"] == CREATIVE:
        record.update(outcome=None, hedged=False, matched=None, reason="creative: not judged", samples=[],
                      p_correct=None, p_abstain=None, agreement=None, known=None)
        return record
    texts = [greedy.text] + [s.text for s in samples]
    # the judge reads the question to ignore gold answers that are part of its subject; a
    # passage is not the subject (it holds the answer), so it is left out
    question = row["question"].replace(row.get("passage") or "\0", " ")
    verdicts = _judge_all(texts, row["answers"], question, row.get("competitors"))
    first = verdicts[0]
    record.update(outcome=first.outcome.value, hedged=bool(first.hedged), matched=first.matched, reason=first.reason)
    outcomes = [v.outcome.value for v in verdicts[1:]]
    record["samples"] = [{"response": t, "outcome": o} for t, o in zip(texts[1:], outcomes)]
    if not k:
        record.update(p_correct=None, p_abstain=None, agreement=None, known=None)
        return record
    keys = [_ABSTAIN_KEY if v.outcome.value == "abstain" else "<gold>" if v.matched else normalize_answer(t)
            for t, v in zip(texts[1:], verdicts[1:])]
    p_correct = outcomes.count("correct") / k
    record.update(p_correct=p_correct, p_abstain=outcomes.count("abstain") / k,
                  agreement=Counter(keys).most_common(1)[0][1] / k, known=p_correct >= KNOWN_THRESHOLD)
    return record


def read_results(path: str | Path) -> list[dict]:
    """Finished records of a results.jsonl (a half-written last line from a crash is dropped)."""
    path, records = Path(path), []
    if not path.exists():
        return records
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:  # a crash cut the last line inside a character: drop that line only
        if exc.start < data.rfind(b"\n"):
            raise ValueError(f"{path} is not UTF-8 at byte {exc.start}; fix or delete the file, or run without "
                             "--resume.") from exc
        text = data[:data.rfind(b"\n") + 1].decode("utf-8")
        logger.warning("Dropping a half-written last line of %s", path)
    lines = text.splitlines()
    for n, line in enumerate(lines):
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            if n < len(lines) - 1:
                raise ValueError(f"{path} line {n + 1} is not JSON; fix or delete the file, or run without --resume.")
            logger.warning("Dropping a half-written last line of %s", path)
    return records


def _open_results(out_path: Path, done: list[dict], k: int, fingerprint: str, settings: dict):
    stale = [r for r in done if r.get("k", k) != k]
    if stale:
        raise ValueError(f"{out_path} holds results with k={stale[0].get('k')} samples, but k={k} was asked. "
                         "Pass the same k, another --out, or resume=False / --no-resume to start over.")
    other = [r for r in done if r.get("model_fingerprint", fingerprint) != fingerprint]
    if other:
        raise ValueError(f"{out_path} holds answers of another model (fingerprint {other[0]['model_fingerprint']}, "
                         f"this one is {fingerprint}); resuming would mix the two. Pass another --out, or "
                         "resume=False / --no-resume to start over.")
    for r in done:
        changed = {name: (r["generation"][name], value) for name, value in settings.items()
                   if "generation" in r and r["generation"].get(name, value) != value}
        if changed:
            name, (was, now) = next(iter(changed.items()))
            raise ValueError(f"{out_path} holds answers made with {name}={was!r}, but {name}={now!r} was asked; "
                             "resuming would mix the two. Pass the same settings, another --out, or "
                             "resume=False / --no-resume to start over.")
    # rewrite the finished records (drops a half-written line) through a temporary file renamed into place, so
    # a kill during the rewrite loses nothing; then append batch by batch
    atomic_write_text(out_path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in done))
    return out_path.open("a", encoding="utf-8")


def evaluate_policy(model, tokenizer, dataset: Any, *, k: int = 4, batch_size: int = 128, max_new_tokens: int = 32,
                    out_path: str | Path | None = None, resume: bool = True, seed: int = 0,
                    temperature: float = 1.0, top_p: float = 1.0) -> pd.DataFrame:
    """Answer every question greedily and ``k`` times sampled, judge all, return one row per question.

    Args:
        dataset: a benchmark split (Dataset, DataFrame or list of dicts) with columns
            ``id``, ``question``, ``answers``, ``query_type`` (``prompt`` is used when present).
        k: samples per question for the knowledge boundary (0: greedy only).
        batch_size: sequences decoded together (a judged question with k samples takes k + 1)
            and questions per written batch.
        out_path: results.jsonl to append to after every batch (None: keep in memory only).
        resume: skip ids already in ``out_path``; False starts the file over.

    Returns:
        A DataFrame of the records (docs/results_schema.md), in dataset order.

    >>> df = evaluate_policy(model, tok, dd["eval"].select(range(8)), k=2)   # doctest: +SKIP
    """
    if k < 0:
        raise ValueError(f"k={k} must be >= 0 (0 = greedy only, no knowledge boundary).")
    rows = as_rows(dataset)
    fingerprint = model_fingerprint(model)
    settings = {"temperature": temperature, "top_p": top_p, "seed": seed, "max_new_tokens": max_new_tokens}
    done: dict[str, dict] = {}
    fh = None
    if out_path is not None:
        out_path = Path(out_path)
        previous = read_results(out_path) if resume else []
        wanted = {str(r["id"]) for r in rows}
        done = {str(r["id"]): r for r in previous if str(r["id"]) in wanted}
        fh = _open_results(out_path, previous, k, fingerprint, settings)
        if done:
            logger.info("Resuming: %d of %d questions already in %s", len(done), len(rows), out_path)
    pending = [r for r in rows if str(r["id"]) not in done]
    for r in pending:
        r["prompt"] = r.get("prompt") or chat_prompt(r["question"])
    lengths = {str(r["id"]): len(t) for r, t in zip(pending, render_prompts(tokenizer, [r["prompt"] for r in pending]))}
    pending.sort(key=lambda r: -lengths[str(r["id"])])
    bar = tqdm(total=len(rows), initial=len(done), desc="evaluate", unit="q")
    try:
        for start in range(0, len(pending), batch_size):
            batch = pending[start:start + batch_size]
            # judged questions: greedy answer and k samples from one shared prompt encoding
            both, alone = [], []
            for r in batch:
                (both if k and r["query_type"] != CREATIVE else alone).append(r)
            outs = dict(zip((str(r["id"]) for r in both), generate(
                model, tokenizer, [r["prompt"] for r in both], max_new_tokens=max_new_tokens, do_sample=True,
                with_greedy=True, num_samples=k, temperature=temperature, top_p=top_p, batch_size=batch_size,
                seed=seed))) if both else {}
            outs.update(zip((str(r["id"]) for r in alone), generate(
                model, tokenizer, [r["prompt"] for r in alone], max_new_tokens=max_new_tokens,
                batch_size=batch_size, seed=seed)) if alone else [])
            for row in batch:
                gens = outs[str(row["id"])]  # greedy first, then the samples (none for greedy-only rows)
                record = _record(row, gens[0], gens[1:], k)
                record["model_fingerprint"] = fingerprint
                record["generation"] = settings
                done[str(row["id"])] = record
                if fh is not None:
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            if fh is not None:
                fh.flush()
            bar.update(len(batch))
    finally:
        bar.close()
        if fh is not None:
            fh.close()
    return pd.DataFrame([done[str(r["id"])] for r in rows])
