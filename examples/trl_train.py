"""Train SmolLM2 with TRL's GRPOTrainer or RLOOTrainer, unchanged, on our truthfulness reward.

    python examples/trl_train.py --trainer grpo --quick
    python examples/trl_train.py --trainer rloo --max-steps 40 --compose
"""

from common import train_with_trl

TRAINERS = {"grpo": ("GRPOConfig", "GRPOTrainer"), "rloo": ("RLOOConfig", "RLOOTrainer")}


def main() -> None:
    train_with_trl(TRAINERS, __doc__.splitlines()[0])


if __name__ == "__main__":
    main()
