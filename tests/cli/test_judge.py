"""`shaping judge`: JSONL/CSV in, counts printed, verdict file written atomically, clear errors."""

import csv
import json
import subprocess
import sys
from pathlib import Path

from cli.main import main

ROWS = [
    {"question": "What is the capital of France?", "answers": ["Paris"], "response": "Paris.", "source": "a"},
    {"question": "What is the capital of Malawi?", "answers": ["Lilongwe"], "response": "I don't know.", "source": "a"},
    {"question": "What is the capital of Zembla?", "answers": [], "response": "I don't know.", "source": "b"},
    {"question": "What is the capital of Peru?", "answers": ["Lima"], "response": "Probably Cusco.", "source": "b"},
]


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_jsonl_in_jsonl_out(tmp_path, capsys):
    src = write_jsonl(tmp_path / "r.jsonl", ROWS)
    out = tmp_path / "v.jsonl"
    assert main(["judge", str(src), "-o", str(out), "--by", "source"]) == 0
    printed = capsys.readouterr().out
    assert "correct        2   50.0%" in printed and "abstain        1   25.0%" in printed
    assert "hedged         1   25.0%" in printed and "source=b" in printed
    verdicts = [json.loads(line) for line in out.read_text().splitlines()]
    assert [v["outcome"] for v in verdicts] == ["correct", "abstain", "correct", "wrong"]
    assert verdicts[0]["matched"] == "Paris" and verdicts[3]["hedged"] is True
    assert verdicts[0]["source"] == "a" and verdicts[0]["reason"]
    assert not list(tmp_path.glob(".*tmp"))  # the temporary file was renamed away


def test_csv_with_separated_and_json_answers(tmp_path, capsys):
    src = tmp_path / "r.csv"
    with src.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["q", "gold", "text"])
        w.writerow(["Capital of Mongolia?", "Ulaanbaatar|Ulan Bator", "Ulan Bator, I think."])
        w.writerow(["Capital of Peru?", '["Lima"]', "Lima"])
        w.writerow(["Capital of Zembla?", "", "There is no such country."])
    out = tmp_path / "v.csv"
    code = main(["judge", str(src), "-o", str(out), "--question-column", "q", "--answers-column", "gold",
                 "--response-column", "text"])
    assert code == 0
    rows = list(csv.DictReader(out.open()))
    assert [r["outcome"] for r in rows] == ["correct", "correct", "correct"]
    assert rows[0]["matched"] == "Ulan Bator" and rows[0]["hedged"] == "True"


def test_default_output_next_to_input(tmp_path):
    src = write_jsonl(tmp_path / "r.jsonl", ROWS[:1])
    assert main(["judge", str(src)]) == 0
    assert (tmp_path / "r.verdicts.jsonl").exists()


def test_missing_file(tmp_path, capsys):
    assert main(["judge", str(tmp_path / "nope.jsonl")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_missing_column_is_named_with_the_columns_present(tmp_path, capsys):
    src = write_jsonl(tmp_path / "r.jsonl", [{"question": "q", "answers": ["a"], "output": "a"}])
    assert main(["judge", str(src)]) == 2
    err = capsys.readouterr().err
    assert "'response'" in err and "['answers', 'output', 'question']" in err and "--response-column" in err


def test_bad_rows_name_the_row(tmp_path, capsys):
    src = tmp_path / "r.jsonl"
    src.write_text(json.dumps(ROWS[0]) + "\n{not json\n")
    assert main(["judge", str(src)]) == 2
    assert "Row 2" in capsys.readouterr().err
    write_jsonl(src, [ROWS[0], dict(ROWS[0], answers={"x": 1})])
    assert main(["judge", str(src)]) == 2
    assert "Row 2" in capsys.readouterr().err


def test_bad_output_extension_fails_before_judging(tmp_path, capsys):
    src = write_jsonl(tmp_path / "r.jsonl", ROWS)
    assert main(["judge", str(src), "-o", str(tmp_path / "v.txt")]) == 2
    assert ".jsonl or .csv" in capsys.readouterr().err


def test_shipped_example_file_runs(tmp_path):
    example = Path(__file__).parents[2] / "examples" / "data" / "smollm2_responses.jsonl"
    assert main(["judge", str(example), "-o", str(tmp_path / "v.jsonl")]) == 0
    assert len((tmp_path / "v.jsonl").read_text().splitlines()) >= 150


def test_does_not_import_torch():
    code = "import sys, cli.judge; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_competitors_column_names_the_rival(tmp_path):
    # a lower-case rival is no name to find on its own; the column names it
    rows = [{"q": "Capital of Australia?", "answers": ["Canberra"], "response": "Canberra, sydney.",
             "rivals": ["Sydney", "Melbourne"]}]
    src, out = write_jsonl(tmp_path / "r.jsonl", rows), tmp_path / "v.jsonl"
    assert main(["judge", str(src), "-o", str(out), "--question-column", "q", "--competitors-column", "rivals"]) == 0
    verdict = json.loads(out.read_text())
    assert verdict["outcome"] == "wrong" and "Sydney" in verdict["reason"]
    rows[0].pop("rivals")
    assert main(["judge", str(write_jsonl(src, rows)), "-o", str(out), "--question-column", "q"]) == 0
    assert json.loads(out.read_text())["outcome"] == "correct"


def test_excel_utf8_bom_csv_reads_its_first_column(tmp_path):
    src = tmp_path / "r.csv"
    src.write_bytes("\ufeffquestion,answers,response\nCapital of France?,Paris,Paris.\n".encode("utf-8"))
    out = tmp_path / "v.jsonl"
    assert main(["judge", str(src), "-o", str(out)]) == 0
    assert json.loads(out.read_text())["outcome"] == "correct"


def test_unreadable_inputs_and_outputs_get_one_line_errors(tmp_path, capsys):
    assert main(["judge", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err
    utf16 = tmp_path / "r.csv"
    utf16.write_text("question,answers,response\nQ?,Paris,Paris\n", encoding="utf-16")
    assert main(["judge", str(utf16), "-o", str(tmp_path / "v.jsonl")]) == 2
    assert "is not UTF-8 text" in capsys.readouterr().err
    src = write_jsonl(tmp_path / "r.jsonl", ROWS)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["judge", str(src), "-o", str(blocker / "v.jsonl")]) == 2
    assert "Cannot write" in capsys.readouterr().err and not list(tmp_path.glob("**/*.tmp"))


def test_a_missing_answers_cell_is_not_the_gold_string_nan(tmp_path, capsys):
    src = tmp_path / "r.csv"
    src.write_text("question,answers,response\nCapital of France?,NaN,nan\n")
    assert main(["judge", str(src), "-o", str(tmp_path / "v.jsonl")]) == 2
    assert "a missing value, not an answer" in capsys.readouterr().err
    rows = [{"question": "Q?", "answers": float("nan"), "response": "nan"}]
    (tmp_path / "r.jsonl").write_text(json.dumps(rows[0]) + "\n")  # json writes NaN, which json reads back
    assert main(["judge", str(tmp_path / "r.jsonl"), "-o", str(tmp_path / "v.jsonl")]) == 2
