"""Benchmark: does a learned RM override truthfulness, and does the dominance-safe composition stop it?

On real SmolLM2-135M-Instruct answers to the benchmark's factual questions
(``examples/data/smollm2_responses.jsonl``), plus three abstentions added to every
question, it scores each response with

- the RM alone (baseline 1),
- a plain weighted sum: truthfulness (1 / 0 / -1) + RM, both standardised by running
  moments, weights 1 : 1 (baseline 2; ``sum-raw``: the same without standardisation),
- the dominance-safe composition (ours): the RM squashed into a band inside each outcome,

and counts, over every pair of responses to the same question with different outcomes,
how often each ranks a wrong answer above an abstention, an abstention above a correct
answer, or a wrong answer above a correct one (:func:`rewards.compose.dominance.check_dominance`).
It also measures how well each composition keeps the RM's order within an outcome
(Spearman rank correlation with the RM, per outcome), and the RM's CPU scoring throughput
at batch sizes 1 and 32. Run (loads the RM)::

    python -m benchmarks.bench_composition --rm runs/rm-minilm
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

from benchmarks.composition import ABSTENTIONS, build_schemes, load_response_groups
from rewards.compose.dominance import PAIR_KINDS, check_dominance
from rewards.outcome import Outcome

logger = logging.getLogger("bench_composition")
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RESPONSES = ROOT / "examples" / "data" / "smollm2_responses.jsonl"


class CachedReward:
    """Score each (prompt, response) once and reuse it: every scheme sees the same RM scores."""

    def __init__(self, reward) -> None:
        self.reward, self.cache, self.__name__ = reward, {}, reward.__name__

    def __call__(self, prompts, completions, **columns):
        todo = [(p, c) for p, c in zip(prompts, completions) if (p, c) not in self.cache]
        if todo:
            values = self.reward([p for p, _ in todo], [c for _, c in todo])
            self.cache.update(zip(todo, values))
        return [self.cache[(p, c)] for p, c in zip(prompts, completions)]


def within_outcome_spearman(report, rm_report) -> dict[str, float]:
    """Spearman correlation between a composition's scores and the RM's, per outcome (pooled)."""
    from scipy.stats import spearmanr

    out = {}
    for outcome in Outcome:
        pairs = [(s, r) for scores, rms, outs in zip(report.scores, rm_report.scores, report.outcomes)
                 for s, r, o in zip(scores, rms, outs) if o is outcome and s is not None]
        if len(pairs) >= 3:
            out[outcome.value] = float(spearmanr([p[0] for p in pairs], [p[1] for p in pairs]).statistic)
    return out


def within_question_agreement(report, rm_report) -> float | None:
    """Fraction of same-question, same-outcome response pairs a composition orders as the RM does
    (pairs the RM ties are skipped): the order the RM sets inside a GRPO/RLOO group."""
    agree = total = 0
    for scores, rms, outs in zip(report.scores, rm_report.scores, report.outcomes):
        for i in range(len(scores)):
            for j in range(i + 1, len(scores)):
                if outs[i] is outs[j] and rms[i] != rms[j] and None not in (scores[i], scores[j]):
                    total += 1
                    agree += (scores[i] - scores[j]) * (rms[i] - rms[j]) > 0
    return agree / total if total else None


def throughput(rm_path: str, texts: list[tuple[str, str]], batch_size: int, repeats: int = 1) -> float:
    """Responses scored per second on CPU at ``batch_size`` (after one warm-up batch)."""
    from shaping.rm.score import RewardModelReward

    rm = RewardModelReward(rm_path, batch_size=batch_size, device="cpu")
    rm.score_batch([texts[0][0]], [texts[0][1]])  # load and warm up
    start = time.perf_counter()
    for _ in range(repeats):
        rm.score_batch([p for p, _ in texts], [r for _, r in texts])
    return repeats * len(texts) / (time.perf_counter() - start)


def seen_in_rm_training(questions: list[str], pairs: int = 4000, seed: int = 0) -> set[str]:
    """Benchmark questions that also appear as prompts in the default RM's training split."""
    from shaping.rm.data import build_preference_data

    train = set(build_preference_data(pairs, seed=seed)["train"]["prompt"])
    return {q for q in questions if q in train}


