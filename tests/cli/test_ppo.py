"""`shaping ppo`: options reach PPOConfig, bad options and missing data fail before any model loads."""

import pytest
from datasets import Dataset, DatasetDict

from cli import main as cli
from cli import ppo as cli_ppo


def parse(argv):
    args, extra = cli.build_parser("ppo").parse_known_args(["ppo", *argv])
    args.extra_args = extra
    return args


def test_missing_data_names_the_folder_and_the_fix(tmp_path):
    with pytest.raises(SystemExit, match="shaping build-data"):
        cli_ppo.run(parse(["--data", str(tmp_path / "none")]))


def test_reward_values_out_of_order_fail_first(tmp_path):
    with pytest.raises(SystemExit, match="wrong"):
        cli_ppo.run(parse(["--wrong", "2", "--data", str(tmp_path / "none")]))


def test_bad_ppo_option_fails_first(tmp_path):
    with pytest.raises(SystemExit, match="num_mini_batches=3"):
        cli_ppo.run(parse(["--num-mini-batches", "3", "--data", str(tmp_path)]))


def test_load_rows_filters_query_types_and_limits(tmp_path):
    rows = [{"prompt": "q", "answers": ["a"], "query_type": t} for t in ("knowledge-seeking", "creative") * 3]
    DatasetDict({"train": Dataset.from_list(rows)}).save_to_disk(str(tmp_path))
    assert len(cli_ppo.load_rows(str(tmp_path), "train", ["knowledge-seeking"], None)) == 3
    assert len(cli_ppo.load_rows(str(tmp_path), "train", ["knowledge-seeking"], 2)) == 2
    with pytest.raises(SystemExit, match="split 'eval'"):
        cli_ppo.load_rows(str(tmp_path), "eval", ["knowledge-seeking"], None)
    with pytest.raises(SystemExit, match="no rows"):
        cli_ppo.load_rows(str(tmp_path), "train", ["text-grounded"], None)


def test_options_are_trl_parser_options_and_a_yaml_file_sets_them(tmp_path):
    (tmp_path / "ppo.yaml").write_text("max_steps: 3\nbeta: 0.2\ngradient_accumulation_steps: 2\nwrong: -2\n"
                                      "use_peft: true\nlora_r: 4\nreport_to: tensorboard\n")
    script, config, model_args = cli_ppo.parse(["--max-steps", "5", "--prompts-per-step", "2", "--lora"],
                                               str(tmp_path / "ppo.yaml"))
    assert (config.max_steps, config.beta, config.gradient_accumulation_steps, config.report_to) == \
        (5, 0.2, 2, ["tensorboard"])  # the command line wins over the file, the file over the defaults
    assert (config.per_device_train_batch_size, config.learning_rate, config.output_dir) == (2, 5e-6, "runs/ppo")
    assert script.wrong == -2 and model_args.use_peft and model_args.lora_r == 4
    _, config, model_args = cli_ppo.parse(["--kl-coef", "0.3", "--resume"])
    assert config.beta == 0.3 and config.resume_from_checkpoint == "latest" and not model_args.use_peft
    with pytest.raises(SystemExit, match="report_to='bogus'"):
        cli_ppo.parse(["--report_to", "bogus"])
    with pytest.raises(SystemExit, match="load_in_4bit=True is not supported"):
        cli_ppo.parse(["--load_in_4bit"])
    with pytest.raises(SystemExit, match="Unknown arguments from config file"):
        (tmp_path / "bad.yaml").write_text("no_such_option: 1\n")
        cli_ppo.parse([], str(tmp_path / "bad.yaml"))


def test_unknown_options_of_other_commands_still_fail():
    with pytest.raises(SystemExit):
        cli.main(["judge", "--no-such-option"])


def test_one_step_end_to_end_on_a_tiny_model(tmp_path, capsys):
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    from shaping.models import policy_path

    tokenizer = AutoTokenizer.from_pretrained(policy_path())
    torch.manual_seed(0)
    LlamaForCausalLM(LlamaConfig(hidden_size=16, num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=2,
                                 intermediate_size=32, vocab_size=len(tokenizer), max_position_embeddings=256,
                                 eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
                     ).save_pretrained(tmp_path / "tiny")
    tokenizer.save_pretrained(tmp_path / "tiny")
    rows = [{"prompt": [{"role": "user", "content": f"Capital of {c}?"}], "answers": [a],
             "query_type": "knowledge-seeking"} for c, a in (("France", "Paris"), ("Peru", "Lima"))]
    DatasetDict({"train": Dataset.from_list(rows)}).save_to_disk(str(tmp_path / "data"))
    (tmp_path / "lora.yaml").write_text("use_peft: true\nlora_r: 4\nlora_target_modules: [q_proj, v_proj]\n"
                                       "gradient_accumulation_steps: 2\nsave_strategy: 'no'\n")
    code = cli.main(["ppo", "--model", str(tmp_path / "tiny"), "--data", str(tmp_path / "data"),
                     "--output-dir", str(tmp_path / "out"), "--max-steps", "1", "--prompts-per-step", "2",
                     "--num-generations", "2", "--max-prompt-length", "64", "--max-completion-length", "4",
                     "--config", str(tmp_path / "lora.yaml")])
    assert code == 0
    assert "Trained 1 steps" in capsys.readouterr().out
    assert (tmp_path / "out" / "adapter_model.safetensors").exists()  # --use_peft from the YAML file: LoRA
