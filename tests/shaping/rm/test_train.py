"""Tests for the preference RM: data checks, RewardTrainer on a tiny model, the RM as a reward."""

from __future__ import annotations

import math
import pickle

import pytest
from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification, BertModel

from shaping.models import encoder_path
from shaping.rm.data import REJECTION_KINDS, build_preference_data
from shaping.rm.score import encode
from shaping.rm.train import (
    RewardModelReward,
    check_preference_rows,
    pairwise_accuracy,
    train_reward_model,
)


def tiny_config(tokenizer, **kwargs):
    return BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                      num_attention_heads=2, intermediate_size=64, max_position_embeddings=128, **kwargs)


pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(encoder_path())


@pytest.fixture(scope="module")
def data():
    return build_preference_data(120, seed=3)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, tokenizer, data):
    model = BertForSequenceClassification(tiny_config(tokenizer, num_labels=1))
    out = tmp_path_factory.mktemp("rm")
    path = train_reward_model(data["train"].select(range(24)), model=model, tokenizer=tokenizer,
                              output_dir=out, batch_size=8, max_length=64, max_steps=3, lr=1e-3,
                              disable_tqdm=True)
    return path


def test_default_preference_data_is_split_by_prompt_and_varied(data):
    train, test = data["train"], data["test"]
    assert set(train["prompt"]).isdisjoint(test["prompt"])
    assert set(train["kind"]) <= set(REJECTION_KINDS) and len(set(train["kind"])) >= 5
    check_preference_rows(train)  # the default set passes its own checks
    again = build_preference_data(120, seed=3)
    assert again["train"]["chosen"] == train["chosen"]  # seeded


GOOD = {"prompt": "Hi", "chosen": "Hello, how can I help?", "rejected": "what"}
USER = {"role": "user", "content": "Hi"}


def chat(answer):
    return [USER, {"role": "assistant", "content": answer}]


@pytest.mark.parametrize("rows, match", [
    ([GOOD, {"prompt": "Hi", "chosen": "Hello!", "rejected": "  "}], "row 1: 'rejected' is empty"),
    ([GOOD, {"prompt": "Hi", "chosen": "Same", "rejected": "Same"}], "row 1: 'chosen' and 'rejected' are identical"),
    ([{"chosen": chat("Hello!"), "rejected": chat("Hey")}, {"chosen": chat(""), "rejected": chat("Hey")}],
     "row 1: 'chosen' is empty"),
])
def test_bad_rows_raise_with_their_index_before_any_model_loads(rows, match):
    with pytest.raises(ValueError, match=match):
        train_reward_model(rows, output_dir="unused", model="/no/such/backbone")


def test_missing_columns_raise():
    with pytest.raises(KeyError, match="missing \\['rejected'\\]"):
        check_preference_rows([{"prompt": "Hi", "chosen": "Hello"}])


def test_reward_trainer_trains_and_saves_a_loadable_reward_model(trained):
    assert (trained / "model.safetensors").exists() and (trained / "tokenizer.json").exists()
    rm = RewardModelReward(trained, batch_size=2, max_length=64, device="cpu")
    prompts = ["What is the capital of France?"] * 3 + [[{"role": "user", "content": "Hi"}]]
    completions = ["Paris.", "paris " * 200, "Lyon.", [{"role": "assistant", "content": "Hello!"}]]
    scores = rm(prompts, completions, answers=[["Paris"]] * 4, trainer_state=None)
    assert len(scores) == 4 and all(isinstance(s, float) and math.isfinite(s) for s in scores)
    one_by_one = [rm([p], [c])[0] for p, c in zip(prompts, completions)]
    assert one_by_one == pytest.approx(scores, abs=1e-5)  # batching and padding do not change scores


def test_reward_model_reward_pickles_and_reloads_lazily(trained):
    rm = RewardModelReward(trained, device="cpu")
    before = rm(["Hi"], ["Hello there, how can I help?"])
    clone = pickle.loads(pickle.dumps(rm))
    assert clone._model is None
    assert clone(["Hi"], ["Hello there, how can I help?"]) == pytest.approx(before)


def test_reward_model_logs_its_mean(trained):
    logged = {}
    RewardModelReward(trained, device="cpu", name="rm")(["Hi"] * 2, ["a", "b"], log_metric=logged.__setitem__)
    assert set(logged) == {"rewards/rm/mean"}


def test_non_classifier_checkpoints_are_refused(tmp_path, tokenizer):
    BertModel(tiny_config(tokenizer)).save_pretrained(tmp_path / "encoder")
    with pytest.raises(ValueError, match="is not a sequence classifier"):
        RewardModelReward(tmp_path / "encoder")
    BertForSequenceClassification(tiny_config(tokenizer, num_labels=3)).save_pretrained(tmp_path / "three")
    with pytest.raises(ValueError, match="num_labels=3"):
        RewardModelReward(tmp_path / "three")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        RewardModelReward(tmp_path / "missing")


def test_pairwise_accuracy_counts_wins_overall_and_by_kind():
    class LengthRM:
        def score_batch(self, prompts, responses):
            return [float(len(r)) for r in responses]

    rows = [{"prompt": "q", "chosen": "a long answer", "rejected": "no", "kind": "truncated"},
            {"prompt": "q", "chosen": "ok", "rejected": "rude and long", "kind": "rude"}]
    assert pairwise_accuracy(LengthRM(), rows) == 0.5
    assert pairwise_accuracy(LengthRM(), rows, by="kind") == {"all": 0.5, "rude": 0.0, "truncated": 1.0}


def test_encode_uses_a_chat_template_when_there_is_one(tokenizer):
    pair = tokenizer.decode(encode(tokenizer, "Capital of Peru?", "Lima.", max_length=32))
    assert pair == "[CLS] capital of peru? [SEP] lima. [SEP]"
    templated = AutoTokenizer.from_pretrained(encoder_path())
    templated.chat_template = "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
    text = templated.decode(encode(templated, "Capital of Peru?", "Lima.", max_length=32))
    assert text == "user : capital of peru? assistant : lima."


def test_rm_from_a_path_does_not_depend_on_earlier_random_draws(tmp_path, tokenizer, data):
    """The score head is initialised when the encoder loads: that must be seeded, not left to the
    global random state (a demo run that sampled more before its RM stage trained another RM)."""
    import torch

    BertModel(tiny_config(tokenizer)).save_pretrained(tmp_path / "encoder")
    tokenizer.save_pretrained(tmp_path / "encoder")
    weights = []
    for draw in (1, 2):
        torch.manual_seed(draw)  # stands for whatever ran before in the process
        path = train_reward_model(data["train"].select(range(8)), model=str(tmp_path / "encoder"),
                                  output_dir=tmp_path / f"rm{draw}", batch_size=8, max_length=64, max_steps=1,
                                  disable_tqdm=True)
        weights.append(BertForSequenceClassification.from_pretrained(path).classifier.weight.detach())
    assert torch.equal(weights[0], weights[1])
