"""The demo's recipe: shaped reward assembly and a tiny RL run with the no-collapse callbacks."""

import math

import pytest

from rewards.knowledge import KnowledgeAwareTruthfulness, KnowledgeLabels
from shaping.recipe.selection import ValidationSelectionCallback
from shaping.recipe.train import RLSettings, shaped_reward, train_policy, training_dataset
from tests.shaping.tiny import rows, tiny_policy


def tiny_rm(tmp_path):
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from shaping.models import encoder_path

    tokenizer = AutoTokenizer.from_pretrained(encoder_path())
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=37, num_labels=1)
    BertForSequenceClassification(config).save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    return tmp_path


def test_shaped_reward_without_rm_is_knowledge_aware():
    r = shaped_reward(KnowledgeLabels({"fr": 1.0}), correct=2.0, wrong=-2.0)
    assert isinstance(r, KnowledgeAwareTruthfulness) and r.abstain_known == r.wrong == -2.0


def test_shaped_reward_with_rm_keeps_outcome_bands(tmp_path):
    r = shaped_reward(KnowledgeLabels({"fr": 1.0, "bf": 0.0}), tiny_rm(tmp_path))
    q_fr, q_bf = "What is the capital of France?", "What is the capital of Burkina Faso?"
    scores = r([q_fr, q_bf, q_fr, q_bf], ["Paris.", "I don't know.", "I don't know.", "Bobo."],
               answers=[["Paris"], ["Ouagadougou"], ["Paris"], ["Ouagadougou"]], id=["fr", "bf", "fr", "bf"])
    assert scores[0] > 0.5 and -0.5 < scores[1] < 0.5  # correct band, abstain band
    assert scores[2] < -0.5 and scores[3] < -0.5  # declining a known question lands in the wrong band


def test_training_dataset_errors():
    with pytest.raises(ValueError, match="No training rows"):
        training_dataset([])
    with pytest.raises(KeyError, match="id"):
        training_dataset([{"prompt": "q", "answers": [], "query_type": "knowledge-seeking"}])


def test_bad_trainer_and_settings():
    model, tok = tiny_policy()
    with pytest.raises(ValueError, match="trainer='dpo'"):
        train_policy(model, tok, lambda p, c, **k: [0.0] * len(c), rows(), output_dir="x", trainer="dpo")
    with pytest.raises(ValueError, match="num_generations=1"):
        train_policy(model, tok, lambda p, c, **k: [0.0] * len(c), rows(), output_dir="x",
                     settings=RLSettings(num_generations=1))


def test_rl_settings_become_the_trainers_config(tmp_path):
    s = RLSettings(steps=3, learning_rate=1e-4, kl_coef=0.2, prompts_per_step=3, num_generations=4,
                   max_completion_length=8, temperature=0.5, max_prompt_length=64, seed=5)
    ppo = s.trainer_config("ppo", tmp_path)
    assert (ppo.max_steps, ppo.learning_rate, ppo.beta, ppo.per_device_train_batch_size, ppo.num_generations,
            ppo.max_completion_length, ppo.temperature, ppo.max_prompt_length, ppo.seed) == \
        (3, 1e-4, 0.2, 3, 4, 8, 0.5, 64, 5)
    assert ppo.output_dir == str(tmp_path) and ppo.logging_steps == 1 and not ppo.save_final
    assert ppo.save_strategy == "no" and ppo.report_to == []
    grpo = s.trainer_config("grpo", tmp_path)
    assert (grpo.max_steps, grpo.learning_rate, grpo.beta, grpo.per_device_train_batch_size, grpo.num_generations,
            grpo.max_completion_length, grpo.temperature, grpo.seed) == (3, 1e-4, 0.2, 12, 4, 8, 0.5, 5)
    assert grpo.logging_steps == 1 and grpo.save_strategy == "no"
    # the defaults come from RLSettings alone, not from the trainer's own config
    default = RLSettings().trainer_config("ppo", tmp_path)
    assert (default.max_steps, default.beta, default.learning_rate, default.temperature) == \
        (RLSettings.steps, RLSettings.kl_coef, RLSettings.learning_rate, RLSettings.temperature)
    with pytest.raises(ValueError, match="trainer='dpo'"):
        s.trainer_config("dpo", tmp_path)
    with pytest.raises(ValueError, match="num_generations=1"):
        RLSettings(num_generations=1).trainer_config("grpo", tmp_path)


def test_tiny_ppo_run_logs_knowledge_rates_and_selects(tmp_path):
    model, tok = tiny_policy()
    labels = KnowledgeLabels({"q0": 1.0, "q1": 0.0, "q2": 1.0, "q3": 0.0})
    selector = ValidationSelectionCallback(rows(2), tok, every=1, max_new_tokens=3)
    reward = shaped_reward(labels, tiny_rm(tmp_path / "rm"))  # the demo's composition, RM included
    policy, history = train_policy(
        model, tok, reward, rows(4), output_dir=tmp_path / "run", trainer="ppo",
        settings=RLSettings(steps=2, prompts_per_step=2, num_generations=2, max_completion_length=4, learning_rate=1e-4,
                              max_prompt_length=128),
        callbacks=[selector])
    steps = [h for h in history if "reward" in h]
    assert len(steps) == 2 and all(math.isfinite(h["reward"]) for h in steps)
    assert any("known/abstain_rate" in h or "unknown/abstain_rate" in h for h in steps)
    assert [h["step"] for h in selector.history] == [0, 1, 2] and selector.best is not None
    assert policy is not None


def test_balance_by_knowledge_repeats_the_rarer_kind():
    from rewards.knowledge import KnowledgeLabels
    from shaping.recipe.train import balance_by_knowledge

    labels = KnowledgeLabels({"k1": 1.0, "u1": 0.0, "u2": 0.25, "u3": 0.0})
    rows = [{"id": i} for i in ("k1", "u1", "u2", "u3", "new")]  # "new" has no label: not known
    out = [r["id"] for r in balance_by_knowledge(rows, labels)]
    assert out == ["u1", "k1", "u2", "k1", "u3", "k1", "new", "k1"]
    assert [r["id"] for r in balance_by_knowledge(rows[1:], labels)] == ["u1", "u2", "u3", "new"]  # nothing known


def test_ppo_epochs_and_mini_batches_reach_the_trainer_config(tmp_path):
    from shaping.recipe.train import RLSettings

    config = RLSettings(ppo_epochs=4, mini_batches=2).trainer_config("ppo", tmp_path)
    assert (config.num_ppo_epochs, config.num_mini_batches) == (4, 2)
    assert RLSettings().trainer_config("ppo", tmp_path).num_ppo_epochs == 1
    assert RLSettings(ppo_epochs=2).trainer_config("grpo", tmp_path).num_iterations == 2
    with pytest.raises(ValueError, match="mini_batches=2 applies to trainer='ppo' only"):
        RLSettings(mini_batches=2).trainer_config("grpo", tmp_path)
    with pytest.raises(ValueError, match="ppo_epochs=0"):
        RLSettings(ppo_epochs=0).trainer_config("ppo", tmp_path)
