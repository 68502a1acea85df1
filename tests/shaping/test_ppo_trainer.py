"""PPOTrainer on a tiny Llama built here: a few steps, logs, resume, LoRA, value models, bad input."""

import logging
import math

import pytest
import torch
from datasets import Dataset
from transformers import AutoTokenizer, TrainerCallback

from rewards import TruthfulnessReward
from shaping.models import policy_path
from shaping.ppo import PPOTrainer
from tests.shaping.tiny import capitals, ppo_config, tiny_model


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(policy_path())


class Recorder(TrainerCallback):
    def __init__(self):
        self.steps, self.logs, self.trainers = [], [], []

    def on_step_end(self, args, state, control, **kwargs):
        self.steps.append(state.global_step)
        self.trainers.append(kwargs["trainer"])

    def on_log(self, args, state, control, logs=None, **kwargs):
        self.logs.append(logs)


def test_a_few_steps_log_finite_losses_rewards_and_outcome_rates(tmp_path, tokenizer):
    recorder = Recorder()
    trainer = PPOTrainer(tiny_model(tokenizer), TruthfulnessReward(),
                         ppo_config(tmp_path, report_to="tensorboard", eval_steps=2, per_device_eval_batch_size=2),
                         train_dataset=capitals(), eval_dataset=capitals(3), processing_class=tokenizer,
                         callbacks=[recorder])
    output = trainer.train()
    state = trainer.state
    assert output.global_step == state.global_step and math.isfinite(output.training_loss)
    assert state.global_step == 2 and recorder.steps == [1, 2]
    assert recorder.trainers[0] is trainer and recorder.logs == state.log_history
    train_logs, eval_logs = state.log_history[:2], state.log_history[2:]
    assert [e["step"] for e in eval_logs] == [2]
    eval_rates = [eval_logs[0][f"eval_truthfulness/{o}_rate"] for o in ("correct", "abstain", "wrong")]
    assert sum(eval_rates) == pytest.approx(1.0) and "eval_rewards/TruthfulnessReward/mean" in eval_logs[0]
    for logs in train_logs:
        for key in ("loss/policy_avg", "loss/value_avg", "objective/kl", "objective/entropy", "policy/clipfrac_avg",
                    "val/clipfrac_avg", "policy/approxkl_avg", "val/ratio", "objective/scores"):
            assert math.isfinite(logs[key]), key
        assert "rewards/TruthfulnessReward/mean" in logs
        rates = [logs[f"truthfulness/{o}_rate"] for o in ("correct", "abstain", "wrong")]
        assert sum(rates) == pytest.approx(1.0)
    assert list(tmp_path.glob("runs/*/events.out.tfevents.*")), "tensorboard events were not written"


def test_policy_and_shared_value_head_both_learn(tmp_path, tokenizer):
    model = tiny_model(tokenizer)
    trainer = PPOTrainer(model, TruthfulnessReward(), ppo_config(tmp_path, max_steps=1), train_dataset=capitals(),
                         processing_class=tokenizer)
    wrapper = trainer.accelerator.unwrap_model(trainer.model)
    assert wrapper.value_backbone is None and wrapper.policy is model
    head, embed = wrapper.value_head.weight.clone(), model.model.embed_tokens.weight.clone()
    trainer.train()
    assert not torch.equal(head, wrapper.value_head.weight)
    assert not torch.equal(embed, model.model.embed_tokens.weight)
    assert trainer.ref_model is not None and torch.equal(trainer.ref_model.model.embed_tokens.weight, embed)


def test_single_pass_step_equals_the_two_pass_step(tmp_path, tokenizer, monkeypatch):
    """With one epoch of one mini-batch, reusing the training forward pass changes nothing."""
    fused = PPOTrainer(tiny_model(tokenizer), TruthfulnessReward(), ppo_config(tmp_path / "a", max_steps=1),
                       train_dataset=capitals(), processing_class=tokenizer)
    assert fused._single_pass()
    fused.train()
    two_pass = PPOTrainer(tiny_model(tokenizer), TruthfulnessReward(), ppo_config(tmp_path / "b", max_steps=1),
                          train_dataset=capitals(), processing_class=tokenizer)
    monkeypatch.setattr(two_pass, "_single_pass", lambda: False)
    two_pass.train()
    for p, q in zip(fused.model.parameters(), two_pass.model.parameters()):
        assert torch.allclose(p, q, atol=1e-6)
    for key in ("loss/policy_avg", "loss/value_avg", "objective/kl"):
        assert fused.state.log_history[0][key] == pytest.approx(two_pass.state.log_history[0][key], abs=1e-5)


