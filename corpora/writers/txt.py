"""A folder of ``<id>.txt`` files (text only), the inverse of the txt reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from ._common import NameKeeper, out_dir


def write_txt(records: Iterable[dict[str, Any]], path: str | Path, **_: Any) -> int:
    folder = out_dir(path)
    names = NameKeeper(folder)
    n = 0
    for n, record in enumerate(records, start=1):
        (folder / f"{names.name(record, n)}.txt").write_bytes(record["text"].encode("utf-8"))
    return n
