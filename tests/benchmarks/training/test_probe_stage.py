"""The demo's probe stage on a tiny saved policy: gate fitted on base-eval's training answers, applied held out."""

import json

from benchmarks.artifacts import read_jsonl, write_jsonl
from benchmarks.training.probe import PROBE_LABEL, probe_lines, probe_results, stage_probe
from tests.benchmarks.training.demo_folder import tiny_demo_folder

CITIES = ["Paris", "Tokyo", "Lima", "Suva", "Muscat", "Accra"]


def _answers(split: str, n: int) -> list[dict]:
    """Base answers: every third one a long made-up name (wrong), the others the gold city (right)."""
    return [{"id": f"{split}{i}", "question": f"What is the capital of country {i}?", "answers": [CITIES[i % 6]],
             "entity": f"Country{i // 2}", "relation": "country_capital", "logprob": -0.1 * (i % 5),
             "response": f"It is {CITIES[i % 6]}." if i % 3 else "It is Zorblax Quendival.",
             "outcome": "correct" if i % 3 else "wrong"} for i in range(n)]


def test_stage_probe_fits_gates_and_reports(tmp_path):
    out, config = tiny_demo_folder(tmp_path)
    write_jsonl(out / "base-eval" / "train.jsonl", _answers("t", 30))
    write_jsonl(out / "base-eval" / "eval.jsonl", _answers("e", 12))
    stage_probe(out, config)
    metrics = json.loads((out / "probe" / "metrics.json").read_text())
    assert 1 <= metrics["layer"] <= 2 and metrics["threshold"] == 0.6  # (0 + 1.5) / (1 + 1.5)
    assert set(metrics["signals"]) == {"mean answer log-prob", "probe P(correct)"}
    named = probe_results(out)
    assert list(named) == [PROBE_LABEL, "probe gate, 10% budget"]
    gated = named[PROBE_LABEL]
    assert len(gated) == 12 and gated["probe_p"].between(0, 1).all()
    declined = gated["probe_p"] < metrics["threshold"]
    assert (gated.loc[declined, "outcome"] == "abstain").all()
    assert (gated.loc[~declined, "outcome"] == read_jsonl(out / "base-eval" / "eval.jsonl")
            .loc[~declined, "outcome"]).all()
    assert (out / "probe" / "gate" / "probe.json").exists()
    text = "\n".join(probe_lines(out))
    assert f"layer {metrics['layer']}" in text and PROBE_LABEL in text and "10% budget" in text
    assert 0 <= metrics["budget_threshold"] <= 1


def test_stage_probe_without_enough_labels_is_skipped_with_its_reason(tmp_path):
    out, config = tiny_demo_folder(tmp_path)
    wrong_only = [{**r, "response": "It is Zorblax.", "outcome": "wrong"} for r in _answers("t", 12)]
    write_jsonl(out / "base-eval" / "train.jsonl", wrong_only)
    write_jsonl(out / "base-eval" / "eval.jsonl", _answers("e", 4))
    stage_probe(out, config)
    assert probe_results(out) == {}
    assert "Not fitted" in "\n".join(probe_lines(out)) and "at least 2 of each" in "\n".join(probe_lines(out))