def run(args: argparse.Namespace) -> dict:
    import torch

    from shaping.rm.score import RewardModelReward

    if not (Path(args.rm) / "config.json").exists():
        raise SystemExit(f"No reward model at {args.rm}; train one first: shaping train-rm --output-dir {args.rm}")
    questions, responses, answers = load_response_groups(args.responses, add_abstentions=True)
    if args.limit:
        questions, responses, answers = questions[: args.limit], responses[: args.limit], answers[: args.limit]
    torch.set_num_threads(args.threads)
    rm = CachedReward(RewardModelReward(args.rm, device="cpu"))
    schemes = build_schemes(rm, weights=(1.0, 1.0), band=args.band)
    from rewards.compose import WeightedSum
    from rewards.truthfulness import TruthfulnessReward

    schemes["sum-raw"] = WeightedSum([TruthfulnessReward(), rm], [1.0, 1.0], name="weighted_sum_raw")
    reports = {name: check_dominance(reward, questions, responses, answers=answers, batch_size=64)
               for name, reward in schemes.items()}
    seen = seen_in_rm_training(questions)
    by_seen = {}
    for label, keep in (("seen", True), ("unseen", False)):
        idx = [i for i, q in enumerate(questions) if (q in seen) == keep]
        rep = check_dominance(rm, [questions[i] for i in idx], [responses[i] for i in idx],
                              answers=[answers[i] for i in idx])
        by_seen[label] = {"questions": len(idx), "wrong_over_abstain": rep.rate_of("wrong_over_abstain")}
    texts = [(q, r) for q, rs in zip(questions, responses) for r in rs][: args.throughput_n]
    result = {
        "questions": len(questions),
        "responses": sum(len(r) for r in responses),
        "abstentions_added_per_question": len(ABSTENTIONS),
        "outcomes": reports["rm"].outcome_counts,
        "schemes": {name: {"violation_rate": rep.rate, **{k: rep.rate_of(k) for k in PAIR_KINDS},
                           "pairs": rep.pairs, "spearman_with_rm": within_outcome_spearman(rep, reports["rm"]),
                           "rm_order_kept_within_question": within_question_agreement(rep, reports["rm"])}
                    for name, rep in reports.items()},
        "rm_alone_by_training_overlap": by_seen,
        "throughput_cpu": {f"batch_{b}": throughput(args.rm, texts, b) for b in (1, 32)},
        "threads": args.threads,
    }
    eval_file = Path(args.rm) / "rm_eval.json"
    if eval_file.exists():
        result["rm_pairwise_accuracy"] = json.loads(eval_file.read_text())["pairwise_accuracy"]
    return result


def print_table(result: dict) -> None:
    """Print the comparison as a markdown table, with ratios against the baselines."""
    print(f"{result['questions']} questions, {result['responses']} responses ({result['outcomes']}), "
          f"+{result['abstentions_added_per_question']} abstentions per question")
    print("| scheme | wrong > abstain | abstain > correct | wrong > correct | all pairs "
          "| Spearman with RM, pooled (correct / abstain / wrong) | RM order kept within a question |")
    print("|---|---|---|---|---|---|---|")
    for name, s in result["schemes"].items():
        rho = s["spearman_with_rm"]
        cells = [f"{s[k]:.1%}" if s[k] is not None else "n/a" for k in PAIR_KINDS]
        rhos = " / ".join(f"{rho[o]:.3f}" if o in rho else "n/a" for o in ("correct", "abstain", "wrong"))
        kept = s["rm_order_kept_within_question"]
        kept = "n/a" if kept is None else f"{kept:.1%}"
        print(f"| {name} | {' | '.join(cells)} | {s['violation_rate']:.1%} | {rhos} | {kept} |")
    rm, plain, safe = (result["schemes"][k]["violation_rate"] for k in ("rm", "sum", "dominance-safe"))
    print(f"violation rate: RM alone {rm:.1%}, weighted sum {plain:.1%}, dominance-safe {safe:.1%} "
          f"(ratio safe/RM = {safe / rm if rm else float('nan'):.3f}, safe/sum = "
          f"{safe / plain if plain else float('nan'):.3f})")
    for label, part in result["rm_alone_by_training_overlap"].items():
        rate = part["wrong_over_abstain"]
        print(f"RM alone, wrong > abstain on the {part['questions']} questions {label} among its training "
              f"prompts: {'n/a' if rate is None else f'{rate:.1%}'}")
    tp = result["throughput_cpu"]
    print(f"RM throughput on CPU ({result['threads']} threads): batch 1 {tp['batch_1']:.1f} responses/s, "
          f"batch 32 {tp['batch_32']:.1f} responses/s (x{tp['batch_32'] / tp['batch_1']:.1f})")
    if "rm_pairwise_accuracy" in result:
        acc = result["rm_pairwise_accuracy"]
        print(f"RM held-out pairwise accuracy: {acc['all'] if isinstance(acc, dict) else acc:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rm", default="runs/rm-minilm", help="RM checkpoint (shaping train-rm --output-dir).")
    parser.add_argument("--responses", default=str(DEFAULT_RESPONSES), help="JSONL of question/answers/response.")
    parser.add_argument("--band", type=float, default=0.5)
    parser.add_argument("--limit", type=int, default=0, help="Use only the first N questions (0 = all).")
    parser.add_argument("--throughput-n", type=int, default=256, help="Responses timed per batch size.")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch CPU threads (default 1: on a shared 2-core machine 2 threads spin-wait).")
    parser.add_argument("--out", default="runs/bench_composition.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    result = run(args)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print_table(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
