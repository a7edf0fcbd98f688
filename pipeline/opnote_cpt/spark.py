"""Run the suggester on Apache Spark (the optional extra: pip install "opnote-cpt[spark]").

`suggest_dataframe(df)` takes a DataFrame with id and text columns and returns one with the
columns of the JSONL output. Notes never go to the driver: each executor's Python worker loads
the engine once (on its first batch) and scores Arrow batches with `Engine.suggest_many`, the
same scoring path as the single-machine CLI, so the results are the same.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterator

from .errors import InputError

def _require_spark():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise InputError('the Spark route needs pyspark: pip install "opnote-cpt[spark]"') from None


def spark_schema():
    """The Spark schema of a result row, derived from the Arrow schema of the Parquet output."""
    from pyspark.sql.pandas.types import from_arrow_schema

    from .io.arrow_schema import result_schema

    return from_arrow_schema(result_schema())


def _score_batches(batches: Iterator, *, top_k: int, model_dir: str | None, columns: list[str]) -> Iterator:
    import pandas

    from .engine import engine_for

    engine = engine_for(model_dir)  # once per Python worker process
    for frame in batches:
        ids = [None if i is None or (isinstance(i, float) and i != i) else str(i) for i in frame["id"].tolist()]
        texts = [t if isinstance(t, str) else None for t in frame["text"].tolist()]
        rows = [r.to_dict() for r in engine.suggest_many(zip(ids, texts), top_k=top_k)]
        yield pandas.DataFrame(rows, columns=columns)


def suggest_dataframe(df, *, id_col: str = "id", text_col: str = "text", top_k: int = 5,
                      model_dir: str | Path | None = None):
    """A DataFrame of results, one row per input row, with the columns of the JSONL output."""
    _require_spark()
    from pyspark.sql import functions as F

    missing = [c for c in (id_col, text_col) if c not in df.columns]
    if missing:
        raise InputError(f"the DataFrame has no column(s) {missing}; pass id_col= and text_col=")
    schema = spark_schema()
    columns = schema.fieldNames()
    model = str(model_dir) if model_dir else None
    notes = df.select(F.col(id_col).cast("string").alias("id"), F.col(text_col).cast("string").alias("text"))
    return notes.mapInPandas(
        lambda batches: _score_batches(batches, top_k=top_k, model_dir=model, columns=columns), schema=schema
    )


def spark_suggest_files(input_path: str | Path, output_path: str | Path, *, master: str = "local[*]",
                        force: bool = False, top_k: int = 5, model_dir: str | Path | None = None) -> int:
    """Parquet in, Parquet out, on Spark; returns the number of notes written."""
    _require_spark()
    from pyspark.sql import SparkSession

    if not Path(input_path).exists() and "://" not in str(input_path):
        raise InputError(f"input not found: {input_path}")
    if Path(output_path).exists() and not force:
        raise InputError(f"output exists: {output_path}; use --force to replace it")
    if master.startswith("local"):
        # local mode: Spark's Python workers run here and must find this installation
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = SparkSession.builder.master(master).appName("opnote-cpt").getOrCreate()
    try:
        frame = spark.read.parquet(str(input_path))
        result = suggest_dataframe(frame, top_k=top_k, model_dir=model_dir)
        result.write.mode("overwrite" if force else "errorifexists").parquet(str(output_path))
        return spark.read.parquet(str(output_path)).count()
    finally:
        spark.stop()
