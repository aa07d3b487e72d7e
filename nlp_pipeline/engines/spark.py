"""Run the annotate pipeline as a PySpark job.

* Input: JSONL (one record per line) or Parquet (columns become record keys) from any path Spark
  reads (local, HDFS, S3 with the right connectors).
* Each partition builds the pipeline once (cached per Python worker) from the saved resources,
  through ``mapInPandas`` with Arrow on (without Arrow, pandas 3 turns missing strings into 'nan').
* Output: a directory of JSONL part files written through Spark's output commit protocol, so a
  failed task leaves no partial record; notes that raise go to ``OUT.errors/`` (id and reason only).
* Order: part files follow the input's partitions and records keep their order inside a
  partition, so concatenating the parts in name order gives the local engine's output.

``PYSPARK_PYTHON`` is set to this interpreter and ``SPARK_LOCAL_IP`` to 127.0.0.1 unless the
environment already sets them, so workers run clinlabel's own Python.

Failures: a task whose Python worker dies (killed by the out-of-memory killer, a crash) is
retried by Spark (``spark.task.maxFailures`` on a cluster; the ``F`` of a ``local[N,F]`` master,
e.g. ``local[2,3]``, locally); the output commit protocol keeps only the attempt that succeeded,
so every note is written exactly once.  When a task fails on every attempt the job fails and
nothing of that output is committed.  For tests, the environment variable
``CLINLABEL_TEST_SPARK_CRASH_PARTITION=N`` makes the first attempt of partition ``N`` exit its
Python worker at once (``os._exit``), as a killed worker would.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any, Iterator

logger = logging.getLogger(__name__)

_PROCESSORS: dict[str, Any] = {}
#: fault injection for tests: the first attempt of this partition kills its Python worker
CRASH_ENV = "CLINLABEL_TEST_SPARK_CRASH_PARTITION"


def _maybe_crash() -> None:
    target = os.environ.get(CRASH_ENV)
    if not target:
        return
    from pyspark import TaskContext

    ctx = TaskContext.get()
    if ctx is not None and ctx.partitionId() == int(target) and ctx.attemptNumber() == 0:
        os._exit(3)  # as abrupt as SIGKILL: no cleanup, no exception back to Spark


def _set_spark_env() -> None:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")


def spark_session(master: str | None = None, app_name: str = "clinlabel"):
    """A SparkSession with Arrow on; ``master`` only applies when not under spark-submit."""
    _set_spark_env()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    elif "PYSPARK_GATEWAY_PORT" not in os.environ and "--master" not in os.environ.get("PYSPARK_SUBMIT_ARGS", ""):
        # not under spark-submit (which sets the gateway port and the master): run locally
        builder = builder.master("local[*]")
    builder = (
        builder.config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.execution.arrow.pyspark.fallback.enabled", "false")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", os.environ.get("SPARK_LOCAL_IP", "127.0.0.1"))
        .config("spark.sql.shuffle.partitions", "4")
    )
    return builder.getOrCreate()


def partition_runner(spec_json: str, run_id: str | None = None):
    """The function given to ``mapInPandas``: builds the processor once per Python worker.

    ``run_id`` (the lineage sidecar's run) is set as each record's ``meta.run_id``, as the local
    engine does."""

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pandas as pd

        from corpora.runner import _batch_size, _safe_many, _safe_process
        from nlp_pipeline.processing import AnnotateProcessorFactory

        processor = _PROCESSORS.get(spec_json)
        if processor is None:
            from nlp_pipeline.startup import lean_spacy

            lean_spacy()
            processor = _PROCESSORS[spec_json] = AnnotateProcessorFactory.from_dict(json.loads(spec_json))()
        _maybe_crash()
        size = _batch_size(processor)  # a model in the pipeline: notes go through it in batches
        tag = None
        if run_id is not None:
            from corpora.lineage import Run

            tag = Run({"run_id": run_id}).tag
        for batch in batches:
            kinds, values = [], []
            records = [json.loads(line) for line in batch["value"]]
            if tag is not None:
                records = list(tag(records))
            if size > 1:
                results = [r for i in range(0, len(records), size) for r in _safe_many(processor, records[i:i + size])]
            else:
                results = [_safe_process(processor, r) for r in records]
            for result in results:
                if result.error is not None:
                    kinds.append("error")
                    values.append(json.dumps(result.error, ensure_ascii=False))
                else:
                    kinds.append("ok")
                    values.append(result.line if result.line is not None else json.dumps(result.record, ensure_ascii=False))
            yield pd.DataFrame({"kind": pd.Series(kinds, dtype="string"), "value": pd.Series(values, dtype="string")})

    return run


def run_spark(
    in_path: str,
    out_dir: str,
    factory_spec: dict[str, Any],
    *,
    master: str | None = None,
    input_format: str | None = None,
    overwrite: bool = False,
    run_id: str | None = None,
) -> dict[str, int]:
    """Annotate ``in_path`` into the part-file directory ``out_dir``; returns counts.

    ``factory_spec`` is :meth:`nlp_pipeline.processing.AnnotateProcessorFactory.to_dict`.
    """
    from pyspark.sql import functions as F

    spark = spark_session(master)
    fmt = input_format or ("parquet" if str(in_path).rstrip("/").endswith(".parquet") else "jsonl")
    if fmt in ("jsonl", "prodigy"):
        df = spark.read.text(in_path).filter(F.length(F.trim(F.col("value"))) > 0)
    elif fmt == "parquet":
        df = spark.read.parquet(in_path).select(F.to_json(F.struct("*")).alias("value"))
    else:
        raise ValueError(f"Spark input format must be jsonl or parquet, got {fmt!r}; use --from jsonl|parquet")
    spec_json = json.dumps(factory_spec, sort_keys=True)
    result = df.mapInPandas(partition_runner(spec_json, run_id), schema="kind string, value string").persist()
    mode = "overwrite" if overwrite else "errorifexists"
    ok = result.filter(F.col("kind") == "ok").select("value")
    bad = result.filter(F.col("kind") == "error").select("value")
    ok.write.mode(mode).text(str(out_dir))
    counts = {"written": ok.count(), "failed": bad.count()}
    if counts["failed"]:
        bad.coalesce(1).write.mode(mode).text(str(out_dir).rstrip("/") + ".errors")
    result.unpersist()
    return counts
