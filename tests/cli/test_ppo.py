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
    code = cli_ppo.run(parse(["--model", str(tmp_path / "tiny"), "--data", str(tmp_path / "data"),
                              "--output-dir", str(tmp_path / "out"), "--max-steps", "1", "--prompts-per-step", "2",
                              "--num-generations", "2", "--max-prompt-length", "64",
                              "--max-completion-length", "4"]))
    assert code == 0
    assert "Trained 1 steps" in capsys.readouterr().out
    assert (tmp_path / "out" / "model.safetensors").exists()
