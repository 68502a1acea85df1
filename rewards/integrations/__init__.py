"""The project's rewards in the shapes other RL engines call; no engine is imported here.

- :mod:`rewards.integrations.verl`: ``compute_score`` for verl's
  ``reward.custom_reward_function`` (one sample, or the batch form of verl's batch reward
  manager), scored by :class:`~rewards.TruthfulnessReward` or
  :class:`~rewards.KnowledgeAwareTruthfulness`.

- :mod:`rewards.integrations.openrlhf`: ``reward_func(queries, prompts, labels)`` for
  OpenRLHF's ``--reward.remote_url path.py``, and the request reading that
  ``shaping serve-reward`` (:mod:`shaping.serve`) reuses for OpenRLHF's HTTP form.

Engines call rewards one sample at a time and from threads; the rewards hold no per-call
state, and the state they share (knowledge labels, running moments) is locked.
"""
