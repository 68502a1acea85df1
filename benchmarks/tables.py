"""Markdown tables for the reports: one writer for every table a report, summary or benchmark prints."""

from __future__ import annotations

from typing import Any, Collection

import numpy as np
import pandas as pd


def _cell(value: Any, *, digits: int, percent: bool) -> str:
    if value is None or (isinstance(value, (float, np.floating)) and np.isnan(value)):
        return "-"
    if isinstance(value, (float, np.floating)):
        return f"{100 * value:.1f}%" if percent else f"{value:.{digits}f}"
    return str(value).replace("|", "\\|")


def markdown_table(df: pd.DataFrame, *, digits: int = 3, percent: Collection[str] = (),
                   index: str | None = None) -> str:
    """A GitHub-flavoured Markdown table; floats rounded to ``digits``, NaN/None as "-".

    Args:
        df: the table; integers and text are written as they are ("|" escaped).
        digits: decimals of the float cells outside ``percent``.
        percent: columns of rates, written as percentages with one decimal (0.125 -> "12.5%").
        index: header of a first column that holds ``df``'s index (None leaves the index out).

    >>> print(markdown_table(pd.DataFrame({"a": [0.12345], "b": ["x"]})))
    | a | b |
    |---|---|
    | 0.123 | x |
    >>> print(markdown_table(pd.DataFrame({"correct": [0.125], "n": [8]}, index=["base"]),
    ...                      percent=["correct"], index="policy"))
    | policy | correct | n |
    |---|---|---|
    | base | 12.5% | 8 |
    """
    columns = [str(c) for c in df.columns]
    flags = [c in percent for c in df.columns]
    if index is not None:
        columns, flags = [index, *columns], [False, *flags]
    head = "| " + " | ".join(columns) + " |"
    rule = "|" + "---|" * len(columns)
    body = []
    for row in df.itertuples(index=index is not None):
        cells = (_cell(v, digits=digits, percent=p) for v, p in zip(row, flags))
        body.append("| " + " | ".join(cells) + " |")
    return "\n".join([head, rule, *body])
