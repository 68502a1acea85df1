"""The one Markdown table writer: cells, percentages, the index column."""

import numpy as np
import pandas as pd

from benchmarks.tables import markdown_table


def test_cells_floats_missing_values_and_pipes():
    df = pd.DataFrame({"metric": ["a|b", "c"], "value": [0.12345, np.nan], "n": [3, 4], "note": [None, True]})
    assert markdown_table(df).splitlines() == ["| metric | value | n | note |", "|---|---|---|---|",
                                               "| a\\|b | 0.123 | 3 | - |", "| c | - | 4 | True |"]
    assert "| a\\|b | 0.12 |" in markdown_table(df, digits=2)


def test_percent_columns_and_the_index_column():
    df = pd.DataFrame({"correct": [0.125, np.nan], "truthfulness": [-0.25, 0.0], "n": [8, 9]}, index=["base", "x"])
    lines = markdown_table(df, percent=["correct"], index="policy").splitlines()
    assert lines == ["| policy | correct | truthfulness | n |", "|---|---|---|---|",
                     "| base | 12.5% | -0.250 | 8 |", "| x | - | 0.000 | 9 |"]
    assert markdown_table(df).splitlines()[0] == "| correct | truthfulness | n |"  # the index is left out


def test_an_empty_table_has_its_header():
    assert markdown_table(pd.DataFrame({"a": []})) == "| a |\n|---|"
