"""Everything that needs torch: the preference RM, composition, PPO, TRL adapters, the CLI."""
