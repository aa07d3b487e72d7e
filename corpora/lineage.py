"""Lineage sidecars: which runs made a file, from which input, with what.

Every step that writes a dataset file (``clinlabel annotate``, ``review export``, ``review gold``)
writes ``FILE.lineage.json`` beside it: the steps that led to the file, oldest first.  A step names
its run id, the clinlabel version, when it ran, its input files with their SHA-256 and what it ran
with (for ``annotate``: the preset or LF module, the label model, the end-model folder and its
hash, the whole config).  A step's steps start with the sidecar of its input, so the chain of a
gold file goes back to the notes it came from.  Records written by ``annotate`` carry their run's
id in ``meta.run_id``.

Sidecars hold paths, hashes and settings, never note text.  A missing or unreadable input
sidecar only means the chain starts at that input (a warning says so for an unreadable one).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Optional

logger = logging.getLogger(__name__)

FORMAT = "clinlabel-lineage/1"
SUFFIX = ".lineage.json"
#: ``meta`` key of the annotate run that produced a record.
RUN_KEY = "run_id"


def sidecar_path(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    return p.with_name(p.name + SUFFIX)


def sha256_path(path: str | os.PathLike[str]) -> Optional[str]:
    """SHA-256 of a file; of a folder, the hash of its files' relative paths and hashes (sorted);
    None when ``path`` does not exist."""
    p = Path(path)
    if p.is_file():
        digest = hashlib.sha256()
        with open(p, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    if p.is_dir():
        digest = hashlib.sha256()
        for f in sorted(x for x in p.rglob("*") if x.is_file() and not x.name.endswith(SUFFIX)):
            digest.update(f"{f.relative_to(p).as_posix()}\0{sha256_path(f)}\n".encode("utf-8"))
        return digest.hexdigest()
    return None


def file_ref(path: str | os.PathLike[str]) -> dict[str, Any]:
    return {"path": str(path), "sha256": sha256_path(path)}


def version() -> str:
    from importlib.metadata import PackageNotFoundError, version as _version

    try:
        return _version("clinlabel")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


def new_step(step: str, *, inputs: Iterable[str | os.PathLike[str]] = (), output: Optional[str | os.PathLike[str]] = None,
             **details: Any) -> dict[str, Any]:
    """One step of a chain: a new run id, now, the clinlabel version, inputs with their hashes."""
    return {"step": step, "run_id": uuid.uuid4().hex,
            "at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
            "clinlabel_version": version(), "inputs": [file_ref(p) for p in inputs],
            "output": None if output is None else str(output), **details}


def read_sidecar(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The steps recorded beside ``path`` ([] when there is no sidecar)."""
    side = sidecar_path(path)
    if not side.is_file():
        return []
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
        steps = data["steps"] if isinstance(data, Mapping) and data.get("format") == FORMAT else None
        if not isinstance(steps, list) or not all(isinstance(s, Mapping) for s in steps):
            raise ValueError("no list of steps")
    except (OSError, ValueError, KeyError) as exc:
        logger.warning("%s: lineage sidecar not readable (%s); the chain starts at %s", side, exc, Path(path).name)
        return []
    return [dict(s) for s in steps]


def write_sidecar(path: str | os.PathLike[str], steps: Iterable[Mapping[str, Any]]) -> Path:
    """Write the sidecar of ``path`` (atomically: a torn sidecar is never left behind)."""
    side = sidecar_path(path)
    side.parent.mkdir(parents=True, exist_ok=True)
    tmp = side.with_name(side.name + ".tmp")
    tmp.write_text(json.dumps({"format": FORMAT, "file": Path(path).name, "steps": list(steps)}, indent=1,
                              default=str) + "\n", encoding="utf-8")
    os.replace(tmp, side)
    return side


def merge_steps(*chains: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Chains joined in order, each run id once."""
    out, seen = [], set()
    for chain in chains:
        for step in chain:
            if step.get("run_id") not in seen:
                seen.add(step.get("run_id"))
                out.append(dict(step))
    return out


@dataclass
class Run:
    step: dict[str, Any]

    @property
    def run_id(self) -> str:
        return self.step["run_id"]

    def tag(self, records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """The records with ``meta.run_id`` set to this run."""
        for rec in records:
            meta = rec.get("meta")
            if isinstance(meta, dict):
                meta[RUN_KEY] = self.run_id
            elif meta is None:
                rec["meta"] = {RUN_KEY: self.run_id}
            yield rec


def record_run(in_path: str | os.PathLike[str], out_path: str | os.PathLike[str], config: Mapping[str, Any], *,
               step: str = "annotate", label_model: Optional[str] = None) -> Run:
    """Record a run that reads ``in_path`` and writes ``out_path`` with ``config`` (the job's config
    as a dict: ``pipeline.preset`` / ``lfs`` / ``model`` are lifted out, ``run.resume`` keeps the
    runs already recorded for the output).  Writes the sidecar now, unless the runner will refuse
    to touch an existing output (neither resume nor overwrite), so a refused run loses nothing."""
    pipeline = dict(config.get("pipeline") or {})
    run_opts = dict(config.get("run") or {})
    model = pipeline.get("model")
    this = new_step(step, inputs=[in_path], output=out_path, preset=pipeline.get("preset"), lfs=pipeline.get("lfs"),
                    label_model=label_model, end_model=None if not model else file_ref(model),
                    config=json.loads(json.dumps(config, default=str)))
    out = Path(out_path)
    if not Path(in_path).exists() or (out.exists() and not run_opts.get("resume") and not run_opts.get("overwrite")):
        return Run(this)  # the run will stop with its own error: no sidecar for a file it does not write
    before = read_sidecar(out) if run_opts.get("resume") and out.exists() else []
    write_sidecar(out, merge_steps(read_sidecar(in_path), before, [this]))
    return Run(this)
