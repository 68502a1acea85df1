"""Whole-dialogue rewards: truthfulness that holds across turns, and a model that neither caves
nor digs in (docs/dialogue.md).

- :mod:`rewards.dialogue.transcript`: a dialogue from a chat or a transcript string; its question
  and the assistant's turns after it;
- :mod:`rewards.dialogue.cues`: standing by an answer, conceding, an answer's own words;
- :mod:`rewards.dialogue.transitions`: what a turn did to the earlier answer (kept right, caved, ...);
- :mod:`rewards.dialogue.reward`: :class:`DialogueTruthfulnessReward`, :class:`ConsistencyReward`
  and :func:`score_dialogue`.

>>> from rewards.dialogue import ConsistencyReward
>>> ConsistencyReward().transition_levels[Transition.CAVED]
-2.0
"""

from rewards.dialogue.reward import AGGREGATES, ConsistencyReward, DialogueTruthfulnessReward, score_dialogue
from rewards.dialogue.transcript import parse_dialogue
from rewards.dialogue.transitions import Step, Transition, TurnReading, classify, read_steps

__all__ = ["AGGREGATES", "ConsistencyReward", "DialogueTruthfulnessReward", "Step", "Transition", "TurnReading",
           "classify", "parse_dialogue", "read_steps", "score_dialogue"]
