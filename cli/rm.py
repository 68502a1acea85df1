"""``shaping train-rm``: train a preference reward model and report its held-out pairwise accuracy.

    shaping train-rm --output-dir runs/rm                  # the default offline preference set
    shaping train-rm --data prefs.jsonl --output-dir runs/rm --model path/to/backbone
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output-dir", required=True, help="Where to save the trained RM checkpoint.")
    parser.add_argument("--data", help="A JSONL of preference rows (prompt/chosen/rejected or chosen/rejected). "
                        "Default: the project's offline helpfulness/style set.")
    parser.add_argument("--model", default="minilm", help="Backbone: 'minilm' (embedded) or a path/name.")
    parser.add_argument("--pairs", type=int, default=4000, help="Pairs in the default set (default 4000).")
    parser.add_argument("--test-size", type=float, default=0.15, help="Held-out fraction (default 0.15).")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--seed", type=int, default=0)


def _load_jsonl(path: str, test_size: float, seed: int):
    from datasets import Dataset

    from shaping.rm.train import check_preference_rows

    file = Path(path)
    if not file.exists():
        raise SystemExit(f"--data {path!r} does not exist; pass a JSONL file of preference rows.")
    rows = []
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise SystemExit(f"{path}:{number} is not valid JSON ({err}).") from None
    if len(rows) < 2:
        raise SystemExit(f"{path} has {len(rows)} rows; a train/test split needs at least 2.")
    check_preference_rows(rows)  # row indices in errors are the file's (0-based), before any split
    return Dataset.from_list(rows).train_test_split(test_size=test_size, seed=seed)


def run(args: argparse.Namespace) -> int:
    from shaping.rm.data import build_preference_data
    from shaping.rm.train import pairwise_accuracy, train_reward_model

    if args.data:
        data = _load_jsonl(args.data, args.test_size, args.seed)
    else:
        data = build_preference_data(args.pairs, test_size=args.test_size, seed=args.seed)
    logger.info("Preference data: %d train / %d held-out pairs", len(data["train"]), len(data["test"]))
    path = train_reward_model(
        data["train"], output_dir=args.output_dir, model=args.model, epochs=args.epochs,
        lr=args.lr, batch_size=args.batch_size, max_length=args.max_length, seed=args.seed,
    )
    by = "kind" if "kind" in data["test"].column_names else None
    accuracy = pairwise_accuracy(str(path), data["test"], by=by)
    overall = accuracy["all"] if isinstance(accuracy, dict) else accuracy
    print(f"held-out pairwise accuracy: {overall:.3f} on {len(data['test'])} pairs")
    if isinstance(accuracy, dict):
        for kind, value in accuracy.items():
            if kind != "all":
                print(f"  {kind:12s} {value:.3f}")
    (Path(path) / "rm_eval.json").write_text(json.dumps({"pairwise_accuracy": accuracy}, indent=2))
    print(f"saved the reward model to {path}")
    return 0
