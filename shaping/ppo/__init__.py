"""PPO for language models with Python reward functions (TRL's ``reward_funcs``), on accelerate.

>>> from shaping.ppo import PPOConfig, PPOTrainer
>>> PPOConfig(max_steps=2).beta
0.05
"""

from shaping.ppo.config import PPOConfig
from shaping.ppo.trainer import PPOTrainer

__all__ = ["PPOConfig", "PPOTrainer"]
