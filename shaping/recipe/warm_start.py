"""Warm start before RL: R-Tuning (Zhang et al., 2024) with TRL's SFTTrainer.

A policy that never says "I don't know" cannot discover it by sampling, so RL alone never
learns to abstain. R-Tuning fine-tunes the policy on its *own* answers where they were
right and on "I don't know." where they were wrong. The mix matters: targets that are
mostly "I don't know." teach the policy to decline everything, while a balanced, light
warm start keeps its accuracy and makes "I don't know" reachable for RL (docs/demo.md
reports the runs). ``balance=True`` (the default) builds that balanced mix.

With ``drafts=True`` every target first drafts the policy's own greedy answer inside a
reasoning block and then decides: ``<think>draft</think> draft`` (commit) where the answer
was right, ``<think>draft</think> I don't know.`` where it was not. The judge scores only the
part after the block (:func:`rewards.judging.final.final_part`), so the policy learns to
decline *after* seeing its answer, when its hidden states know more about it (issue 19).
"""

from __future__ import annotations

import logging
import random
import tempfile
from pathlib import Path
from typing import Any, Iterable, Mapping

from rewards.judging.final import draft_response

logger = logging.getLogger(__name__)

IDK_TEXT = "I don't know."
#: The benchmark's system prompt (benchmarks.data.DEFAULT_SYSTEM_PROMPT), used when a record
#: carries a question but no chat prompt.
SYSTEM_PROMPT = 'Answer the question in one short sentence. If you do not know the answer, say "I don\'t know".'


def _records(results: Any) -> list[dict[str, Any]]:
    if hasattr(results, "to_dict") and hasattr(results, "columns"):  # a pandas DataFrame
        return results.to_dict("records")
    return [dict(r) for r in results]


def _stratified_pairs(right: list[dict], other: list[dict], column: str, balance: bool) -> tuple[list, list]:
    """Balance right / "I don't know." rows within each value of ``column``, values taken in turn."""
    if not balance:
        raise ValueError(f"stratify={column!r} balances within each {column}; it needs balance=True.")
    rows = right + other
    if rows and any(column not in r for r in rows):
        raise KeyError(f"stratify={column!r}: the results have no {column!r} column; they have {sorted(rows[0])}.")
    by_value: dict[Any, tuple[list, list]] = {}
    for target, bucket in ((right, 0), (other, 1)):
        for r in target:
            by_value.setdefault(str(r[column]), ([], []))[bucket].append(r)
    groups = [list(zip(rs, os)) for _, (rs, os) in sorted(by_value.items())]  # zip stops at the smaller
    if not any(groups):
        raise ValueError(f"No {column} has both a right answer and a wrong one; balance without stratify.")
    turns = [g[i] for i in range(max(map(len, groups))) for g in groups if i < len(g)]
    dropped = sorted(v for v, (rs, os) in by_value.items() if not rs or not os)
    if dropped:
        logger.info("R-Tuning: %s %s contribute no pairs (only right or only wrong answers)", column, dropped)
    return [p[0] for p in turns], [p[1] for p in turns]


def _with_sampled_answer(row: dict) -> dict:
    """``row`` with its shortest right sample as the response when the greedy one was not right."""
    if row.get("outcome") in (None, "correct"):
        return row
    right = [str(s["response"]).strip() for s in (row.get("samples") or []) if s.get("outcome") == "correct"]
    right = [text for text in right if text]
    return {**row, "response": min(right, key=len), "outcome": "correct"} if right else row


def _prompt(row: Mapping[str, Any], system_prompt: str) -> list[dict[str, str]]:
    prompt = row.get("prompt")
    if isinstance(prompt, list) and prompt:
        return [dict(m) for m in prompt]
    if not row.get("question"):
        raise KeyError(f"Record {row.get('id', '?')!r} has neither a chat 'prompt' nor a 'question'.")
    return [{"role": "system", "content": system_prompt}, {"role": "user", "content": row["question"]}]


