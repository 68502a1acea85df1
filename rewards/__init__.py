"""Rule rewards for hallucination-aware RLHF. Pure Python: importing this never imports torch.

>>> from rewards import TruthfulnessReward
>>> TruthfulnessReward(correct=1.0, abstain=0.0, wrong=-3.0).implied_threshold
0.75
"""

from .abstention import is_abstention
from .base import REGISTRY, Reward, RuleReward, register, reward_rule
from .faithfulness import FaithfulnessReward
from .knowledge import KnowledgeAwareTruthfulness, KnowledgeLabels
from .messages import completion_text, context_text, query_text
from .outcome import Verdict, judge
from .outcome_type import Outcome
from .query_type import QueryType, classify_query
from .style import LengthPenalty, RepetitionPenalty
from .text import normalize_answer
from .truthfulness import TruthfulnessReward

__all__ = [
    "REGISTRY",
    "FaithfulnessReward",
    "KnowledgeAwareTruthfulness",
    "KnowledgeLabels",
    "LengthPenalty",
    "Outcome",
    "QueryType",
    "RepetitionPenalty",
    "Reward",
    "RuleReward",
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
]
