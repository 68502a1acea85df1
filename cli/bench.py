"""``shaping bench``: evaluate a policy on the benchmark and write the report.

Everything that can be wrong with the input (the data, the split, the columns, the model
path, the embedded model package) is checked before the model generates anything, and
each problem is one error line that names it and the fix.

>>> from cli.main import main
>>> main(["bench", "--limit", "50", "--k", "4", "--out", "runs/base"])     # doctest: +SKIP
0
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from cli.data import default_data_dir

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default="smollm2",
                        help="'smollm2' (embedded SmolLM2-135M-Instruct) or any Hugging Face causal LM path/name.")
    parser.add_argument("--data", default=default_data_dir(),
                        help="A saved benchmark DatasetDict; built there first if the folder is absent "
                             "(default: %(default)s).")
    parser.add_argument("--split", default="eval", help="Split to evaluate (default: eval).")
    parser.add_argument("--relations", nargs="+", default=None, metavar="RELATION",
                        help="Evaluate only these relations (e.g. country_capital fictional_country_capital).")
    parser.add_argument("--limit", type=int, default=None, help="Evaluate only the first N questions of the split.")
    parser.add_argument("--k", type=int, default=4,
                        help="Samples per question for the knowledge boundary (0: greedy only).")
    parser.add_argument("--batch-size", type=int, default=128,
                        help="Sequences decoded together (default: 128; a question with k samples takes k + 1).")
    parser.add_argument("--max-new-tokens", type=int, default=32, help="Longest response in tokens (default: 32).")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch CPU threads (default: one per core). On a machine busy with other jobs, 1 is often "
                             "several times faster than 2.")
    parser.add_argument("--temperature", type=float, default=1.0, help="Sampling temperature of the k samples.")
    parser.add_argument("--seed", type=int, default=0, help="Sampling seed (default: 0).")
    parser.add_argument("--out", default="runs/bench", help="Output folder: results.jsonl, report.md, plots.")
    parser.add_argument("--resume", action=argparse.BooleanOptionalAction, default=True,
                        help="Skip questions already in OUT/results.jsonl (default: on; --no-resume starts over).")
    parser.add_argument("--title", default=None, help="Report title (default: the model name).")
    parser.add_argument("--dialogue", action="store_true",
                        help="Run the multi-turn benchmark instead: the model's answer, one follow-up of each kind, "
                             "its second answer (docs/dialogue.md). Knowledge-seeking questions only; --k is unused.")
    parser.add_argument("--kinds", nargs="+", default=None, metavar="KIND",
                        help="With --dialogue: follow-up kinds (default: bare wrong_candidate reask right_candidate).")
    parser.add_argument("--languages", nargs="+", default=None, metavar="LANG",
                        help="With --dialogue: follow-up languages (default: en zh).")


def load_questions(data: str, split: str, limit: int | None, relations: list[str] | None = None) -> list[dict]:
    """The rows to evaluate, checked: the folder (built if absent), the split, relations, columns, non-empty."""
    from benchmarks.data import build_benchmark, load_benchmark
    from benchmarks.evaluate import as_rows

    path = Path(data)
    if not path.exists():
        logger.info("No benchmark at %s: building it (seconds)", path)
        dd = build_benchmark(path)
    else:
        dd = load_benchmark(path)
    if split not in dd:
        raise KeyError(f"The dataset at {str(path)!r} has no split {split!r}; pass --split one of {sorted(dd)}.")
    ds = dd[split]
    if relations:
        present = set(ds["relation"]) if "relation" in ds.column_names else set()
        unknown = sorted(set(relations) - present)
        if unknown:
            raise ValueError(f"--relations {unknown} not in split {split!r}; it has {sorted(present)}.")
        ds = ds.filter(lambda r: r["relation"] in set(relations))
    if limit is not None:
        ds = ds.select(range(min(limit, ds.num_rows)))
    return as_rows(ds)


def _check_args(args: argparse.Namespace) -> None:
    for name in ("batch_size", "max_new_tokens") + (("threads",) if args.threads is not None else ()):
        if getattr(args, name) < 1:
            raise ValueError(f"--{name.replace('_', '-')} {getattr(args, name)} must be at least 1.")
    if args.k < 0:
        raise ValueError(f"--k {args.k} must be >= 0 (0 = greedy only).")
    if getattr(args, "dialogue", False):
        from benchmarks.dialogue import KINDS, LANGUAGES

        for name, given, allowed in (("kinds", args.kinds, KINDS), ("languages", args.languages, LANGUAGES)):
            unknown = sorted(set(given or ()) - set(allowed))
            if unknown:
                raise ValueError(f"--{name} {unknown} unknown; pick from {list(allowed)}.")
    elif args.kinds or args.languages:
        raise ValueError("--kinds and --languages apply to the multi-turn benchmark; add --dialogue.")
    if args.limit is not None and args.limit < 1:
        raise ValueError(f"--limit {args.limit} must be at least 1 (leave it out to evaluate the whole split).")


def run(args: argparse.Namespace) -> int:
    from shaping.models import resolve_model

    try:  # all input checks, before any model loads or generates
        _check_args(args)
        rows = load_questions(args.data, args.split, None if args.dialogue else args.limit, args.relations)
        if args.dialogue:
            rows = dialogue_questions(rows, args.limit)
        model_path = resolve_model(args.model)
    except (FileNotFoundError, ModuleNotFoundError, KeyError, ValueError, TypeError) as err:
        message = err.args[0] if isinstance(err, KeyError) and err.args else err
        print(f"error: {message}", file=sys.stderr)
        return 2
    from shaping.models import load_policy

    if args.dialogue:
        return _run_dialogue(args, rows, model_path)
    from benchmarks.evaluate import evaluate_policy

    out = Path(args.out)
    logger.info("Evaluating %s on %d questions (k=%d) into %s", args.model, len(rows), args.k, out)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    model, tokenizer = load_policy(model_path)
    start = time.perf_counter()
    df = evaluate_policy(model, tokenizer, rows, k=args.k, batch_size=args.batch_size,
                         max_new_tokens=args.max_new_tokens, out_path=out / "results.jsonl",
                         resume=args.resume, seed=args.seed, temperature=args.temperature)
    seconds = time.perf_counter() - start
    from benchmarks.report import write_report

    meta = {"model": args.model, "data": str(args.data), "split": args.split, "relations": args.relations or "all",
            "questions": len(df), "k": args.k,
            "max_new_tokens": args.max_new_tokens, "batch_size": args.batch_size, "temperature": args.temperature,
            "seed": args.seed,
            "eval_seconds": round(seconds, 1)}
    report = write_report(df, out, title=args.title or f"Knowledge benchmark: {args.model}", meta=meta)
    print(f"Report: {report}")
    return 0


def dialogue_questions(rows: list[dict], limit: int | None) -> list[dict]:
    """The knowledge-seeking rows (the multi-turn benchmark's questions), the first ``limit`` of them."""
    from benchmarks.data import KNOWLEDGE

    kept = [r for r in rows if r["query_type"] == KNOWLEDGE]
    if not kept:
        raise ValueError("The selection has no knowledge-seeking question to follow up; pick other --relations.")
    return kept[:limit] if limit is not None else kept


def _run_dialogue(args: argparse.Namespace, rows: list[dict], model_path: str) -> int:
    from benchmarks.dialogue import KINDS, LANGUAGES, evaluate_dialogues, write_dialogue_report
    from shaping.models import load_policy

    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    out = Path(args.out)
    logger.info("Multi-turn benchmark: %s on %d questions into %s", args.model, len(rows), out)
    model, tokenizer = load_policy(model_path)
    start = time.perf_counter()
    df = evaluate_dialogues(model, tokenizer, rows, out_dir=out, kinds=args.kinds or KINDS,
                            languages=args.languages or LANGUAGES, batch_size=args.batch_size,
                            max_new_tokens=args.max_new_tokens, resume=args.resume)
    meta = {"model": args.model, "data": str(args.data), "split": args.split, "relations": args.relations or "all",
            "questions": len(rows), "dialogues": len(df), "max_new_tokens": args.max_new_tokens,
            "decoding": "greedy", "eval_seconds": round(time.perf_counter() - start, 1)}
    report = write_dialogue_report(df, out, title=args.title or f"Multi-turn benchmark: {args.model}", meta=meta)
    print(f"Report: {report}")
    return 0
