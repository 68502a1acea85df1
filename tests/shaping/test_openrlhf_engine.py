"""OpenRLHF's own reward loader runs our adapter and our server (skipped without openrlhf).

``openrlhf.utils.agent.SingleTurnAgentExecutor(path_or_url)`` is what OpenRLHF 0.11's
rollout workers build from ``--reward.remote_url``: given a ``.py`` path it imports the
file's ``reward_func`` and calls it one sample at a time in a thread; given a URL it posts
``{"query", "prompts", "labels"}``. Here it generates with a stand-in for vLLM that answers
each recorded prompt with its recorded SmolLM2 response (token ids from SmolLM2's own
tokenizer, ending in its eos), so the query is decoded exactly as in training. Install
OpenRLHF beside the project as docs/engines.md says to run this test.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

agent = pytest.importorskip("openrlhf.utils.agent", reason="openrlhf is not installed (see docs/engines.md, "
                            "'Testing against OpenRLHF itself')")
torch = pytest.importorskip("torch")

from rewards import TruthfulnessReward  # noqa: E402
from rewards.integrations import openrlhf as adapter  # noqa: E402
from shaping.serve import RewardServer, served_reward  # noqa: E402

RECORDED = [json.loads(line) for line in (Path(__file__).parents[1] / "rewards" / "data" / "openrlhf_queries.jsonl")
            .read_text(encoding="utf-8").splitlines()]


class RecordedEngine:
    """Stands in for OpenRLHF's vLLM engine: generates one recorded response."""

    def __init__(self, tokenizer, response: str, truncated: bool) -> None:
        ids = tokenizer(text=response, add_special_tokens=False)["input_ids"]
        self.ids = ids if truncated else ids + [tokenizer.eos_token_id]
        self.text, self.finish = response, "length" if truncated else "stop"

    async def generate(self, prompt_token_ids, sampling_params, multi_modal_data=None):
        output = SimpleNamespace(token_ids=self.ids, text=self.text, finish_reason=self.finish, logprobs=None)
        return SimpleNamespace(outputs=[output])


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    from shaping.models import policy_path

    return AutoTokenizer.from_pretrained(policy_path())


def rollout(executor, tokenizer) -> list[dict]:
    """OpenRLHF's single-turn rollout of every recorded row, concurrently, as its workers run it."""
    async def run():
        return await asyncio.gather(*[
            executor.execute(r["prompt"], r["label"], SimpleNamespace(max_tokens=64, logprobs=None), 1024,
                             tokenizer, RecordedEngine(tokenizer, r["response"], r["truncated"]))
            for r in RECORDED])
    return asyncio.run(run())


def expected_rewards(wrong: float) -> list[float]:
    return TruthfulnessReward(wrong=wrong)([r["question"] for r in RECORDED], [r["response"] for r in RECORDED],
                                           answers=[json.loads(r["label"])["answers"] for r in RECORDED])


def as_float(value) -> float:
    """A sample's reward the way OpenRLHF's experience maker reads it (``torch.tensor([value])``)."""
    return torch.tensor([value]).flatten().item()


def test_openrlhf_loads_the_adapter_file_and_scores_a_batch(tokenizer, monkeypatch):
    monkeypatch.setenv("SHAPING_REWARD_WRONG", "-3")
    executor = agent.SingleTurnAgentExecutor(adapter.__file__)
    outputs = rollout(executor, tokenizer)
    rewards = [as_float(o["reward"]) for o in outputs]
    print(f"\nSingleTurnAgentExecutor({Path(adapter.__file__).name}): rewards {rewards}")
    assert rewards == expected_rewards(-3.0)
    assert [as_float(o["scores"]) for o in outputs] == [{1.0: 1.0, 0.0: 0.75, -3.0: 0.0}[v] for v in rewards]
    assert all(set(o["extra_logs"]) == {"truthfulness/correct_rate", "truthfulness/abstain_rate",
                                        "truthfulness/wrong_rate"} for o in outputs)


def test_openrlhf_posts_to_the_reward_server_and_scores_a_batch(tokenizer):
    server = RewardServer(served_reward(wrong=-3.0), port=0).start()
    try:
        executor = agent.SingleTurnAgentExecutor(f"{server.url}/get_reward")
        outputs = rollout(executor, tokenizer)
        health = server.health()
    finally:
        server.close()
    rewards = [as_float(o["reward"]) for o in outputs]
    print(f"\nSingleTurnAgentExecutor({server.url}/get_reward): rewards {rewards}; server {health}")
    assert rewards == expected_rewards(-3.0)
    assert health["requests"] == len(RECORDED) and health["failed_requests"] == 0


def test_a_bad_label_is_logged_at_error_where_openrlhf_only_logs_info(tokenizer, caplog):
    executor = agent.SingleTurnAgentExecutor(adapter.__file__)
    row = RECORDED[0]
    with caplog.at_level("INFO"):
        output = asyncio.run(executor.execute(row["prompt"], '{"question": "no answers"}',
                                              SimpleNamespace(max_tokens=64, logprobs=None), 1024, tokenizer,
                                              RecordedEngine(tokenizer, row["response"], False)))
    assert output["reward"] is None  # OpenRLHF swallows the exception...
    assert any(r.levelname == "ERROR" and "no 'answers'" in r.getMessage() for r in caplog.records)  # ...we don't
