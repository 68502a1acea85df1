"""A probe gate for any causal LM: decline an answer when the model's own hidden states say it is likely wrong.

:func:`fit_gate` fits it on the model's greedy answers to labelled questions (judged by
:func:`rewards.judge`); :class:`ProbeGate` saves, loads and applies it.
"""

from shaping.probe.features import answer_states
from shaping.probe.gate import DECLINE, ProbeGate
from shaping.probe.train import GateReport, fit_gate, label_responses

__all__ = ["DECLINE", "GateReport", "ProbeGate", "answer_states", "fit_gate", "label_responses"]
