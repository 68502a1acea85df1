"""Rule rewards for hallucination-aware RLHF. Pure Python: importing this never imports torch.

>>> from rewards import TruthfulnessReward
>>> TruthfulnessReward(correct=1.0, abstain=0.0, wrong=-3.0).implied_threshold
0.75
"""

from rewards.base import REGISTRY, OutcomeReward, Reward, register
from rewards.dialogue import ConsistencyReward, DialogueTruthfulnessReward, Transition, score_dialogue
from rewards.faithfulness import FaithfulnessReward
from rewards.judging import Verdict, judge
from rewards.judging.abstention import is_abstention
from rewards.knowledge import KnowledgeAwareTruthfulness, KnowledgeLabels
from rewards.messages import completion_text, context_text, query_text
from rewards.outcome import Outcome, OutcomeScore
from rewards.query_type import QueryType, classify_query
from rewards.rule import RuleReward, reward_rule
from rewards.style import LengthPenalty, RepetitionPenalty
from rewards.text import normalize_answer
from rewards.truthfulness import TruthfulnessReward

__all__ = [
    "REGISTRY",
    "ConsistencyReward",
    "DialogueTruthfulnessReward",
    "FaithfulnessReward",
    "KnowledgeAwareTruthfulness",
    "KnowledgeLabels",
    "LengthPenalty",
    "Outcome",
    "OutcomeReward",
    "OutcomeScore",
    "QueryType",
    "RepetitionPenalty",
    "Reward",
    "RuleReward",
    "Transition",
    "TruthfulnessReward",
    "Verdict",
    "classify_query",
    "completion_text",
    "is_abstention",
    "judge",
    "normalize_answer",
    "context_text",
    "query_text",
    "register",
    "reward_rule",
    "score_dialogue",
]
