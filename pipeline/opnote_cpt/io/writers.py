"""Result writers: JSONL, CSV or Parquet, chosen by the output's extension.

JSONL and CSV are appended one whole line at a time and flushed, so an interrupted run leaves at
most one partial last line, which `--resume` removes. Parquet is written to a temporary file and
renamed at the end: it is complete or absent.
"""
from __future__ import annotations

import csv
import io as _io
import json
import os
from pathlib import Path

from ..errors import InputError

OUTPUT_SUFFIXES = {".jsonl", ".csv", ".parquet"}
CSV_COLUMNS = ["id", "codes", "addons", "out_of_profile", "needs_review", "review_reasons", "neighbours", "error"]


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def jsonl_line(row: dict) -> str:
    return _dump(row) + "\n"


def csv_line(row: dict) -> str:
    """Nested fields (codes, addons, reasons) are JSON strings in their cells."""
    cells = []
    for column in CSV_COLUMNS:
        value = row[column]
        cells.append(_dump(value) if isinstance(value, (list, dict)) else ("" if value is None else value))
    return _csv_cells(cells)


def _csv_cells(cells: list) -> str:
    buffer = _io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def line_encoder(path: Path | None):
    """The function that turns a result row into its output line, for line formats (JSONL, CSV).

    The batch workers encode their own rows with it, so the parent process only writes strings."""
    suffix = path.suffix.lower() if path else None
    return {".jsonl": jsonl_line, ".csv": csv_line}.get(suffix)


class JsonlWriter:
    def __init__(self, path: Path, append: bool):
        self.handle = path.open("a" if append else "w", encoding="utf-8")

    def write(self, row: dict) -> None:
        self.write_line(jsonl_line(row))

    def write_line(self, line: str) -> None:
        self.handle.write(line)
        self.handle.flush()

    def close(self) -> None:
        self.handle.close()

    abort = close  # every written line is whole; --resume continues from them


class CsvWriter:
    def __init__(self, path: Path, append: bool):
        new = not append or not path.exists() or path.stat().st_size == 0
        self.handle = path.open("a" if append else "w", encoding="utf-8", newline="")
        if new:
            self.write_line(_csv_cells(CSV_COLUMNS))

    def write(self, row: dict) -> None:
        self.write_line(csv_line(row))

    def write_line(self, line: str) -> None:
        self.handle.write(line)
        self.handle.flush()

    def close(self) -> None:
        self.handle.close()

    abort = close


class ParquetWriter:
    def __init__(self, path: Path, batch_rows: int = 1000):
        self.path = path
        self.tmp = path.with_name(path.name + ".partial")
        self.rows: list[dict] = []
        self.batch_rows = batch_rows
        self.writer = None

    def write(self, row: dict) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch_rows:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        from .arrow_schema import result_schema

        if not self.rows:
            return
        table = pa.Table.from_pylist(self.rows, schema=result_schema())
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.tmp, table.schema)
        self.writer.write_table(table)
        self.rows = []

    def close(self) -> None:
        import pyarrow.parquet as pq

        from .arrow_schema import result_schema

        self._flush()
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.tmp, result_schema())
        self.writer.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        """An interrupted Parquet output is removed, never left looking complete."""
        if self.writer is not None:
            self.writer.close()
        self.tmp.unlink(missing_ok=True)


def read_done_ids(path: Path) -> set[str]:
    """Ids already in a JSONL or CSV output; a partial last line is cut off first."""
    if not path.exists():
        return set()
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        raise InputError(f"{path}: --resume works with .jsonl and .csv outputs; a Parquet output is only written whole")
    _truncate_partial_line(path)
    done: set[str] = set()
    if suffix == ".jsonl":
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        done.add(str(json.loads(line)["id"]))
                    except (ValueError, KeyError, TypeError):
                        raise InputError(f"{path}:{number}: not a result line; cannot resume this output") from None
    else:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                done.add(row["id"])
    return done


def _truncate_partial_line(path: Path) -> None:
    with path.open("rb+") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        if size == 0:
            return
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return
        # walk back to the last newline and cut after it
        position = size - 1
        while position > 0:
            step = min(65536, position)
            handle.seek(position - step)
            chunk = handle.read(step)
            cut = chunk.rfind(b"\n")
            if cut >= 0:
                handle.truncate(position - step + cut + 1)
                return
            position -= step
        handle.truncate(0)


def open_writer(path: Path, *, append: bool):
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return JsonlWriter(path, append)
    if suffix == ".csv":
        return CsvWriter(path, append)
    if suffix == ".parquet":
        return ParquetWriter(path)
    raise InputError(f"unsupported output {path}: use .jsonl, .csv or .parquet")
