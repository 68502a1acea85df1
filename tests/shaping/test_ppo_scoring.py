"""RewardSet: TRL's calling convention, reward models, weights, None, async rewards, validation."""

import math

import pytest
import torch
from transformers import AutoTokenizer, LlamaConfig, LlamaForSequenceClassification

from rewards import TruthfulnessReward
from shaping.models import policy_path
from shaping.ppo.scoring import RewardSet, checked_scores, is_conversational, reward_name


def test_columns_trainer_state_and_log_metric_reach_the_reward():
    seen = {}

    def spy(prompts, completions, answers, trainer_state, log_metric, completion_ids, **kwargs):
        seen.update(answers=answers, state=trainer_state, extra=sorted(kwargs), ids=completion_ids)
        log_metric("spy/calls", 1.0)
        return [0.5] * len(prompts)

    logged = []
    out = RewardSet([spy])(["q1", "q2"], ["a", "b"], [{"prompt": "q1", "answers": ["x"], "id": "1"},
                                                    {"prompt": "q2", "answers": ["y"], "id": "2"}],
                           completion_ids=[[1], [2]], trainer_state="STATE",
                           log_metric=lambda n, v: logged.append((n, v)))
    assert out.tolist() == [[0.5], [0.5]]
    assert seen == {"answers": [["x"], ["y"]], "state": "STATE", "extra": ["id"], "ids": [[1], [2]]}
    assert logged == [("spy/calls", 1.0)]


def test_weights_and_none_count_as_zero_like_trl():
    def sometimes(prompts, completions, **kw):
        return [1.0, None]

    rs = RewardSet([sometimes, TruthfulnessReward()], reward_weights=[2.0, 1.0])
    per = rs(["Capital of France?"] * 2, ["Paris.", "Lyon."], [{"answers": ["Paris"]}] * 2)
    assert math.isnan(per[1, 0])
    assert rs.total(per).tolist() == [3.0, -1.0]
    assert rs.names == ["sometimes", "TruthfulnessReward"]


def test_async_reward_is_awaited():
    async def later(prompts, completions, **kw):
        return [2.0] * len(prompts)

    assert RewardSet([later])(["q"], ["a"], [{}]).tolist() == [[2.0]]


def test_reward_model_path_is_loaded_and_scored(tmp_path):
    tokenizer = AutoTokenizer.from_pretrained(policy_path())
    torch.manual_seed(0)
    config = LlamaConfig(hidden_size=16, num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=2,
                         intermediate_size=32, vocab_size=len(tokenizer), num_labels=1,
                         pad_token_id=tokenizer.pad_token_id)
    LlamaForSequenceClassification(config).save_pretrained(tmp_path / "rm")
    tokenizer.save_pretrained(tmp_path / "rm")
    rs = RewardSet([str(tmp_path / "rm")])
    assert rs.names == ["rm"] and len(rs.models) == 1
    chat = [{"role": "user", "content": "Capital of France?"}]
    scores = rs([chat, chat], [[{"role": "assistant", "content": "Paris."}],
                               [{"role": "assistant", "content": "Lyon."}]], [{}, {}])
    assert scores.shape == (2, 1) and torch.isfinite(scores).all() and scores[0, 0] != scores[1, 0]


def test_bad_construction_is_explained():
    with pytest.raises(ValueError, match="2 reward_weights for 1 rewards"):
        RewardSet([TruthfulnessReward()], reward_weights=[1.0, 2.0])
    with pytest.raises(ValueError, match="empty"):
        RewardSet([])
    with pytest.raises(TypeError, match="pass a callable"):
        RewardSet([42])


def test_bad_outputs_name_the_reward_and_the_row():
    def text(prompts, completions, **kw):
        return ["high"] * len(prompts)

    with pytest.raises(TypeError, match="'text' returned 'high' for row 0"):
        RewardSet([text])(["q"], ["a"], [{}])


def test_helpers():
    assert is_conversational([{"role": "user", "content": "hi"}]) and not is_conversational("hi")
    assert reward_name(TruthfulnessReward()) == "TruthfulnessReward"


def test_scores_are_checked_once_where_they_enter_the_trainer(monkeypatch):
    from shaping.ppo import scoring

    flags = []
    real = scoring.checked_scores

    def spy(values, **kwargs):
        flags.append((kwargs["reward"], kwargs["validated"]))
        return real(values, **kwargs)

    monkeypatch.setattr(scoring, "checked_scores", spy)

    def plain(prompts, completions, **kw):
        return [1.0] * len(prompts)

    per = RewardSet([plain, TruthfulnessReward()])(["Capital of France?"], ["Paris."], [{"answers": ["Paris"]}])
    assert per.tolist() == [[1.0, 1.0]]
    # a Reward checked its values as it returned them; a plain function's are checked here
    assert flags == [("plain", False), ("TruthfulnessReward", True)]


def test_checked_scores():
    assert checked_scores([1, None], reward="r", prompts=["a", "b"]) == [1.0, pytest.approx(math.nan, nan_ok=True)]
    assert math.isnan(checked_scores([None], reward="r", prompts=["a"], validated=True)[0])
    with pytest.raises(ValueError, match="'r' returned nan for row 1 \\(prompt 'b'\\)"):
        checked_scores([0.0, math.nan], reward="r", prompts=["a", "b"])
    with pytest.raises(TypeError, match="'r' returned \\[1\\] for row 0"):
        checked_scores([[1]], reward="r", prompts=["a"])
    with pytest.raises(ValueError, match="returned 1 values for 2 completions"):  # checked for every reward
        checked_scores([1.0], reward="r", prompts=["a", "b"], validated=True)
    with pytest.raises(TypeError, match="returned float; return a list"):
        checked_scores(1.0, reward="r", prompts=["a"])


def test_a_reward_model_without_pad_token_id_scores_batches(tmp_path):
    tokenizer = AutoTokenizer.from_pretrained(policy_path())
    torch.manual_seed(0)
    config = LlamaConfig(hidden_size=16, num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=2,
                         intermediate_size=32, vocab_size=len(tokenizer), num_labels=1)  # no pad_token_id
    model = LlamaForSequenceClassification(config)
    rs = RewardSet([model], processing_classes=[tokenizer])
    chat = [{"role": "user", "content": "Capital of France?"}]
    scores = rs([chat, chat], [[{"role": "assistant", "content": "Paris."}],
                               [{"role": "assistant", "content": "It is Lyon, I believe."}]], [{}, {}])
    assert scores.shape == (2, 1) and torch.isfinite(scores).all()
