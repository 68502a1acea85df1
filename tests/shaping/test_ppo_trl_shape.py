"""PPOConfig is a TrainingArguments the way TRL's configs are; PPOTrainer behaves like a transformers Trainer.

TrlParser (with ModelConfig) from arguments and YAML; report_to trackers; gradient accumulation;
every TrainerCallback event through CallbackHandler; TrainOutput; IterableDataset with max_steps;
transformers' schedulers; the deprecated names; settings that cannot be honoured raise.
"""

import json
import math

import pytest
import torch
from datasets import IterableDataset
from transformers import AutoTokenizer, TrainerCallback, get_scheduler
from transformers.trainer_utils import TrainOutput
from trl import ModelConfig, TrlParser, get_peft_config

from rewards import TruthfulnessReward
from shaping.models import policy_path
from shaping.ppo import PPOConfig, PPOTrainer
from tests.shaping.tiny import capitals, ppo_config, tiny_model

EVENTS = ("on_init_end", "on_train_begin", "on_epoch_begin", "on_step_begin", "on_substep_end",
          "on_pre_optimizer_step", "on_optimizer_step", "on_step_end", "on_log", "on_evaluate", "on_save",
          "on_epoch_end", "on_train_end")


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(policy_path())


class EveryEvent(TrainerCallback):
    """Records each event it gets, in order (a class: the trainer instantiates it)."""

    def __init__(self):
        self.seen = []
        for name in EVENTS:
            setattr(self, name, self._record(name))

    def _record(self, name):
        def record(args, state, control, **kwargs):
            self.seen.append((name, state.global_step, kwargs.get("trainer")))
        return record


def test_trl_parser_reads_ppo_config_and_model_config_from_arguments_and_yaml(tmp_path):
    parser = TrlParser((PPOConfig, ModelConfig))
    config, model_args = parser.parse_args_and_config([
        "--output_dir", str(tmp_path), "--beta", "0.1", "--gradient_accumulation_steps", "2", "--bf16", "false",
        "--lr_scheduler_type", "cosine", "--warmup_steps", "0.1", "--use_peft", "--lora_r", "8",
        "--generation_kwargs", '{"min_new_tokens": 2}'])
    assert (config.beta, config.gradient_accumulation_steps, config.bf16) == (0.1, 2, False)
    assert config.lr_scheduler_type.value == "cosine" and config.generation_kwargs == {"min_new_tokens": 2}
    assert model_args.use_peft and get_peft_config(model_args).r == 8
    (tmp_path / "ppo.yaml").write_text(
        f"output_dir: {tmp_path}\nmax_steps: 7\nnum_generations: 2\nper_device_train_batch_size: 2\n"
        "report_to: tensorboard\nsave_total_limit: 2\nuse_peft: true\nlora_target_modules: [q_proj, v_proj]\n")
    config, model_args = parser.parse_args_and_config(["--config", str(tmp_path / "ppo.yaml"), "--max_steps", "9"])
    assert (config.max_steps, config.num_generations, config.report_to, config.save_total_limit) == \
        (9, 2, ["tensorboard"], 2)  # the command line wins over the file
    assert model_args.lora_target_modules == ["q_proj", "v_proj"]


def test_report_to_takes_an_installed_tracker_and_names_a_bogus_one(tmp_path):
    from transformers.integrations import get_available_reporting_integrations

    assert PPOConfig(output_dir=str(tmp_path), report_to="tensorboard").report_to == ["tensorboard"]
    assert PPOConfig(output_dir=str(tmp_path), report_to="all").report_to == get_available_reporting_integrations()
    with pytest.raises(ValueError, match="report_to='bogus' is not a tracker transformers integrates"):
        PPOConfig(output_dir=str(tmp_path), report_to="bogus")
    missing = next(n for n in ("clearml", "comet_ml", "neptune", "wandb", "mlflow")
                   if n not in get_available_reporting_integrations())
    with pytest.raises(ValueError, match=f"report_to='{missing}': {missing} is not installed"):
        PPOConfig(output_dir=str(tmp_path), report_to=missing)