def test_resume_gives_the_same_weights_and_logs_as_a_straight_run(tmp_path, tokenizer):
    straight = PPOTrainer(tiny_model(tokenizer), TruthfulnessReward(),
                          ppo_config(tmp_path / "a", max_steps=4, save_steps=2, num_ppo_epochs=2, num_mini_batches=2),
                          train_dataset=capitals(), processing_class=tokenizer)
    straight.train()
    resumed = PPOTrainer(tiny_model(tokenizer), TruthfulnessReward(),
                         ppo_config(tmp_path / "b", max_steps=4, save_steps=2, num_ppo_epochs=2, num_mini_batches=2),
                         train_dataset=capitals(), processing_class=tokenizer)
    resumed.train(resume_from_checkpoint=str(tmp_path / "a" / "checkpoint-2"))
    assert resumed.state.global_step == 4
    assert resumed.state.log_history == straight.state.log_history
    a, b = straight.accelerator.unwrap_model(straight.model), resumed.accelerator.unwrap_model(resumed.model)
    for (name, p), q in zip(a.state_dict().items(), b.state_dict().values()):
        assert torch.equal(p, q), name


def test_lora_trains_only_adapters_against_the_adapter_free_reference_and_resumes(tmp_path, tokenizer):
    from peft import LoraConfig

    def lora():  # as trl.get_peft_config(ModelConfig(use_peft=True, lora_r=4, ...)) builds it
        return LoraConfig(r=4, lora_alpha=32, lora_dropout=0.0, target_modules=["q_proj", "v_proj"],
                          task_type="CAUSAL_LM")

    model = tiny_model(tokenizer)
    base = {k: v.clone() for k, v in model.state_dict().items()}
    trainer = PPOTrainer(model, TruthfulnessReward(), ppo_config(tmp_path / "a", save_steps=1),
                         train_dataset=capitals(), processing_class=tokenizer, peft_config=lora())
    assert trainer.ref_model is None and trainer.is_peft
    trainer.train()
    policy = trainer.policy
    for name, value in policy.get_base_model().state_dict().items():
        key = name.replace(".base_layer", "")
        if "lora_" not in name and key in base:
            assert torch.equal(value, base[key]), name
    assert any(not torch.equal(p, torch.zeros_like(p)) for n, p in policy.named_parameters() if "lora_B" in n)
    assert (tmp_path / "a" / "checkpoint-1" / "policy" / "adapter_model.safetensors").exists()
    resumed = PPOTrainer(tiny_model(tokenizer), TruthfulnessReward(), ppo_config(tmp_path / "b", save_steps=1),
                         train_dataset=capitals(), processing_class=tokenizer, peft_config=lora())
    resumed.train(resume_from_checkpoint=str(tmp_path / "a" / "checkpoint-1"))
    for (name, p), q in zip(policy.state_dict().items(), resumed.policy.state_dict().values()):
        assert torch.equal(p, q), name


def test_separate_value_model(tmp_path, tokenizer):
    model = tiny_model(tokenizer)
    trainer = PPOTrainer(model, TruthfulnessReward(), ppo_config(tmp_path, max_steps=1, value_model="separate"),
                         train_dataset=capitals(), processing_class=tokenizer)
    wrapper = trainer.accelerator.unwrap_model(trainer.model)
    assert wrapper.value_backbone is not None and wrapper.value_backbone is not model.model
    trainer.train()
    assert math.isfinite(trainer.state.log_history[-1]["loss/value_avg"])


