"""Response groups, the reward compositions the dominance check compares, and the composition benchmark.

``shaping check-dominance`` and ``benchmarks/bench_composition.py`` read groups of responses
to the same question (:func:`load_response_groups`) and score them with the RM alone, a
plain weighted sum and the dominance-safe composition (:func:`build_schemes`), to count how
often each ranks a wrong answer above an abstention or an abstention above a correct one
(:func:`rewards.compose.dominance.check_dominance`). :func:`composition_benchmark` adds how
well each keeps the RM's order within an outcome and the RM's CPU throughput.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from rewards.compose.dominance import PAIR_KINDS, check_dominance
from rewards.outcome import Outcome

#: Abstentions added to every question with ``--add-abstentions`` (policies rarely say it unprompted).
ABSTENTIONS = (
    "I don't know.",
    "I'm not sure about that, so I'd rather not guess.",
    "Sorry, I don't have reliable information to answer that.",
)
SCHEMES = ("rm", "sum", "dominance-safe")


def load_response_groups(path: str | Path, *, add_abstentions: bool = False):
    """Read ``(questions, responses_per_question, answers)`` from a JSONL file.

    >>> load_response_groups("missing.jsonl")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    FileNotFoundError: missing.jsonl does not exist ...
    """
    file = Path(path)
    if not file.exists():
        raise FileNotFoundError(f"{path} does not exist; pass a JSONL with question, answers and response(s).")
    groups: dict[str, dict] = {}
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        missing = [k for k in ("question", "answers") if k not in row]
        if missing or ("response" not in row and "responses" not in row):
            raise KeyError(f"{path}:{number} lacks {missing or ['response or responses']}; got keys {sorted(row)}.")
        group = groups.setdefault(row["question"], {"answers": row["answers"], "responses": []})
        new = row["responses"] if "responses" in row else [row["response"]]
        group["responses"] += [r for r in new if r not in group["responses"]]
    if add_abstentions:
        for group in groups.values():
            group["responses"] += [a for a in ABSTENTIONS if a not in group["responses"]]
    questions = list(groups)
    return questions, [groups[q]["responses"] for q in questions], [groups[q]["answers"] for q in questions]


def build_schemes(rm, *, correct: float = 1.0, abstain: float = 0.0, wrong: float = -1.0,
                  weights: tuple[float, float] = (1.0, 1.0), band: float = 0.5) -> dict:
    """The three compositions compared: the RM alone, truthfulness + standardised RM, dominance-safe."""
    from rewards.compose import DominanceSafe, WeightedSum
    from rewards.truthfulness import TruthfulnessReward

    truth = TruthfulnessReward(correct=correct, abstain=abstain, wrong=wrong)
    return {
        "rm": rm,
        "sum": WeightedSum([truth, rm], list(weights), normalize="running", name="weighted_sum"),
        "dominance-safe": DominanceSafe(truth, rm, band=band, name="dominance_safe"),
    }


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


def composition_benchmark(rm_path: str, responses_path: str | Path, *, band: float = 0.5, limit: int = 0,
                          throughput_n: int = 256, threads: int = 1) -> dict:
    """Every composition's dominance violations, its agreement with the RM within an outcome,
    and the RM's CPU throughput, on the response groups in ``responses_path`` (abstentions added).

    ``limit`` keeps the first questions only (0: all); ``sum-raw`` is the weighted sum
    without standardisation, beside the three :func:`build_schemes` compositions.
    """
    import torch

    from rewards.compose import WeightedSum
    from rewards.truthfulness import TruthfulnessReward
    from shaping.rm.score import RewardModelReward

    if not (Path(rm_path) / "config.json").exists():
        raise FileNotFoundError(f"No reward model at {rm_path}; train one first: "
                                f"shaping train-rm --output-dir {rm_path}")
    questions, responses, answers = load_response_groups(responses_path, add_abstentions=True)
    if limit:
        questions, responses, answers = questions[:limit], responses[:limit], answers[:limit]
    torch.set_num_threads(threads)
    rm = CachedReward(RewardModelReward(rm_path, device="cpu"))
    schemes = build_schemes(rm, weights=(1.0, 1.0), band=band)
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
    texts = [(q, r) for q, rs in zip(questions, responses) for r in rs][: throughput_n]
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
        "throughput_cpu": {f"batch_{b}": throughput(rm_path, texts, b) for b in (1, 32)},
        "threads": threads,
    }
    eval_file = Path(rm_path) / "rm_eval.json"
    if eval_file.exists():
        result["rm_pairwise_accuracy"] = json.loads(eval_file.read_text())["pairwise_accuracy"]
    return result


def composition_table(result: dict) -> str:
    """:func:`composition_benchmark`'s result as a Markdown table, with ratios against the baselines."""
    lines = [f"{result['questions']} questions, {result['responses']} responses ({result['outcomes']}), "
             f"+{result['abstentions_added_per_question']} abstentions per question",
             "| scheme | wrong > abstain | abstain > correct | wrong > correct | all pairs "
             "| Spearman with RM, pooled (correct / abstain / wrong) | RM order kept within a question |",
             "|---|---|---|---|---|---|---|"]
    for name, s in result["schemes"].items():
        rho = s["spearman_with_rm"]
        cells = [f"{s[k]:.1%}" if s[k] is not None else "n/a" for k in PAIR_KINDS]
        rhos = " / ".join(f"{rho[o]:.3f}" if o in rho else "n/a" for o in ("correct", "abstain", "wrong"))
        kept = s["rm_order_kept_within_question"]
        kept = "n/a" if kept is None else f"{kept:.1%}"
        lines.append(f"| {name} | {' | '.join(cells)} | {s['violation_rate']:.1%} | {rhos} | {kept} |")
    rm, plain, safe = (result["schemes"][k]["violation_rate"] for k in ("rm", "sum", "dominance-safe"))
    lines.append(f"violation rate: RM alone {rm:.1%}, weighted sum {plain:.1%}, dominance-safe {safe:.1%} "
          f"(ratio safe/RM = {safe / rm if rm else float('nan'):.3f}, safe/sum = "
                 f"{safe / plain if plain else float('nan'):.3f})")
    for label, part in result["rm_alone_by_training_overlap"].items():
        rate = part["wrong_over_abstain"]
        lines.append(f"RM alone, wrong > abstain on the {part['questions']} questions {label} among its training "
                     f"prompts: {'n/a' if rate is None else f'{rate:.1%}'}")
    tp = result["throughput_cpu"]
    lines.append(f"RM throughput on CPU ({result['threads']} threads): batch 1 {tp['batch_1']:.1f} responses/s, "
                 f"batch 32 {tp['batch_32']:.1f} responses/s (x{tp['batch_32'] / tp['batch_1']:.1f})")
    if "rm_pairwise_accuracy" in result:
        acc = result["rm_pairwise_accuracy"]
        lines.append(f"RM held-out pairwise accuracy: {acc['all'] if isinstance(acc, dict) else acc:.3f}")
    return "\n".join(lines)
