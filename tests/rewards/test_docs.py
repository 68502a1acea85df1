"""The examples in the rewards docstrings, docs/rewards.md and README.md run and print what they say.

Python blocks that train with TRL (they mention ``GRPOTrainer``, ``RLOOTrainer``, ``torch``
or ``shaping``) need a model and are left to the examples' own smoke tests; every other
block runs, in order, in one namespace per document. A ``print(...)  # [expected]`` comment
is checked against the printed line (``...`` matches anything, as in doctest).
"""

from __future__ import annotations

import ast
import contextlib
import doctest
import importlib
import io
import pkgutil
import re
from pathlib import Path

import pytest

import rewards

ROOT = Path(__file__).resolve().parents[2]
NEEDS_A_MODEL = re.compile(r"GRPOTrainer|RLOOTrainer|\btorch\b|\bshaping\b|\btrl\b")
EXPECTED = re.compile(r"#\s*(\[.*\]|-?[\d.]+|True|False)\s*$")
MODULES = sorted(m.name for m in pkgutil.iter_modules(rewards.__path__, "rewards."))


@pytest.mark.parametrize("module", ["rewards"] + MODULES)
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {module} failed (see above)"


def expected_prints(block: str) -> list[str | None]:
    """For each top-level ``print(...)`` in order, the value its trailing comment promises."""
    lines = block.splitlines()
    out = []
    for node in ast.parse(block).body:
        call = node.value if isinstance(node, ast.Expr) else None
        if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "print":
            match = EXPECTED.search(lines[node.end_lineno - 1])
            out.append(match.group(1) if match else None)
    return out


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("document", ["docs/rewards.md", "docs/dialogue.md", "README.md"])
def test_document_python_blocks_run(document):
    path = ROOT / document
    if not path.exists():
        pytest.skip(f"{document} not written yet")
    namespace: dict = {"__name__": f"doc_{path.stem}"}
    checker = doctest.OutputChecker()
    ran = 0
    for block in python_blocks(path):
        if NEEDS_A_MODEL.search(block):
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, str(path), "exec"), namespace)
        ran += 1
        printed = out.getvalue().splitlines()
        expected = expected_prints(block)
        if len(printed) != len(expected):  # a print of several lines: nothing to pair up
            continue
        for want, got in zip(expected, printed):
            if want is not None:
                assert checker.check_output(want + "\n", got + "\n", doctest.ELLIPSIS), f"{document}: {got} != {want}"
    if document == "docs/rewards.md":
        assert ran >= 4


def test_the_rule_in_the_docs_is_five_lines():
    block = next(b for b in python_blocks(ROOT / "docs" / "rewards.md") if "@reward_rule" in b)
    rule = block.split("@reward_rule", 1)[1].split("\n\n", 1)[0]
    assert len(("@reward_rule" + rule).strip().splitlines()) <= 5


def test_grpo_example_in_the_docs_trains_a_tiny_model(tmp_path):
    """The GRPOTrainer example of docs/rewards.md, run for its one step on a tiny random Llama
    with the embedded SmolLM2 tokenizer instead of SmolLM2 itself."""
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    from shaping.models import policy_path

    tokenizer = AutoTokenizer.from_pretrained(policy_path())
    config = LlamaConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=2,
                         intermediate_size=64, vocab_size=len(tokenizer), max_position_embeddings=256,
                         pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id)
    LlamaForCausalLM(config).save_pretrained(tmp_path / "tiny")
    tokenizer.save_pretrained(tmp_path / "tiny")
    blocks = [b for b in python_blocks(ROOT / "docs" / "rewards.md") if "@reward_rule" in b or "GRPOTrainer" in b]
    code = "\n".join(blocks)
    assert "model=str(policy_path())" in code and 'output_dir="runs/grpo-rule"' in code
    code = code.replace("model=str(policy_path())", f"model={str(tmp_path / 'tiny')!r}")
    code = code.replace('output_dir="runs/grpo-rule"', f"output_dir={str(tmp_path / 'out')!r}")
    namespace: dict = {"__name__": "doc_grpo"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "docs/rewards.md", "exec"), namespace)
    logs = namespace["trainer"].state.log_history
    assert namespace["trainer"].state.global_step == 1
    assert any("rewards/says_the_answer/mean" in entry for entry in logs)
    assert any("rewards/TruthfulnessReward/mean" in entry for entry in logs)
