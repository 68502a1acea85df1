"""The policy with its value function, as one module, so accelerate prepares them together.

``value_model="shared"`` puts a linear value head on the policy's last hidden state (one
forward pass gives logits and values; the backbone is trained by both losses).
``"separate"`` runs a second causal LM (by default a copy of the policy) with its own head.
"""

from __future__ import annotations

import contextlib
import copy
import logging
from pathlib import Path
from typing import Any

import torch
from torch import nn

logger = logging.getLogger(__name__)


def disable_dropout(model: nn.Module) -> None:
    """Set every dropout probability in ``model`` to 0 (Huang et al. 2024, detail 5): ``nn.Dropout``
    modules, and the attention dropout that Llama-family models read from their config as a float
    (``attention_dropout``) on every training forward."""
    for module in model.modules():
        if isinstance(module, nn.Dropout):
            module.p = 0.0
        for name in ("attention_dropout", "attn_dropout"):
            if isinstance(getattr(module, name, None), float):
                setattr(module, name, 0.0)
        config = getattr(module, "config", None)
        for name in ("attention_dropout", "attn_pdrop", "hidden_dropout", "resid_pdrop", "embd_pdrop"):
            if isinstance(getattr(config, name, None), float):
                setattr(config, name, 0.0)


def hidden_size(model: nn.Module) -> int:
    """The width of the model's last hidden state."""
    config = model.config.get_text_config() if hasattr(model.config, "get_text_config") else model.config
    return int(config.hidden_size)


class PolicyAndValue(nn.Module):
    """A causal LM policy and a value function over the same tokens.

    ``forward(input_ids, attention_mask)`` returns ``(logits, values)`` for every position.
    """

    def __init__(self, policy: nn.Module, value_backbone: nn.Module | None = None,
                 value_head: nn.Module | None = None) -> None:
        super().__init__()
        self.policy = policy
        self.value_backbone = value_backbone
        width = hidden_size(value_backbone if value_backbone is not None else policy)
        if value_head is None:
            # Zero weights: every value starts at 0, inside the reward range, instead of a random
            # projection of the hidden state that would make early advantages mostly value noise.
            value_head = nn.Linear(width, 1)
            nn.init.zeros_(value_head.weight)
            nn.init.zeros_(value_head.bias)
        self.value_head = value_head

    @classmethod
    def build(cls, policy: nn.Module, mode: str, value_model: nn.Module | None = None) -> "PolicyAndValue":
        """Wrap ``policy`` with a shared value head, or a separate value model (a copy by default)."""
        if mode == "shared":
            if value_model is not None:
                raise ValueError("value_model was given but PPOConfig.value_model='shared'; set it to 'separate'.")
            return cls(policy)
        if value_model is None:
            base = policy.get_base_model() if hasattr(policy, "get_base_model") else policy
            value_model = copy.deepcopy(base)
            value_model.requires_grad_(True)
        head = getattr(value_model, "score", None)  # a sequence-classification model's head
        if not (isinstance(head, nn.Linear) and head.out_features == 1):
            head = None
        backbone = getattr(value_model, "base_model", value_model)  # drop the LM head: only states are needed
        return cls(policy, value_backbone=backbone, value_head=head)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, keep: int,
                with_values: bool = True) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Logits and values of the last ``keep`` positions (the response and the token before it)."""
        position_ids = (attention_mask.cumsum(dim=1) - 1).clamp(min=0)
        shared = with_values and self.value_backbone is None
        out = self.policy(input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids,
                          output_hidden_states=shared, use_cache=False, logits_to_keep=keep)
        logits = out.logits[:, -keep:]
        if not with_values:
            return logits, None
        if shared:
            hidden = out.hidden_states[-1][:, -keep:]
        else:
            hidden = self.value_backbone(input_ids=input_ids, attention_mask=attention_mask,
                                         position_ids=position_ids, use_cache=False).last_hidden_state[:, -keep:]
        values = self.value_head(hidden.to(self.value_head.weight.dtype)).squeeze(-1)
        return logits, values.float()

    def value_state_dict(self) -> dict[str, Any]:
        """The value head (and a separate value backbone) weights, for checkpoints."""
        state = {f"value_head.{k}": v for k, v in self.value_head.state_dict().items()}
        if self.value_backbone is not None:
            state.update({f"value_backbone.{k}": v for k, v in self.value_backbone.state_dict().items()})
        return state


@contextlib.contextmanager
def reference_policy(policy: nn.Module, ref_model: nn.Module | None):
    """Yield the frozen reference: ``ref_model``, or the adapter-disabled LoRA policy."""
    if ref_model is not None:
        yield ref_model
    elif hasattr(policy, "disable_adapter"):
        with policy.disable_adapter():
            yield policy
    else:
        raise ValueError("No reference policy: pass ref_model, train LoRA adapters, or set kl_coef=0.")


def _plain_config(path: str) -> Any:
    """The model's config without a GGUF ``quantization_config``: the weights saved next to it are plain.

    A checkpoint converted from GGUF (such as the embedded SmolLM2 cache) keeps the GGUF
    ``quantization_config``, which makes transformers flag the model as quantized and
    refuse to train it.
    """
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(path)
    quantization = getattr(config, "quantization_config", None)
    if isinstance(quantization, dict):
        method = quantization.get("quant_method")
    else:
        method = getattr(quantization, "quant_method", None)
    if str(method).lower().endswith("gguf"):
        logger.debug("Dropping the GGUF quantization_config of %s (its safetensors weights are dequantized)", path)
        del config.quantization_config
    return config


def load_model(model: Any, processing_class: Any = None) -> tuple[Any, Any]:
    """Load a causal LM given by alias/path (or take a model); set a pad token (EOS, with a warning) if missing.

    >>> model, tokenizer = load_model("smollm2")          # doctest: +SKIP
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if isinstance(model, (str, Path)):
        from shaping.models import resolve_model

        path = resolve_model(model)
        model = AutoModelForCausalLM.from_pretrained(path, config=_plain_config(path))
        processing_class = processing_class or AutoTokenizer.from_pretrained(path)
    if processing_class is None:
        name = getattr(model.config, "_name_or_path", "")
        if not name:
            raise ValueError("Pass processing_class (the tokenizer): the model has no path to load one from.")
        processing_class = AutoTokenizer.from_pretrained(name)
    if processing_class.pad_token is None:
        if processing_class.eos_token is None:
            raise ValueError("The tokenizer has neither a pad nor an EOS token; set tokenizer.pad_token first.")
        logger.warning("The tokenizer has no pad token; using its EOS token %r as padding.", processing_class.eos_token)
        processing_class.pad_token = processing_class.eos_token
    processing_class.padding_side = "left"
    return model, processing_class


def stop_token_ids(model: Any, tokenizer: Any) -> list[int]:
    """Token ids that end a completion: the generation config's EOS ids and the tokenizer's."""
    ids = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    ids = [ids] if isinstance(ids, int) else list(ids or [])
    if tokenizer.eos_token_id is not None and tokenizer.eos_token_id not in ids:
        ids.append(tokenizer.eos_token_id)
    if not ids:
        raise ValueError("Neither the model's generation config nor the tokenizer defines an EOS token id.")
    return ids
