"""A folder of ``.txt`` files, one note per file (id = file name without ``.txt``), sorted by name."""

from __future__ import annotations

from typing import Any, Iterator

from ..errors import ClinlabelError
from ..record import new_record
from ._common import IdTracker, PathLike, empty_error, read_text_file, require_dir, skip_or_raise


def read_txt(path: PathLike, *, skip_invalid: bool = False, **_: Any) -> Iterator[dict[str, Any]]:
    """One record per ``*.txt`` file of ``path`` (not recursive), in sorted file-name order.

    The text is the file's content unchanged (``\\r\\n`` kept), so offsets from other tools that
    count characters in the file stay valid.  ``meta.id`` is the file name stem.
    """
    folder = require_dir(path)
    files = sorted(p for p in folder.iterdir() if p.suffix == ".txt" and p.is_file())
    if not files:
        raise empty_error(folder, "no .txt files", "put one note per .txt file in the folder")
    ids = IdTracker()
    for file in files:
        try:
            record = new_record(read_text_file(file), file.stem)
            ids.check(record, file, None)
        except ClinlabelError as err:
            skip_or_raise(err, skip_invalid)
            continue
        yield record
