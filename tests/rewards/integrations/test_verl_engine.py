"""The verl adapter loaded and called by verl's own code (skipped where verl is not installed).

verl 0.9.1 pins ``transformers<5.11``, so it lives in a venv of its own (docs/engines.md,
"Check it with verl's own loaders"). There, this test exports a tiny benchmark with
``export_verl``, reads it back with verl's ``RLHFDataset`` and ``collate_fn``, repeats each prompt
for three responses as verl's trainer does, and scores the batch through:

- ``get_custom_reward_fn`` (config ``reward.custom_reward_function``: ``pkg://`` and file paths),
- ``NaiveRewardManager`` and ``BatchRewardManager`` from ``verl.workers.reward_manager``,
- ``load_reward_manager`` (the reward loop's ``naive`` manager, ``run_single`` per sample),

checking every score against the in-process :class:`~rewards.TruthfulnessReward`.
"""

from __future__ import annotations

from collections import Counter

import pytest

verl = pytest.importorskip("verl", reason="verl is not installed: it pins transformers<5.11, so it runs in its own "
                                          "venv; see docs/engines.md, 'Check it with verl's own loaders'")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from omegaconf import OmegaConf  # noqa: E402
from tokenizers import Tokenizer, decoders, models, pre_tokenizers  # noqa: E402
from transformers import PreTrainedTokenizerFast  # noqa: E402
from verl import DataProto  # noqa: E402
from verl.trainer.ppo.reward import get_custom_reward_fn, load_reward_manager  # noqa: E402
from verl.utils.dataset.rl_dataset import RLHFDataset, collate_fn  # noqa: E402
from verl.workers.reward_manager import BatchRewardManager, NaiveRewardManager  # noqa: E402

import rewards.integrations.verl as verl_adapter  # noqa: E402
from benchmarks.data.verl_export import export_verl  # noqa: E402
from rewards import TruthfulnessReward  # noqa: E402
from tests.benchmarks.test_verl_export import tiny_benchmark  # noqa: E402

RESPONSES = ["It is {gold}.", "I think it is Atlantis.", "I don't know."]
REWARD_KWARGS = {"correct": 1.0, "abstain": 0.0, "wrong": -3.0}


def byte_tokenizer() -> PreTrainedTokenizerFast:
    """A byte-level tokenizer with no merges (every text round-trips), plus pad and end-of-text."""
    vocab = {ch: i for i, ch in enumerate(sorted(pre_tokenizers.ByteLevel.alphabet()))}
    vocab.update({"<pad>": len(vocab), "<eos>": len(vocab) + 1})
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    tokenizer.decoder = decoders.ByteLevel()
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, pad_token="<pad>", eos_token="<eos>")


def padded(rows: list[list[int]], pad: int, *, left: bool) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(r) for r in rows)
    ids = [[pad] * (width - len(r)) + r if left else r + [pad] * (width - len(r)) for r in rows]
    mask = [[0] * (width - len(r)) + [1] * len(r) if left else [1] * len(r) + [0] * (width - len(r)) for r in rows]
    return torch.tensor(ids), torch.tensor(mask)


@pytest.fixture(scope="module")
def rollout(tmp_path_factory):
    """verl's batch after generation: the exported rows read by RLHFDataset, three responses each."""
    folder = tmp_path_factory.mktemp("verl")
    files = [str(p) for p in export_verl(tiny_benchmark(), folder).values()]
    tokenizer = byte_tokenizer()
    dataset = RLHFDataset(data_files=files, tokenizer=tokenizer,
                          config=OmegaConf.create({"filter_overlong_prompts": False, "cache_dir": str(folder)}))
    base = DataProto.from_single_dict(collate_fn([dataset[i] for i in range(len(dataset))]))
    data = base.repeat(repeat_times=len(RESPONSES), interleave=True)
    responses, prompts = [], []
    for i in range(len(data)):
        gold = list(data.non_tensor_batch["reward_model"][i]["ground_truth"])
        responses.append(RESPONSES[i % len(RESPONSES)].format(gold=gold[0] if gold else "Atlantis"))
        prompts.append("\n".join(m["content"] for m in data.non_tensor_batch["raw_prompt"][i]))
    prompt_ids, prompt_mask = padded([tokenizer.encode(p) for p in prompts], tokenizer.pad_token_id, left=True)
    response_ids, response_mask = padded([tokenizer.encode(r) + [tokenizer.eos_token_id] for r in responses],
                                         tokenizer.pad_token_id, left=False)
    data = data.union(DataProto.from_dict(tensors={
        "prompts": prompt_ids, "responses": response_ids, "input_ids": torch.cat([prompt_ids, response_ids], 1),
        "attention_mask": torch.cat([prompt_mask, response_mask], 1)}))
    return data, responses, tokenizer