def build_rtuning_dataset(
    results: Iterable[Mapping[str, Any]] | Any,
    *,
    balance: bool = True,
    max_per_class: int | None = None,
    idk_max_p: float | None = None,
    stratify: str | None = None,
    sampled_answers: bool = False,
    drafts: bool = False,
    idk_text: str = IDK_TEXT,
    system_prompt: str = SYSTEM_PROMPT,
    seed: int = 0,
):
    """Build R-Tuning SFT pairs from evaluation results: own answer if right, ``idk_text`` if not.

    Args:
        results: a DataFrame or records with ``question`` (or a chat ``prompt``),
            ``response`` and ``outcome`` ("correct" / "abstain" / "wrong"; rows with no
            outcome, e.g. creative ones, are skipped).
        balance: use as many "I don't know." targets as right answers (and vice versa),
            so the warm start does not tilt the policy into abstaining.
        max_per_class: cap on each of the two classes (e.g. 45).
        idk_max_p: when given, only questions the policy reliably does not know get the
            "I don't know." target: a wrong greedy answer *and* a sampled ``p_correct`` at
            or below this (e.g. 0.0: no sample was right). Questions it half knows get no
            target at all, so the warm start does not teach declining what sampling shows
            it can answer. Needs a ``p_correct`` column (``evaluate_policy(k >= 1)``).
        stratify: a column (e.g. ``"relation"``) to balance within: each of its values gets
            as many right answers as "I don't know." targets (the smaller count of the two),
            and a ``max_per_class`` cap takes the values in turn. Without it a relation the
            model rarely knows gives mostly "I don't know." targets, and the warm start can
            learn to decline that *kind* of question instead of the questions it does not
            know (docs/demo.md reports what it changed in the demo). Needs ``balance=True``.
        sampled_answers: a question whose greedy answer was not right but one of its
            ``samples`` was gets that sample (the shortest right one) as its answer target
            (rejection sampling, as in STaR / expert iteration), instead of no target. The
            warm start then also learns the answers the policy gives only sometimes.
            Needs a ``samples`` column (``evaluate_policy(k >= 1)``).
        drafts: draft-then-decide targets: the row's own answer inside ``<think>...</think>``,
            then that answer again (right rows) or ``idk_text`` (the others).
        seed: shuffles the pairs and picks which rows a cap keeps.

    Returns:
        A ``datasets.Dataset`` with TRL's conversational ``prompt`` / ``completion`` columns
        and a ``target`` column ("answer" or "idk").

    >>> ds = build_rtuning_dataset([
    ...     {"question": "Capital of France?", "response": "Paris.", "outcome": "correct"},
    ...     {"question": "Capital of Chad?", "response": "Abuja.", "outcome": "wrong"}])
    >>> [row["completion"][0]["content"] for row in ds]  # doctest: +SKIP
    ["I don't know.", 'Paris.']
    """
    from datasets import Dataset

    if max_per_class is not None and max_per_class < 1:
        raise ValueError(f"max_per_class={max_per_class} must be >= 1 (or None for no cap).")
    rows = _records(results)
    missing = [c for c in ("response", "outcome") if rows and c not in rows[0]]
    if missing:
        raise KeyError(f"Results need the columns {missing}; they have {sorted(rows[0])}. Pass evaluation results.")
    if idk_max_p is not None and not 0.0 <= idk_max_p < 1.0:
        raise ValueError(f"idk_max_p={idk_max_p} must lie in [0, 1) (0.0: only questions no sample got right).")
    if idk_max_p is not None and rows and not any("p_correct" in r for r in rows):
        raise KeyError("idk_max_p needs a p_correct column; evaluate the policy with k >= 1 samples per question.")
    if sampled_answers and rows and not any("samples" in r for r in rows):
        raise KeyError("sampled_answers=True needs a samples column; evaluate the policy with k >= 1 samples.")
    if sampled_answers:
        rows = [_with_sampled_answer(r) for r in rows]
    right = [r for r in rows if r.get("outcome") == "correct" and str(r["response"]).strip()]
    other = [r for r in rows if r.get("outcome") in ("wrong", "abstain")]
    if idk_max_p is not None:
        other = [r for r in other if r.get("p_correct") is not None and float(r["p_correct"]) <= idk_max_p]
    if not right or not other:
        raise ValueError(
            f"R-Tuning needs both right ({len(right)}) and wrong/abstained ({len(other)}) answers; "
            "evaluate the policy on more questions."
        )
    rng = random.Random(seed)
    rng.shuffle(right)
    rng.shuffle(other)
    if stratify is not None:
        right, other = _stratified_pairs(right, other, stratify, balance)
    elif balance:
        n = min(len(right), len(other))
        right, other = right[:n], other[:n]
    if max_per_class:
        right, other = right[:max_per_class], other[:max_per_class]
    def pair(row: Mapping[str, Any], final: str, target: str) -> dict[str, Any]:
        text = draft_response(str(row["response"]), final) if drafts else final
        return {"prompt": _prompt(row, system_prompt), "completion": [{"role": "assistant", "content": text}],
                "target": target}

    pairs = [pair(r, str(r["response"]).strip(), "answer") for r in right] + [pair(r, idk_text, "idk") for r in other]
    rng.shuffle(pairs)
    logger.info("R-Tuning set%s: %d own right answers + %d %r targets", " with drafts" if drafts else "",
                len(right), len(other), idk_text)
    return Dataset.from_list(pairs)