def test_missing_eos_penalty_whitened_rewards_k3_and_a_stopping_callback(tmp_path, tokenizer):
    class StopAfterOne(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            control.should_training_stop = True
            return control

    trainer = PPOTrainer(tiny_model(tokenizer), TruthfulnessReward(),
                         ppo_config(tmp_path, max_steps=3, missing_eos_penalty=2.0, whiten_rewards=True,
                                kl_estimator="k3", num_ppo_epochs=2),
                         train_dataset=capitals(), processing_class=tokenizer, callbacks=[StopAfterOne()])
    assert trainer.train().global_step == 1
    state = trainer.state
    logs = state.log_history[0]
    # the random tiny model never emits EOS within 4 tokens: every score loses the penalty
    assert logs["completions/clipped_ratio"] == 1.0
    assert logs["objective/scores"] == pytest.approx(logs["reward"] - 2.0)
    assert logs["objective/kl"] >= 0 and math.isfinite(logs["loss/value_avg"])


# ---------------------------------------------------------------- bad input, caught before step 1
def build(tmp_path, tokenizer, reward=None, data=None, **overrides):
    return PPOTrainer(tiny_model(tokenizer), reward or TruthfulnessReward(), ppo_config(tmp_path, **overrides),
                      train_dataset=data if data is not None else capitals(), processing_class=tokenizer)


def test_missing_column_is_named(tmp_path, tokenizer):
    with pytest.raises(KeyError, match="'answers'"):
        build(tmp_path, tokenizer, data=capitals().remove_columns("answers"))


def test_missing_column_of_an_undeclared_reward_is_caught_by_the_dry_run(tmp_path, tokenizer):
    def needs_gold(prompts, completions, gold, **kwargs):
        return [1.0] * len(prompts)

    with pytest.raises(TypeError, match="needs_gold.*dry run"):
        build(tmp_path, tokenizer, reward=needs_gold)


def test_reward_of_wrong_length(tmp_path, tokenizer):
    def short(prompts, completions, **kwargs):
        return [0.0]

    with pytest.raises(ValueError, match="'short' returned 1 values for 2"):
        build(tmp_path, tokenizer, reward=short)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_reward(tmp_path, tokenizer, bad):
    def broken(prompts, completions, **kwargs):
        return [0.0, bad][: len(prompts)]

    with pytest.raises(ValueError, match=r"'broken' returned (nan|inf) for row 1"):
        build(tmp_path, tokenizer, reward=broken)


def test_prompt_longer_than_max_prompt_length(tmp_path, tokenizer, caplog):
    long = Dataset.from_list([{"prompt": "word " * 100, "answers": ["x"]}] * 2)
    with pytest.raises(ValueError, match="max_prompt_length=48.*truncate_prompts=True"):
        build(tmp_path, tokenizer, data=long)
    with caplog.at_level(logging.WARNING):
        build(tmp_path, tokenizer, data=long, truncate_prompts=True)
    assert "keep only their last tokens" in caplog.text


def test_context_too_small_for_prompt_plus_completion(tmp_path, tokenizer):
    with pytest.raises(ValueError, match="exceeds the model's context of 256"):
        build(tmp_path, tokenizer, max_prompt_length=250, max_completion_length=10)


def test_tokenizer_without_pad_token_uses_eos_with_a_warning(tmp_path, tokenizer, caplog):
    no_pad = AutoTokenizer.from_pretrained(policy_path())
    no_pad.pad_token = None
    with caplog.at_level(logging.WARNING):
        trainer = PPOTrainer(tiny_model(tokenizer), TruthfulnessReward(), ppo_config(tmp_path),
                             train_dataset=capitals(), processing_class=no_pad)
    assert trainer.processing_class.pad_token == no_pad.eos_token
    assert "no pad token" in caplog.text


def test_missing_prompt_column(tmp_path, tokenizer):
    with pytest.raises(KeyError, match="no 'prompt'"):
        build(tmp_path, tokenizer, data=capitals().rename_column("prompt", "question"))


DISTRIBUTED_SCRIPT = '''
import json, sys, torch
from datasets import Dataset
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM
from rewards import TruthfulnessReward
from shaping.models import policy_path
from shaping.ppo import PPOConfig, PPOTrainer
tok = AutoTokenizer.from_pretrained(policy_path())
torch.manual_seed(0)
model = LlamaForCausalLM(LlamaConfig(hidden_size=16, num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=2,
    intermediate_size=32, vocab_size=len(tok), max_position_embeddings=256, eos_token_id=tok.eos_token_id,
    pad_token_id=tok.pad_token_id))
data = Dataset.from_list([{"prompt": [{"role": "user", "content": f"Capital of {c}?"}], "answers": [a]}
                          for c, a in [("France", "Paris"), ("Peru", "Lima"), ("Fiji", "Suva"), ("Oman", "Muscat")]])
start = {k: v.clone() for k, v in model.state_dict().items()}
histories = []
for run, resume in (("a", None), ("b", sys.argv[1] + "/a/checkpoint-1")):
    model.load_state_dict(start)
    config = PPOConfig(output_dir=f"{sys.argv[1]}/{run}", max_steps=2, per_device_train_batch_size=1,
                       num_generations=2, max_prompt_length=48, max_completion_length=4, save_steps=1,
                       learning_rate=1e-3, seed=3)
    trainer = PPOTrainer(model, TruthfulnessReward(), config, train_dataset=data, processing_class=tok)
    trainer.train(resume_from_checkpoint=resume)
    histories.append(trainer.state.log_history)
if trainer.accelerator.is_main_process:
    print("RESULT", json.dumps({"processes": trainer.accelerator.num_processes, "histories": histories}))
'''


@pytest.mark.slow
def test_two_processes_share_the_work_and_resume(tmp_path):
    """Under torchrun (gloo on CPU) each process takes its own prompts; metrics are gathered; resume works."""
    import json
    import os
    import subprocess
    import sys

    script = tmp_path / "train.py"
    script.write_text(DISTRIBUTED_SCRIPT)
    env = {**os.environ, "ACCELERATE_USE_CPU": "1"}

    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", str(script), str(tmp_path)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))[len("RESULT "):])
    straight, resumed = result["histories"]
    assert result["processes"] == 2
    assert straight[-1]["episode"] == 2 * 2 * 1 * 2  # steps * processes * prompts * generations
    rng_files = {p.name for p in (tmp_path / "a" / "checkpoint-1").glob("rng_state_*")}
    assert rng_files == {"rng_state_0.pt", "rng_state_1.pt"}
    assert resumed == straight
