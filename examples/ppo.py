"""Train SmolLM2 with our PPOTrainer on knowledge questions and the truthfulness reward.

    python examples/ppo.py --quick              # 3 steps, about a minute on 2 CPU cores
    python examples/ppo.py --max-steps 40 --wrong -1 --compose
    accelerate launch examples/ppo.py           # several GPUs, unchanged
"""

from common import knowledge_questions, last_outcome_rates, parse_args, reward

from shaping.ppo import PPOConfig, PPOTrainer


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    config = PPOConfig(
        output_dir=args.output_dir or "runs/ppo", max_steps=args.max_steps, learning_rate=5e-6,
        per_device_train_batch_size=2 if args.quick else 4, num_generations=4,
        max_completion_length=16 if args.quick else 32, temperature=0.7, beta=0.05, logging_steps=1,
        save_steps=None if args.quick else 10)
    trainer = PPOTrainer(args.model, reward(args), config, train_dataset=knowledge_questions(args.questions))
    output = trainer.train()
    print(f"PPO: {output.global_step} steps, last outcome rates: {last_outcome_rates(trainer.state.log_history)}")


if __name__ == "__main__":
    main()
