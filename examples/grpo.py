"""Train SmolLM2 with TRL's GRPOTrainer, unchanged, on our truthfulness reward.

    python examples/grpo.py --quick
    python examples/grpo.py --max-steps 40 --compose
"""

from common import train_with_trl
from trl import GRPOConfig, GRPOTrainer


def main() -> None:
    train_with_trl("GRPO", GRPOConfig, GRPOTrainer, __doc__.splitlines()[0])


if __name__ == "__main__":
    main()