def expected(data, responses) -> list:
    """Each sample's OutcomeScore from the in-process reward."""
    reward = TruthfulnessReward(**REWARD_KWARGS)
    extra = data.non_tensor_batch["extra_info"]
    return reward.score_with_outcomes([e["question"] for e in extra], responses,
                                      answers=[rm["ground_truth"] for rm in data.non_tensor_batch["reward_model"]],
                                      competitors=[e["competitors"] for e in extra])


def config(path: str):
    return OmegaConf.create({"reward": {
        "custom_reward_function": {"path": path, "name": "compute_score", "reward_kwargs": REWARD_KWARGS},
        "reward_manager": {"source": "register", "name": "naive",
                           "module": {"path": None, "name": "custom_reward_manager"}}}})


def last_token_scores(reward_tensor: torch.Tensor, data) -> list[float]:
    """The score at each sample's last valid response token; every other token must be 0."""
    lengths = data.batch["attention_mask"][:, data.batch["prompts"].shape[-1]:].sum(-1)
    scores = [reward_tensor[i, int(n) - 1].item() for i, n in enumerate(lengths)]
    assert torch.count_nonzero(reward_tensor).item() == sum(s != 0 for s in scores)
    return scores


@pytest.mark.parametrize("path", ["pkg://rewards.integrations.verl", verl_adapter.__file__])
def test_get_custom_reward_fn_loads_the_adapter_with_its_reward_kwargs(path, rollout):
    data, responses, _ = rollout
    fn = get_custom_reward_fn(config(path))
    want = expected(data, responses)
    for i, response in enumerate(responses):
        got = fn(data_source=data.non_tensor_batch["data_source"][i], solution_str=response,
                 ground_truth=data.non_tensor_batch["reward_model"][i]["ground_truth"],
                 extra_info=data.non_tensor_batch["extra_info"][i])
        assert (got["score"], got["outcome"]) == (want[i].value, want[i].outcome.value)


@pytest.mark.parametrize("manager", [NaiveRewardManager, BatchRewardManager])
def test_verl_reward_managers_score_the_batch_at_the_last_token(manager, rollout):
    data, responses, tokenizer = rollout
    fn = get_custom_reward_fn(config("pkg://rewards.integrations.verl"))
    out = manager(tokenizer=tokenizer, num_examine=1, compute_score=fn)(data, return_dict=True)
    want = expected(data, responses)
    assert last_token_scores(out["reward_tensor"], data) == pytest.approx([s.value for s in want])
    assert list(out["reward_extra_info"]["outcome"]) == [s.outcome.value for s in want]
    assert set(out["reward_extra_info"]) == {"score", "outcome", "acc", "correct", "abstain", "wrong"}
    assert np.mean(out["reward_extra_info"]["wrong"]) == pytest.approx(np.mean([s.outcome == "wrong" for s in want]))


def test_load_reward_manager_scores_each_sample_in_the_reward_loop(rollout):
    data, responses, tokenizer = rollout
    manager = load_reward_manager(config("pkg://rewards.integrations.verl"), tokenizer)
    want = expected(data, responses)
    for i in range(len(data)):
        result = manager.loop.run_until_complete(manager.run_single(data[i:i + 1]))
        assert result["reward_score"] == want[i].value
        assert result["reward_extra_info"]["outcome"] == want[i].outcome.value
    print(f"\n{type(manager).__module__}.{type(manager).__name__}: {len(data)} samples scored as in-process, "
          f"outcomes {sorted(Counter(s.outcome.value for s in want).items())}")
