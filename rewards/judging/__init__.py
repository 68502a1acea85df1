"""The judge: what a response to a knowledge-seeking question commits to, and whether that is right.

- :mod:`rewards.judging.final`: the part of a response that counts (after a reasoning block,
  after a retraction);
- :mod:`rewards.judging.abstention`: declines, premise rejections and hedges, by a small
  grammar (English and Chinese);
- :mod:`rewards.judging.gold`: gold answers prepared for matching;
- :mod:`rewards.judging.mentions`: where a gold answer occurs and whether that occurrence is
  asserted (not negated, declined, or only the question's own subject);
- :mod:`rewards.judging.candidates`: competing answers of the gold's type (known competitors,
  alternatives, lists, names, years and numbers bound to another role);
- :mod:`rewards.judging.decide`: :func:`judge`, which puts them together into a :class:`Verdict`.
"""

from rewards.judging.decide import Verdict, judge, judge_completion

__all__ = ["Verdict", "judge", "judge_completion"]
