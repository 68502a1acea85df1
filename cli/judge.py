"""``shaping judge``: judge a JSONL/CSV file of questions, gold answers and model responses.

Prints the outcome counts and rates (correct / abstain / wrong, and how many answers were
hedged) and writes one verdict per row (outcome, hedged, matched, reason, beside the
row's own columns) to a JSONL or CSV file, chosen by its extension::

    shaping judge examples/data/smollm2_responses.jsonl -o verdicts.jsonl

In a CSV the answers cell is a JSON list (``["Paris", "Paris, France"]``) or a
``|``-separated string (``Paris|Paris, France``); an empty cell means the question has no
true answer. Only :mod:`rewards` is imported, so the command starts in a fraction of a second.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

from rewards import Outcome, judge
from rewards.outcome import outcome_rates

VERDICT_FIELDS = ("outcome", "hedged", "matched", "reason")


class JudgeInputError(ValueError):
    """A problem with the input file, reported with the row and the fix."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="JSONL or CSV file with one response per row.")
    parser.add_argument("-o", "--output", type=Path, default=None,
                        help="Where to write per-row verdicts (.jsonl or .csv; default: INPUT.verdicts.jsonl).")
    parser.add_argument("--question-column", default="question", help="Column with the question (default: question).")
    parser.add_argument("--answers-column", default="answers",
                        help="Column with the gold answers: a list, or in CSV a JSON list or '|'-separated string.")
    parser.add_argument("--response-column", default="response", help="Column with the model response.")
    parser.add_argument("--separator", default="|", help="Separator of answers in a CSV string cell (default: |).")
    parser.add_argument("--competitors-column", default="competitors",
                        help="Column with known wrong answers of the same kind (optional; used when present).")
    parser.add_argument("--by", default=None, metavar="COLUMN", help="Also print rates per value of this column.")


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (row number, row) from a JSONL or CSV file; row numbers count from 1."""
    if not path.exists():
        raise JudgeInputError(f"Input file {str(path)!r} does not exist; pass a JSONL or CSV file of responses.")
    if path.is_dir():
        raise JudgeInputError(f"Input {str(path)!r} is a directory; pass a JSONL or CSV file of responses.")
    try:
        yield from _rows(path)
    except UnicodeDecodeError as exc:
        raise JudgeInputError(f"{str(path)!r} is not UTF-8 text (byte {exc.start}: {exc.reason}); save it as "
                              "UTF-8 (Excel: 'CSV UTF-8') and try again.") from exc


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as fh:  # -sig: Excel's UTF-8 CSVs start with a BOM
            yield from enumerate(csv.DictReader(fh), start=1)
    elif suffix in (".jsonl", ".json", ".ndjson"):
        with path.open(encoding="utf-8-sig") as fh:
            number = 0
            for line in fh:
                if not line.strip():
                    continue
                number += 1
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise JudgeInputError(f"Row {number} of {path} is not valid JSON ({exc.msg}).") from exc
                if not isinstance(row, dict):
                    raise JudgeInputError(f"Row {number} of {path} is a {type(row).__name__}; "
                                          "each line must be a JSON object.")
                yield number, row
    else:
        raise JudgeInputError(f"Cannot read {str(path)!r}: use a .jsonl or .csv file "
                              f"(got {suffix or 'no extension'!r}).")


def parse_answers(value: Any, *, row: int, column: str, separator: str = "|") -> list[str]:
    """Gold answers from a cell: a list, a JSON list string, or a separated string.

    >>> parse_answers('["Paris", "Paris, France"]', row=1, column="answers")
    ['Paris', 'Paris, France']
    >>> parse_answers("Ulaanbaatar|Ulan Bator", row=1, column="answers"), parse_answers("", row=1, column="answers")
    (['Ulaanbaatar', 'Ulan Bator'], [])
    """
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in ("nan", "none", "null"):  # what pandas and spreadsheets write for a missing value
            raise JudgeInputError(f"Row {row}: column {column!r} holds {value!r}, a missing value, not an answer; "
                                  "leave the cell empty (or write []) for a question with no true answer.")
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                raise JudgeInputError(f"Row {row}: column {column!r} looks like a JSON list but is not valid "
                                      f"JSON ({exc.msg}).") from exc
        else:
            return [part.strip() for part in text.split(separator) if part.strip()] if text else []
    if isinstance(value, float) and not math.isfinite(value):
        raise JudgeInputError(f"Row {row}: column {column!r} holds {value!r}, a missing value, not an answer; "
                              "use [] for a question with no true answer.")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [str(value)]
    if not isinstance(value, list) or not all(isinstance(a, (str, int, float)) for a in value):
        raise JudgeInputError(
            f"Row {row}: column {column!r} holds {value!r}; it must be a list of gold answer strings ([] for none)."
        )
    return [str(a) for a in value]


def _write(path: Path, records: list[dict[str, Any]]) -> None:
    """Write records to JSONL or CSV through a temporary file, renamed into place."""
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".csv"):
        raise JudgeInputError(f"Cannot write {str(path)!r}: the output must end in .jsonl or .csv.")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            if suffix == ".jsonl":
                for record in records:
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                fields = list(dict.fromkeys(k for record in records for k in record))
                writer = csv.DictWriter(fh, fieldnames=fields)
                writer.writeheader()
                for record in records:
                    writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                                     for k, v in record.items()})
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _summary(records: list[dict[str, Any]], title: str) -> str:
    """Outcome counts and rates (:func:`rewards.outcome.outcome_rates`) and hedged answers, one line each."""
    outcomes = [r["outcome"] for r in records]
    counts, rates = Counter(outcomes), outcome_rates(outcomes)
    hedged, total = sum(bool(r["hedged"]) for r in records), len(records)
    lines = [f"{title}: {total} responses"]
    for outcome in Outcome:
        lines.append(f"  {outcome.value:8s} {counts[outcome.value]:7d}  {rates[outcome.value]:6.1%}")
    lines.append(f"  hedged   {hedged:7d}  {hedged / total:6.1%}  (committed answers that voiced doubt)")
    return "\n".join(lines)


def judge_file(args: argparse.Namespace) -> tuple[list[dict[str, Any]], str]:
    """Judge every row of ``args.input``; return the records and the printed summary."""
    from tqdm import tqdm

    needed = [args.question_column, args.answers_column, args.response_column] + ([args.by] if args.by else [])
    records, groups, unanswerable = [], {}, 0
    for number, row in tqdm(read_rows(args.input), desc="judging", unit=" rows", disable=None):
        missing = [c for c in needed if c not in row]
        if missing:
            raise JudgeInputError(
                f"Row {number} of {args.input} has no column {missing[0]!r}; its columns are {sorted(row)}. "
                f"Pass the right name with --{'by' if missing[0] == args.by else _flag(args, missing[0])}."
            )
        response, question = row[args.response_column], row[args.question_column]
        if response is None:
            response = ""
        if not isinstance(response, str) or not isinstance(question, (str, type(None))):
            raise JudgeInputError(f"Row {number}: the response and the question must be text, "
                                  f"got {response!r}, {question!r}.")
        answers = parse_answers(row[args.answers_column], row=number, column=args.answers_column,
                                separator=args.separator)
        rivals = row.get(args.competitors_column)
        competitors = None if rivals is None else parse_answers(rivals, row=number, column=args.competitors_column,
                                                                separator=args.separator)
        verdict = judge(response, answers, question=question, competitors=competitors)
        unanswerable += not answers
        records.append({**row, "outcome": verdict.outcome.value, "hedged": verdict.hedged,
                        "matched": verdict.matched, "reason": verdict.reason})
        if args.by:
            groups.setdefault(str(row[args.by]), []).append(records[-1])
    if not records:
        raise JudgeInputError(f"{args.input} has no rows to judge.")
    text = _summary(records, str(args.input))
    if unanswerable:
        text += f"\n  ({unanswerable} rows have no true answer: declining them counts as correct)"
    for name, group in sorted(groups.items()):
        text += "\n" + _summary(group, f"{args.by}={name}")
    return records, text


def _flag(args: argparse.Namespace, column: str) -> str:
    for name in ("question", "answers", "response"):
        if getattr(args, f"{name}_column") == column:
            return f"{name}-column"
    return "by"


def run(args: argparse.Namespace) -> int:
    output = args.output or args.input.with_name(args.input.stem + ".verdicts.jsonl")
    try:
        if output.suffix.lower() not in (".jsonl", ".csv"):  # fail before judging anything
            raise JudgeInputError(f"Cannot write {str(output)!r}: the output must end in .jsonl or .csv.")
        records, text = judge_file(args)
        try:
            _write(output, records)
        except OSError as exc:  # an unwritable folder, a full disk: nothing half-written stays behind
            raise JudgeInputError(f"Cannot write {str(output)!r} ({exc.strerror}); pass a writable --output.") from exc
    except JudgeInputError as exc:
        print(f"shaping judge: error: {exc}", file=sys.stderr)
        return 2
    print(text)
    print(f"Per-row verdicts written to {output}")
    return 0
