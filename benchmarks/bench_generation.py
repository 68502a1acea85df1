"""Speed of evaluation: our batched generation vs one question at a time with ``model.generate``.

Both run greedy decoding on the same benchmark questions with the same model (default: the
embedded SmolLM2-135M-Instruct), in one process; the script prints questions/s of each, the
ratio, the peak resident memory (RSS) during each, and the time of a full evaluation
(greedy + k samples + judging) of ``--eval-questions`` questions, extrapolated to 500.

    python -m benchmarks.bench_generation --questions 64 --baseline-questions 16

Run it alone (``flock``): on a shared 2-core machine other jobs change both rates.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from pathlib import Path

import psutil
import torch


class PeakRSS:
    """Context manager that samples this process's RSS every 20 ms and keeps the peak (MiB)."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._proc = psutil.Process()

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss / 2**20)
            self._stop.wait(0.02)

    def __enter__(self) -> "PeakRSS":
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def one_at_a_time(model, tokenizer, prompts, max_new_tokens: int) -> list[str]:
    """The baseline: render one chat prompt, ``model.generate`` it, decode; next question."""
    out = []
    for prompt in prompts:
        ids = tokenizer.apply_chat_template(prompt, add_generation_prompt=True, return_tensors="pt",
                                            return_dict=True)
        with torch.inference_mode():
            seq = model.generate(**ids, max_new_tokens=max_new_tokens, do_sample=False,
                                 pad_token_id=tokenizer.pad_token_id)
        out.append(tokenizer.decode(seq[0, ids["input_ids"].shape[1]:], skip_special_tokens=True).strip())
    return out


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="smollm2")
    parser.add_argument("--questions", type=int, default=64, help="Questions for the batched run.")
    parser.add_argument("--baseline-questions", type=int, default=16, help="Questions for the one-at-a-time run.")
    parser.add_argument("--batch-size", type=int, nargs="+", default=[32, 128],
                        help="One or more batch sizes for the batched run; the last is used for the full evaluation.")
    parser.add_argument("--max-new-tokens", type=int, default=48)
    parser.add_argument("--eval-questions", type=int, default=48, help="Questions for the full-evaluation timing.")
    parser.add_argument("--k", type=int, default=4)
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads (default: torch's choice, one per core). "
                             "On a busy machine 1 can be far faster.")
    parser.add_argument("--json", default=None, help="Also write the figures to this JSON file.")
    return parser.parse_args(argv)


def report(figures: dict, k: int) -> None:
    """Print the figures, one a line, and the speed-up in a sentence."""
    for key, value in figures.items():
        print(f"{key:34s} {value:.3f}" if isinstance(value, float) else f"{key:34s} {value}")
    print(f"\nbatched generation (batch size {figures['speedup_batch_size']}) is {figures['speedup']:.1f}x the "
          f"one-at-a-time rate; 500 questions with k={k} take about "
          f"{figures['full_eval_500_minutes_estimate']:.1f} min")


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    from benchmarks.data import all_rows, chat_prompt
    from benchmarks.evaluate import evaluate_policy
    from shaping.generation import generate
    from shaping.models import load_policy

    model, tokenizer = load_policy(args.model)
    rows = [r for r in all_rows() if r["query_type"] == "knowledge-seeking"]
    rows = [rows[i] for i in range(0, len(rows), max(1, len(rows) // 600))]  # spread over relations
    prompts = [chat_prompt(r["question"]) for r in rows]
    generate(model, tokenizer, prompts[:2], max_new_tokens=4)  # warm-up

    base_prompts = prompts[: args.baseline_questions]
    with PeakRSS() as base_mem:
        t0 = time.perf_counter()
        base_texts = one_at_a_time(model, tokenizer, base_prompts, args.max_new_tokens)
        base_s = time.perf_counter() - t0
    batched = {}
    for size in args.batch_size:
        with PeakRSS() as ours_mem:
            t0 = time.perf_counter()
            ours = generate(model, tokenizer, prompts[: args.questions], max_new_tokens=args.max_new_tokens,
                            batch_size=size, progress=True)
            batched[size] = (args.questions / (time.perf_counter() - t0), ours_mem.peak)
    same = sum(a == g[0].text for a, g in zip(base_texts, ours))
    held = rows[args.questions: args.questions + args.eval_questions]
    eval_rows = [{**r, "prompt": chat_prompt(r["question"])} for r in held]
    with tempfile.TemporaryDirectory() as tmp, PeakRSS() as eval_mem:
        t0 = time.perf_counter()
        evaluate_policy(model, tokenizer, eval_rows, k=args.k, batch_size=args.batch_size[-1],
                        max_new_tokens=args.max_new_tokens, out_path=Path(tmp) / "results.jsonl")
        eval_s = time.perf_counter() - t0
    base_rate = args.baseline_questions / base_s
    best = max(batched, key=lambda b: batched[b][0])
    figures = {
        "model": args.model, "threads": torch.get_num_threads(), "max_new_tokens": args.max_new_tokens,
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        "one_at_a_time_q_per_s": base_rate, "peak_rss_mib_one_at_a_time": round(base_mem.peak),
        **{f"batched_q_per_s_bs{b}": rate for b, (rate, _) in batched.items()},
        **{f"peak_rss_mib_batched_bs{b}": round(peak) for b, (_, peak) in batched.items()},
        "speedup": batched[best][0] / base_rate, "speedup_batch_size": best,
        "greedy_texts_identical": f"{same}/{len(base_texts)}",
        "full_eval_k": args.k, "full_eval_batch_size": args.batch_size[-1],
        "full_eval_s_per_q": eval_s / len(eval_rows),
        "peak_rss_mib_full_eval": round(eval_mem.peak),
        "full_eval_500_minutes_estimate": eval_s / len(eval_rows) * 500 / 60,
    }
    report(figures, args.k)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    main()