def test_the_deprecated_names_warn_and_still_work(tmp_path, tokenizer):
    with pytest.warns(FutureWarning, match=r"kl_coef=0.0\) is deprecated; use beta=0.0"):
        config = ppo_config(tmp_path, kl_coef=0.0, max_steps=1)
    assert config.beta == 0.0 and config.kl_coef is None
    trainer = PPOTrainer(tiny_model(tokenizer), TruthfulnessReward(), config, train_dataset=capitals(),
                         processing_class=tokenizer)
    assert trainer.ref_model is None  # beta=0 needs no reference: the old name reached the trainer
    assert trainer.train().global_step == 1
    with pytest.warns(FutureWarning, match="use warmup_steps=0.25"):
        assert PPOConfig(output_dir=str(tmp_path), warmup_ratio=0.25).warmup_steps == 0.25
    with pytest.warns(FutureWarning, match="LoRA settings belong to TRL's ModelConfig"):
        legacy = ppo_config(tmp_path, use_peft=True, lora_r=4, lora_target_modules=["q_proj"])
    trainer = PPOTrainer(tiny_model(tokenizer), TruthfulnessReward(), legacy, train_dataset=capitals(),
                         processing_class=tokenizer)
    assert trainer.is_peft and trainer.policy.peft_config["default"].r == 4


@pytest.mark.parametrize("setting, message", [
    ({"deepspeed": "ds.json"}, "deepspeed='ds.json' is not supported"),
    ({"fsdp": "full_shard"}, "fsdp='full_shard' is not supported"),
    ({"torch_compile": True}, "torch_compile=True is not supported"),
    ({"optim": "adafactor"}, "optim='adafactor'"),
    ({"save_strategy": "best"}, "save_strategy='best'"),
    ({"remove_unused_columns": True}, "remove_unused_columns=True"),
    ({"lr_scheduler_type": "reduce_lr_on_plateau"}, "needs an evaluation metric"),
    ({"gradient_accumulation_steps": 3}, "gradient_accumulation_steps=3 does not divide"),
    ({"max_steps": 0}, "max_steps=0 must be > 0, or -1"),
])
def test_settings_the_trainer_cannot_honour_raise(tmp_path, setting, message):
    with pytest.raises(ValueError, match=message):
        PPOConfig(output_dir=str(tmp_path), per_device_train_batch_size=2, num_generations=2, **setting)


def test_accumulated_run_fires_every_callback_event_and_returns_train_output(tmp_path, tokenizer):
    """Two steps, each mini-batch of 4 rollouts in 2 micro-batches; a callback class; evaluation; a checkpoint."""
    config = ppo_config(tmp_path, gradient_accumulation_steps=2, bf16=False, eval_steps=2, save_steps=2,
                        save_total_limit=1, per_device_eval_batch_size=3, report_to="tensorboard")
    trainer = PPOTrainer(tiny_model(tokenizer), TruthfulnessReward(), config, train_dataset=capitals(4),
                         eval_dataset=capitals(3), processing_class=tokenizer, callbacks=[EveryEvent])
    recorder = next(cb for cb in trainer.callback_handler.callbacks if isinstance(cb, EveryEvent))
    output = trainer.train()
    assert isinstance(output, TrainOutput) and output.global_step == 2 and math.isfinite(output.training_loss)
    assert output.metrics["train_loss"] == output.training_loss and output.metrics["train_runtime"] > 0
    names = [name for name, _, _ in recorder.seen]
    assert set(names) == set(EVENTS), set(EVENTS) - set(names)
    assert all(t is trainer for _, _, t in recorder.seen)
    # per step: 2 micro-batches, the first ends a sub-step, the second steps the optimiser
    assert names.count("on_substep_end") == 2 and names.count("on_optimizer_step") == 2
    assert names.index("on_substep_end") < names.index("on_pre_optimizer_step") < names.index("on_optimizer_step")
    assert names[0] == "on_init_end" and names[-1] == "on_train_end"
    assert names.count("on_epoch_end") == 1  # 4 rows, 2 prompts a step: one epoch in two steps
    assert [p.name for p in tmp_path.glob("checkpoint-*")] == ["checkpoint-2"]
    assert list(tmp_path.glob("runs/*/events.out.tfevents.*"))
    trainer.log_metrics("train", output.metrics)
    trainer.save_metrics("train", output.metrics)
    assert json.loads((tmp_path / "train_results.json").read_text())["train_loss"] == output.training_loss
    trainer.save_model(tmp_path / "final")
    assert (tmp_path / "final" / "model.safetensors").exists()


