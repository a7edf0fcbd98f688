"""Note readers: .txt files, directories of notes, JSONL, CSV and Parquet.

Each yields NoteRecord in input order. A record that cannot be read becomes a record with an
`error` (kind and where, never text), so that the batch goes on and the note is not lost.
"""
from __future__ import annotations

import codecs
import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import InputError
from ..textprep import decode_bytes

NOTE_FILE_SUFFIXES = {".txt", ".text", ".rtf", ".htm", ".html"}
TABLE_SUFFIXES = {".jsonl", ".csv", ".parquet"}
MAX_FILE_BYTES = 1_000_000 * 4  # a note file larger than this is refused (engine limit is 1M characters)


@dataclass(frozen=True)
class NoteRecord:
    id: str
    text: str | None
    where: str  # file or file:line, for error messages
    error: str | None = None


def iter_notes(paths: Iterable[str | Path]) -> Iterator[NoteRecord]:
    """All notes of all inputs, in order; duplicate ids after the first become error rows."""
    seen: dict[str, str] = {}
    for path in paths:
        for record in _iter_path(Path(path)):
            if record.id in seen and record.error is None:
                record = NoteRecord(record.id, None, record.where,
                                    f"duplicate_id: this id was already read at {seen[record.id]}")
            else:
                seen.setdefault(record.id, record.where)
            yield record


def check_inputs(paths: Iterable[str | Path]) -> None:
    """Fail early, before any output is written, on inputs that do not exist or are not notes."""
    for p in map(Path, paths):
        if not p.exists():
            raise InputError(f"input not found: {p}")
        if p.is_file() and p.suffix.lower() not in NOTE_FILE_SUFFIXES | TABLE_SUFFIXES:
            raise InputError(f"unsupported input {p}: use .txt (or .rtf/.html) notes, a directory of them, .jsonl, .csv or .parquet")


def _iter_path(path: Path) -> Iterator[NoteRecord]:
    suffix = path.suffix.lower()
    if path.is_dir():
        yield from _iter_directory(path)
    elif suffix == ".jsonl":
        yield from _iter_jsonl(path)
    elif suffix == ".csv":
        yield from _iter_csv(path)
    elif suffix == ".parquet":
        yield from _iter_parquet(path)
    else:
        yield _read_note_file(path)


def _iter_directory(folder: Path) -> Iterator[NoteRecord]:
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        if path.suffix.lower() in NOTE_FILE_SUFFIXES:
            yield _read_note_file(path)
        else:
            yield NoteRecord(path.stem, None, str(path),
                             f"unsupported_file: {path.name} is not a .txt, .rtf or .html note")


def _read_note_file(path: Path) -> NoteRecord:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return NoteRecord(path.stem, None, str(path), f"too_large: {size} bytes, the limit is {MAX_FILE_BYTES}")
        data = path.read_bytes()
    except OSError as exc:
        return NoteRecord(path.stem, None, str(path), f"unreadable: {exc.strerror}")
    try:
        text, _encoding = decode_bytes(data)
    except ValueError:
        return NoteRecord(path.stem, None, str(path), "binary: the file contains NUL bytes; export it as plain text")
    return NoteRecord(path.stem, text, str(path))


def _record(obj_id: object, text: object, where: str) -> NoteRecord:
    if obj_id is None or (isinstance(obj_id, str) and not obj_id.strip()):
        return NoteRecord(where, None, where, "missing_id: the record has no id")
    note_id = str(obj_id)
    if not isinstance(text, str):
        kind = "missing_text" if text is None else "not_text"
        return NoteRecord(note_id, None, where, f"{kind}: the record has no text string")
    return NoteRecord(note_id, text, where)


def _iter_jsonl(path: Path) -> Iterator[NoteRecord]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            where = f"{path}:{number}"
            if not raw.strip():
                continue
            try:
                line, _ = decode_bytes(raw)
                obj = json.loads(line)
            except ValueError:
                yield NoteRecord(where, None, where, "malformed_json: the line is not a JSON object")
                continue
            if not isinstance(obj, dict):
                yield NoteRecord(where, None, where, "malformed_json: the line is not a JSON object")
                continue
            yield _record(obj.get("id"), obj.get("text"), where)


def _iter_csv(path: Path) -> Iterator[NoteRecord]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with path.open("rb") as handle:
        head = handle.read(65536)
    try:
        # not final: a character cut at the end of the sample is not an error
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1252"
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or ())
        if not {"id", "text"} <= columns:
            raise InputError(f"{path}: a CSV of notes needs the columns 'id' and 'text' (found {sorted(columns)})")
        for row in reader:
            yield _record(row.get("id"), row.get("text"), f"{path}:{reader.line_num}")


def _iter_parquet(path: Path) -> Iterator[NoteRecord]:
    import pyarrow.parquet as pq

    try:
        handle = pq.ParquetFile(path)
    except Exception as exc:
        raise InputError(f"{path}: not a readable Parquet file ({type(exc).__name__})") from None
    columns = set(handle.schema_arrow.names)
    if not {"id", "text"} <= columns:
        raise InputError(f"{path}: a Parquet file of notes needs the columns 'id' and 'text' (found {sorted(columns)})")
    row = 0
    for batch in handle.iter_batches(batch_size=256, columns=["id", "text"]):
        for note_id, text in zip(batch.column("id").to_pylist(), batch.column("text").to_pylist()):
            row += 1
            yield _record(note_id, text, f"{path}:row {row}")


def count_notes(paths: Iterable[str | Path]) -> int | None:
    """How many records the inputs hold, when that is cheap to know (for a progress ETA); else None."""
    total = 0
    for path in map(Path, paths):
        suffix = path.suffix.lower()
        if path.is_dir():
            total += sum(1 for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        elif suffix == ".jsonl":
            with path.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
        elif suffix == ".parquet":
            import pyarrow.parquet as pq

            total += pq.ParquetFile(path).metadata.num_rows
        elif suffix == ".csv":
            return None  # quoted fields may span lines: only parsing would tell
        else:
            total += 1
    return total
