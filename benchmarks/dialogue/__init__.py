"""The multi-turn benchmark: a question from the knowledge benchmark, the model's own answer, one
follow-up (a bare challenge, a wrong candidate, a polite re-ask, the right candidate), English
and Chinese; what the second answer did, per follow-up kind (docs/dialogue.md).

>>> from benchmarks.dialogue import KINDS
>>> KINDS
('bare', 'wrong_candidate', 'reask', 'right_candidate')
"""

from benchmarks.dialogue.evaluate import dialogue_rows, evaluate_dialogues, judge_dialogue
from benchmarks.dialogue.followups import KINDS, LANGUAGES, dialogue_prompt, follow_up
from benchmarks.dialogue.report import compare_dialogue_runs, dialogue_metrics, write_dialogue_report

__all__ = ["KINDS", "LANGUAGES", "compare_dialogue_runs", "dialogue_metrics", "dialogue_prompt", "dialogue_rows",
           "evaluate_dialogues", "follow_up", "judge_dialogue", "write_dialogue_report"]
