"""``shaping probe fit|eval``: a probe gate that declines the answers a model's hidden states doubt.

    shaping probe fit --data runs/train/results.jsonl --model smollm2 --wrong -1.5 --out runs/probe
    shaping probe eval --gate runs/probe --data runs/base/results.jsonl --model smollm2 --out runs/probe-eval

``--data`` is a JSONL of questions (``id``, ``question`` or ``prompt``, ``answers``, optionally
``competitors`` and ``entity``); when it has a ``response`` column (a ``shaping bench``
results file, the demo's ``base-eval/*.jsonl``) those answers are used, else the model's
greedy answers are generated first. The threshold is the one the reward values imply,
(abstain - wrong) / (correct - wrong), unless ``--threshold`` or ``--abstain-known`` is given.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

logger = logging.getLogger(__name__)


def _layers(text: str) -> list[int]:
    try:
        if "-" in text:
            low, high = (int(v) for v in text.split("-", 1))
            return list(range(low, high + 1))
        return [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--layers {text!r} must be a range like 10-22 or a list like 12,18") from None


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", type=Path, required=True, help="JSONL of questions, with the model's answers "
                   "('response') or without (then generated).")
    p.add_argument("--model", default="smollm2", help="'smollm2' (embedded) or any Hugging Face causal LM path/name.")
    p.add_argument("--out", type=Path, required=True, help="Output folder.")
    p.add_argument("--batch-size", type=int, default=16, help="Answers per forward pass (default: 16).")
    p.add_argument("--threshold", type=float, default=None, help="Decline below this P(correct).")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    fit = sub.add_parser("fit", help="Fit a probe gate on the model's own answers to labelled questions.")
    _common(fit)
    fit.add_argument("--correct", type=float, default=1.0, help="Reward of a right answer (default: 1).")
    fit.add_argument("--abstain", type=float, default=0.0, help="Reward of a decline (default: 0).")
    fit.add_argument("--wrong", type=float, default=-1.0, help="Reward of a wrong answer (default: -1).")
    fit.add_argument("--abstain-known", type=float, default=None,
                     help="Instead of a threshold: the share of right answers the gate may decline (e.g. 0.1).")
    fit.add_argument("--layers", type=_layers, default=None, help="Layers to choose from, e.g. 10-22 (default: all).")
    fit.add_argument("--group-by", default="entity", help="Column whose groups cross-validation keeps together.")
    fit.add_argument("--n-splits", type=int, default=5, help="Cross-validation folds (default: 5).")
    fit.add_argument("--seed", type=int, default=0)
    ev = sub.add_parser("eval", help="Apply a gate to a model's answers; AUROC and cuts beside the log-prob.")
    _common(ev)
    ev.add_argument("--gate", type=Path, required=True, help="A folder written by `shaping probe fit`.")
    ev.add_argument("--bootstrap", type=int, default=1000, help="Bootstrap resamples for the intervals.")


def _answers(args, model, tokenizer):
    """The data's rows with the model's greedy answers (generated into OUT/answers.jsonl when absent)."""
    from benchmarks.artifacts import read_jsonl
    from benchmarks.evaluate import as_rows, evaluate_policy

    if not args.data.is_file():
        raise SystemExit(f"error: --data {str(args.data)!r} is not a file; pass a JSONL of questions.")
    df = read_jsonl(args.data)
    if "response" in df.columns:
        return df
    logger.info("%s has no 'response' column: generating the model's greedy answers", args.data)
    try:
        rows = as_rows(df)
    except ValueError as exc:
        raise SystemExit(f"error: {exc}") from None
    return evaluate_policy(model, tokenizer, rows, k=0, out_path=args.out / "answers.jsonl", max_new_tokens=32)


def _fit(args, model, tokenizer) -> int:
    from benchmarks.probe import fit_on_results
    from rewards import TruthfulnessReward

    results = _answers(args, model, tokenizer)
    threshold = args.threshold
    if threshold is None and args.abstain_known is None:
        threshold = TruthfulnessReward(args.correct, args.abstain, args.wrong)
    gate, report = fit_on_results(model, tokenizer, results, threshold=threshold, abstain_known=args.abstain_known,
                                  layers=args.layers, group_by=args.group_by, n_splits=args.n_splits,
                                  batch_size=args.batch_size, seed=args.seed, progress=True)
    path = gate.save(args.out)
    report.search.to_csv(args.out / "layers.csv", index=False)
    print(f"layer {gate.layer}, C {gate.info['C']:g}: grouped-CV AUROC {gate.info['cv_auroc']:.3f} on "
          f"{gate.info['n_answers']} answers ({gate.info['n_correct']} right); threshold {gate.threshold:.3f} "
          f"({gate.info['threshold_source']})")
    print(f"saved the gate to {path}")
    return 0


def _eval(args, model, tokenizer) -> int:
    from benchmarks.artifacts import write_json, write_jsonl
    from benchmarks.probe import gated_results, score_results, signal_markdown, signal_table
    from benchmarks.training.summary import summary_markdown, summary_table
    from shaping.probe import ProbeGate

    gate = ProbeGate.load(args.gate, model)
    if args.threshold is not None:
        gate = gate.with_threshold(args.threshold)
    scored = score_results(gate, model, tokenizer, _answers(args, model, tokenizer), batch_size=args.batch_size,
                           progress=True)
    gated = gated_results(scored, gate.threshold)
    write_jsonl(args.out / "results.jsonl", gated.to_dict("records"))
    signals = {"probe P(correct)": "probe_p"}
    if "logprob" in scored.columns and scored["logprob"].notna().all():
        signals = {"mean answer log-prob": "logprob", **signals}
    table = signal_table(scored, signals, n_resamples=args.bootstrap)
    policies = summary_table({"model": scored, f"model + gate (threshold {gate.threshold:.2f})": gated}, scored)
    write_json(args.out / "metrics.json", {"gate": {"layer": gate.layer, "threshold": gate.threshold, **gate.info},
                                           "signals": table.to_dict("index"), "policies": policies.to_dict("index")})
    print(signal_markdown(table), "", summary_markdown(policies), sep="\n")
    print(f"\nwrote {args.out / 'results.jsonl'} and metrics.json")
    return 0


def run(args: argparse.Namespace) -> int:
    from shaping.models import load_policy

    try:
        model, tokenizer = load_policy(args.model)
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise SystemExit(f"error: {exc}") from None
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        return _fit(args, model, tokenizer) if args.action == "fit" else _eval(args, model, tokenizer)
    except (ValueError, KeyError, FileNotFoundError) as exc:
        raise SystemExit(f"error: {exc}") from None
