"""Reading and writing report artifacts: strict JSON, JSONL and text, written atomically.

A report directory is read by other tools (``shaping compare``, a notebook) possibly while
it is being written, so every file goes to a temporary name in the same folder and is
renamed into place. NaN and infinities become ``null``: the JSON stays strict.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pandas as pd


def to_jsonable(value: Any) -> Any:
    """Turn numpy/pandas scalars, arrays and NaN into plain JSON values (NaN -> None).

    >>> to_jsonable({"a": np.float64("nan"), "b": np.arange(2), "c": (np.bool_(True),)})
    {'a': None, 'b': [0, 1], 'c': [True]}
    """
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray, pd.Series)):
        return [to_jsonable(v) for v in list(value)]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike, write: Callable[[str], Any]) -> Path:
    """Write a file with ``write(temporary_path)``, then rename it to ``path`` atomically.

    For writers that take a path (``Dataset.to_parquet``, ``DataFrame.to_parquet``): a
    reader never sees a half-written file, and a failed write leaves ``path`` as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file and an atomic rename."""
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def write_json(path: str | os.PathLike, data: Any) -> Path:
    """Strict, indented JSON (NaN -> null), written atomically."""
    return atomic_write_text(path, json.dumps(to_jsonable(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def write_jsonl(path: str | os.PathLike, records: Iterable[Mapping[str, Any]]) -> Path:
    """One strict JSON object per line, written atomically."""
    lines = (json.dumps(to_jsonable(r), ensure_ascii=False, allow_nan=False) for r in records)
    return atomic_write_text(path, "".join(line + "\n" for line in lines))


def results_frame(results: Any) -> pd.DataFrame:
    """Per-question results as a DataFrame: from a DataFrame, a list of dicts or a JSONL path.

    >>> results_frame([{"outcome": "correct"}]).shape
    (1, 1)
    """
    if isinstance(results, pd.DataFrame):
        return results
    if isinstance(results, (str, os.PathLike)):
        return read_jsonl(results)
    if isinstance(results, Iterable) and not isinstance(results, (str, bytes, Mapping)):
        records = list(results)
        if records and not all(isinstance(r, Mapping) for r in records):
            raise TypeError("Results given as a list must hold one dict per question.")
        return pd.DataFrame.from_records(records)
    raise TypeError(f"Cannot read results from {type(results).__name__}; pass a DataFrame, "
                    "a list of dicts or the path of a results.jsonl file.")


def read_jsonl(path: str | os.PathLike) -> pd.DataFrame:
    """Read a results.jsonl into a DataFrame; a bad line raises naming its number."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No results file at {path}; pass the results.jsonl written by `shaping bench`.")
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise ValueError(f"{path}:{number} is not valid JSON ({err.msg}); fix or delete that line.") from err
    return pd.DataFrame.from_records(records)
