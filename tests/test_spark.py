"""The Spark route, for real, in local mode: same results as the single-machine path."""
import json
import os

import pytest

from conftest import CORPUS, REALNOTES

pyspark = pytest.importorskip("pyspark", reason='install the extra: pip install ".[spark]"')


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", __import__("sys").executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # local mode stays on loopback
    session = (SparkSession.builder.master("local[2]").appName("opnote-cpt-tests")
               .config("spark.sql.shuffle.partitions", "2").config("spark.ui.enabled", "false").getOrCreate())
    yield session
    session.stop()


def notes():
    rows = []
    for folder in ("set6", "set7", "set8", "set12"):
        for path in sorted((CORPUS / "notes" / folder).glob("*.txt")):
            rows.append((path.stem, path.read_text(encoding="utf-8")))
    for path in sorted((REALNOTES / "mtsamples").glob("*.txt")):
        rows.append((path.stem, path.read_text(encoding="utf-8")))
    rows += [("empty-note", "   "), ("no-text", None)]
    return rows


def plain(value):
    """Spark rows -> the plain dicts/lists of the JSONL output."""
    if hasattr(value, "asDict"):
        return {k: plain(v) for k, v in value.asDict().items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def test_spark_results_equal_the_single_machine_path(spark, engine, tmp_path):
    from opnote_cpt.spark import suggest_dataframe

    records = notes()
    assert len(records) > 300
    frame = spark.createDataFrame(records, schema="id string, text string").repartition(4)
    result = suggest_dataframe(frame)
    assert result.columns == ["id", "codes", "addons", "out_of_profile", "needs_review", "review_reasons", "neighbours", "error"]
    spark_rows = {r["id"]: plain(r) for r in result.collect()}
    local_rows = {r.id: r.to_dict() for r in engine.suggest_many(records)}
    assert spark_rows.keys() == local_rows.keys()
    for note_id, row in local_rows.items():
        expected = json.loads(json.dumps(row))
        for code in expected["codes"] + expected["addons"]:
            code["score"] = float(code["score"])
        assert spark_rows[note_id] == expected, note_id
    assert spark_rows["empty-note"]["error"].startswith("empty")


def test_spark_suggest_cli_reads_and_writes_parquet(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from opnote_cpt.cli import main

    records = notes()[:40]
    pq.write_table(pa.table({"id": [r[0] for r in records], "text": [r[1] for r in records]}), tmp_path / "in.parquet")
    out = tmp_path / "out"
    assert main(["spark-suggest", str(tmp_path / "in.parquet"), str(out), "--master", "local[2]"]) == 0
    rows = pq.read_table(out).to_pylist()
    assert sorted(r["id"] for r in rows) == sorted(r[0] for r in records)
    assert main(["spark-suggest", str(tmp_path / "in.parquet"), str(out)]) == 2  # never overwritten
