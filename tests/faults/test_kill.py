"""Fault injection: a real process killed with SIGKILL at the worst moments, then resumed.

Each job runs in a separate Python process (``tests/faults/kill_points.py``) that kills itself
at a chosen point, as a power cut would; nothing finished may be lost, and the resumed run
must end where an uninterrupted run ends.
"""

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("kill_points.py")


def run(job: str, out: Path, kill: str | None = None) -> dict | None:
    args = [sys.executable, str(SCRIPT), job, str(out)] + ([kill] if kill else [])
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    if kill:
        assert done.returncode == -signal.SIGKILL, done.stderr[-3000:]
        return None
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))[len("RESULT "):])


def complete_records(path: Path) -> list[dict]:
    lines = path.read_bytes().split(b"\n")
    return [json.loads(line) for line in lines[:-1]]  # the last piece is empty or a cut line


def test_evaluation_killed_while_appending_and_while_rewriting_loses_nothing(tmp_path):
    straight = run("evaluate", tmp_path / "straight.jsonl")
    out = tmp_path / "results.jsonl"
    run("evaluate", out, "append")  # killed with half a line written after two finished batches
    finished = complete_records(out)
    assert len(finished) == 4 and not out.read_bytes().endswith(b"\n")
    for kill in ("rewrite-write", "rewrite-rename"):  # resumes killed inside the rewrite of the finished records
        before = out.read_bytes()
        run("evaluate", out, kill)
        assert out.read_bytes() == before  # the file itself was never touched
    resumed = run("evaluate", out)
    assert resumed == straight
    assert [r["id"] for r in complete_records(out)][:4] == [r["id"] for r in finished]
    assert len(complete_records(out)) == 6 and out.read_bytes().endswith(b"\n")


@pytest.mark.filterwarnings("ignore")
def test_ppo_killed_inside_a_checkpoint_save_resumes_to_the_same_weights(tmp_path):
    straight = run("ppo", tmp_path / "straight")
    out = tmp_path / "run"
    run("ppo", out, "checkpoint")  # killed inside checkpoint-2's save
    assert (out / "checkpoint-1" / "trainer_state.json").exists()
    assert not (out / "checkpoint-2").exists()  # the cut save never took the checkpoint's name
    resumed = run("ppo", out)  # resumes from checkpoint-1, the last complete one
    assert resumed["history"] == straight["history"]
    assert resumed["weights_sum"] == pytest.approx(straight["weights_sum"], abs=1e-9)
    assert resumed["weights_abs"] == pytest.approx(straight["weights_abs"], abs=1e-9)
    assert sorted(p.name for p in out.glob("checkpoint-*")) == ["checkpoint-1", "checkpoint-2", "checkpoint-3"]
