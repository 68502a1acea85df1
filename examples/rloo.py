"""Train SmolLM2 with TRL's RLOOTrainer, unchanged, on our truthfulness reward.

    python examples/rloo.py --quick
    python examples/rloo.py --max-steps 40 --compose
"""

from common import train_with_trl
from trl import RLOOConfig, RLOOTrainer


def main() -> None:
    train_with_trl("RLOO", RLOOConfig, RLOOTrainer, __doc__.splitlines()[0])


if __name__ == "__main__":
    main()