def test_bf16_is_accelerates_mixed_precision(tmp_path, tokenizer):
    """On CPU transformers asks for use_cpu=True with bf16; the trainer's accelerator then autocasts to bf16."""
    trainer = PPOTrainer(tiny_model(tokenizer), TruthfulnessReward(),
                         ppo_config(tmp_path, bf16=True, use_cpu=True, max_steps=1), train_dataset=capitals(),
                         processing_class=tokenizer)
    assert trainer.accelerator.mixed_precision == "bf16"
    assert math.isfinite(trainer.train().training_loss)


def test_an_iterable_dataset_trains_for_max_steps_and_needs_it(tmp_path, tokenizer):
    rows = list(capitals(3))
    stream = IterableDataset.from_generator(lambda: iter(rows))
    trainer = PPOTrainer(tiny_model(tokenizer), TruthfulnessReward(), ppo_config(tmp_path, max_steps=2),
                         train_dataset=stream, processing_class=tokenizer)
    assert trainer.train().global_step == 2
    assert trainer.stream.passes == 1 and trainer.state.epoch == 1.0  # 4 rows read from a stream of 3
    with pytest.raises(ValueError, match="no length.*set max_steps"):
        PPOTrainer(tiny_model(tokenizer), TruthfulnessReward(), ppo_config(tmp_path, max_steps=-1),
                   train_dataset=stream, processing_class=tokenizer)


def test_max_steps_minus_one_runs_num_train_epochs(tmp_path, tokenizer):
    trainer = PPOTrainer(tiny_model(tokenizer), TruthfulnessReward(),
                         ppo_config(tmp_path, max_steps=-1, num_train_epochs=1.5), train_dataset=capitals(4),
                         processing_class=tokenizer)
    assert trainer.max_steps == 3 and trainer.state.max_steps == 3  # 1.5 x 4 rows / 2 prompts a step


def test_the_schedule_is_transformers_own(tmp_path, tokenizer):
    from shaping.ppo.setup import optimizer_and_schedule

    model = torch.nn.Linear(2, 2)
    for kind, warmup in (("cosine", 0.25), ("linear", 2), ("constant_with_warmup", 1)):
        config = PPOConfig(output_dir=str(tmp_path), max_steps=8, learning_rate=1.0, lr_scheduler_type=kind,
                           warmup_steps=warmup)
        ours = optimizer_and_schedule(model, config)[1]
        sgd = torch.optim.SGD(model.parameters(), lr=1.0)
        reference = get_scheduler(kind, sgd,
                                  num_warmup_steps=config.get_warmup_steps(8), num_training_steps=8)
        for _ in range(8):
            assert ours.get_last_lr()[0] == pytest.approx(reference.get_last_lr()[0]), kind
            ours.optimizer.step()
            ours.step()
            sgd.step()
            reference.step()


def test_push_to_hub_offline_raises_naming_the_repository_and_keeps_the_model(tmp_path, tokenizer, monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    trainer = PPOTrainer(tiny_model(tokenizer), TruthfulnessReward(),
                         ppo_config(tmp_path / "my-run", hub_model_id="me/my-run"), train_dataset=capitals(),
                         processing_class=tokenizer)
    with pytest.raises(RuntimeError, match="could not upload .* to the Hub repository 'me/my-run'"):
        trainer.push_to_hub()
    assert (tmp_path / "my-run" / "model.safetensors").exists()
