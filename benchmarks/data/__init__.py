"""The knowledge benchmark's data: real-fact questions with aliases and popularity, invented
and false-premise questions with no answer, text-grounded and creative prompts.

>>> from benchmarks.data import build_benchmark
>>> dd = build_benchmark(seed=0)                                      # doctest: +SKIP
>>> dd["eval"][0]["prompt"][0]["role"]                                # doctest: +SKIP
'system'
"""

from benchmarks.data.build import all_rows, build_benchmark, load_benchmark, split_rows
from benchmarks.data.schema import (
                     COLUMNS,
                     CREATIVE,
                     DEFAULT_SYSTEM_PROMPT,
                     GROUNDED,
                     KNOWLEDGE,
                     QUERY_TYPES,
                     REQUIRED_COLUMNS,
                     chat_prompt,
                     make_row,
)

__all__ = ["COLUMNS", "CREATIVE", "DEFAULT_SYSTEM_PROMPT", "GROUNDED", "KNOWLEDGE", "QUERY_TYPES",
           "REQUIRED_COLUMNS", "all_rows", "build_benchmark", "chat_prompt", "load_benchmark", "make_row",
           "split_rows"]
