"""The Arrow schema of a result row (Parquet output, and the Spark route later)."""
from __future__ import annotations


def result_schema():
    import pyarrow as pa

    evidence = pa.list_(pa.struct([("label", pa.string()), ("text", pa.string()),
                                   ("start", pa.int64()), ("end", pa.int64())]))
    code = pa.struct([("code", pa.string()), ("score", pa.float64()), ("rank", pa.int64()), ("evidence", evidence)])
    return pa.schema([
        ("id", pa.string()),
        ("codes", pa.list_(code)),
        ("addons", pa.list_(code)),
        ("out_of_profile", pa.bool_()),
        ("needs_review", pa.bool_()),
        ("review_reasons", pa.list_(pa.string())),
        ("neighbours", pa.list_(pa.string())),
        ("error", pa.string()),
    ])
