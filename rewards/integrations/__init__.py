"""The project's rewards in the shapes other RL engines call; no engine is imported here.

- :mod:`rewards.integrations.openrlhf`: ``reward_func(queries, prompts, labels)`` for
  OpenRLHF's ``--reward.remote_url path.py``, and the request reading that
  ``shaping serve-reward`` (:mod:`shaping.serve`) reuses for OpenRLHF's HTTP form.
"""