def warm_start(
    model,
    tokenizer,
    dataset,
    *,
    epochs: float = 1.0,
    lr: float = 1e-5,
    batch_size: int = 8,
    output_dir: str | Path | None = None,
    max_length: int = 512,
    seed: int = 0,
    callbacks: list | None = None,
    **sft_kwargs: Any,
):
    """Fine-tune ``model`` on ``dataset`` (from :func:`build_rtuning_dataset`) with TRL's SFTTrainer.

    The loss covers the completion only. Returns the tuned model; when ``output_dir`` is
    given the model and tokenizer are also saved there (loadable with ``load_policy``).

    >>> tuned = warm_start(model, tokenizer, build_rtuning_dataset(results, max_per_class=45),
    ...                    epochs=1, lr=1e-5, output_dir="out/warm")  # doctest: +SKIP
    """
    from trl import SFTConfig, SFTTrainer

    if epochs <= 0 or lr <= 0:
        raise ValueError(f"epochs={epochs} and lr={lr} must be > 0 (the light recipe is epochs=1, lr=1e-5).")
    if len(dataset) == 0:
        raise ValueError("The warm-start dataset is empty; build it with build_rtuning_dataset(results).")
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
        logger.info("tokenizer had no pad token; using eos %r", tokenizer.eos_token)
    scratch = Path(output_dir) if output_dir else Path(tempfile.mkdtemp(prefix="warm-start-"))
    import torch

    # TRL defaults to bf16 and gradient checkpointing: a CPU cannot do the first, a small model does not need the second
    sft_kwargs.setdefault("bf16", torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    sft_kwargs.setdefault("gradient_checkpointing", False)
    config = SFTConfig(
        output_dir=str(scratch / "trainer"),
        num_train_epochs=epochs,
        learning_rate=lr,
        per_device_train_batch_size=batch_size,
        max_length=max_length,
        completion_only_loss=True,
        logging_steps=1,
        save_strategy="no",
        report_to=[],
        seed=seed,
        **sft_kwargs,
    )
    columns = [c for c in dataset.column_names if c not in ("prompt", "completion")]
    trainer = SFTTrainer(
        model=model,
        args=config,
        train_dataset=dataset.remove_columns(columns) if columns else dataset,
        processing_class=tokenizer,
        callbacks=callbacks,
    )
    trainer.train()
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    if losses:
        logger.info("warm start done: %d steps, loss %.3f -> %.3f", trainer.state.global_step, losses[0], losses[-1])
    tuned = trainer.model
    tuned.eval()
    if output_dir:
        tuned.save_pretrained(output_dir)
        tokenizer.save_pretrained(output_dir)
    return tuned
