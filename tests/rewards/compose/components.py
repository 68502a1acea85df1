"""Stand-in components for the composition tests: plain reward functions, a fixed RM, a log recorder."""

from __future__ import annotations

from rewards import Outcome

Q = "What is the capital of France?"
RESPONSES = {Outcome.CORRECT: "Paris.", Outcome.ABSTAIN: "I don't know.", Outcome.WRONG: "Lyon."}


def length_reward(prompts, completions, **kwargs):
    return [float(len(c)) for c in completions]


def constant_one(prompts, completions, **kwargs):
    return [1.0] * len(completions)


def none_reward(prompts, completions, **kwargs):
    return [None] * len(completions)


class Recorder:
    def __init__(self):
        self.metrics = {}

    def __call__(self, name, value):
        self.metrics[name] = value


class FixedScores:
    """A stand-in RM that returns given scores, whatever the responses."""

    def __init__(self, scores):
        self.scores = list(scores)
        self.__name__ = "fixed_rm"

    def __call__(self, prompts, completions, **kwargs):
        return self.scores[: len(completions)]
