"""Compose rule rewards with a learned RM: weighted sums, routing by query type, dominance-safe bands.

Every composed reward is itself a reward with TRL's ``reward_funcs`` signature, so it can
be nested (route knowledge-seeking rows to a dominance-safe truthfulness + RM, creative
rows to the RM alone) and handed to GRPOTrainer, RLOOTrainer or our PPO trainer. Pure
Python: the RM is any reward callable, so nothing here imports torch.

>>> from rewards import TruthfulnessReward
>>> from rewards.compose import DominanceSafe
>>> def confident(prompts, completions, **kw):   # an RM that loves confident answers
...     return [-5.0 if "know" in c else 5.0 for c in completions]
>>> r = DominanceSafe(TruthfulnessReward(1.0, 0.0, -1.0), confident)
>>> s = r(["Capital of Chad?"] * 2, ["It is Lagos.", "I don't know."], answers=[["N'Djamena"]] * 2)
>>> s[1] > s[0]   # the abstention still beats the wrong answer
True
"""

from rewards.compose.base import ComposedReward, RunningMoments
from rewards.compose.dominance import DominanceReport, check_dominance
from rewards.compose.dominance_safe import DominanceSafe
from rewards.compose.route import RouteByQueryType
from rewards.compose.weighted import WeightedSum

__all__ = ["ComposedReward", "DominanceReport", "DominanceSafe", "RouteByQueryType", "RunningMoments",
           "WeightedSum", "check_dominance"]
