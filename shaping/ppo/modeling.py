"""The policy with its value function, as one module, so accelerate prepares them together.

``value_model="shared"`` puts a linear value head on the policy's last hidden state (one
forward pass gives logits and values; the backbone is trained by both losses).
``"separate"`` runs a second causal LM (by default a copy of the policy) with its own head.
"""

from __future__ import annotations

import contextlib
import copy
from typing import Any

import torch
from torch import nn


def disable_dropout(model: nn.Module) -> None:
    """Set every dropout probability in ``model`` to 0 (Huang et al. 2024, detail 5)."""
    for module in model.modules():
        if isinstance(module, nn.Dropout):
            module.p = 0.0


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
            value_head = nn.Linear(width, 1)
            nn.init.normal_(value_head.weight, std=1.0 / (width + 1) ** 0.5)
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
