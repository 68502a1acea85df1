"""Train SmolLM2 with TRL's RLOOTrainer, unchanged, on our truthfulness reward.

    python examples/rloo.py --quick
    python examples/rloo.py --max-steps 40 --compose
"""

from common import knowledge_questions, outcome_rates, parse_args, reward
from trl import RLOOConfig, RLOOTrainer

from shaping.ppo.modeling import load_model


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    model, tokenizer = load_model(args.model)  # a plain trainable model, also from the GGUF-converted cache
    generations = 4
    config = RLOOConfig(
        output_dir=args.output_dir or "runs/rloo", max_steps=args.max_steps, learning_rate=5e-6, beta=0.04,
        per_device_train_batch_size=(2 if args.quick else 4) * generations, num_generations=generations,
        max_completion_length=16 if args.quick else 32, temperature=0.7, logging_steps=1,
        save_strategy="no", report_to="none", bf16=False, gradient_checkpointing=False)
    trainer = RLOOTrainer(model=model, reward_funcs=[reward(args)], args=config,
                          train_dataset=knowledge_questions(args.questions), processing_class=tokenizer)
    trainer.train()
    print(f"RLOO: {trainer.state.global_step} steps, last outcome rates: {outcome_rates(trainer.state.log_history)}")


if __name__ == "__main__":
    main()
