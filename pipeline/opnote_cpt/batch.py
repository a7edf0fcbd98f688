"""The batch path: stream notes from files through the engine into an output file.

Memory stays flat whatever the input size: notes are read lazily, a bounded number of chunks is
in flight, and each result is written as soon as its turn in the input order comes.
With --jobs N, N worker processes each load the engine once and run the same `Engine.score`.
"""
from __future__ import annotations

import itertools
import multiprocessing
import os
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Sequence

from .errors import InputError
from .io.readers import NoteRecord, check_inputs, count_notes, iter_notes
from .io.writers import OUTPUT_SUFFIXES, line_encoder, open_writer, read_done_ids
from .results import Suggestion

CHUNK = 16  # notes per task sent to a worker


@dataclass
class BatchSummary:
    read: int = 0
    skipped: int = 0  # already in the output (--resume)
    suggested: int = 0
    out_of_profile: int = 0
    needs_review: int = 0
    errors: int = 0
    seconds: float = 0.0
    error_kinds: dict = field(default_factory=dict)

    def count(self, result: "Outcome") -> None:
        if result.error:
            self.errors += 1
            kind = result.error.split(":", 1)[0]
            self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1
        elif result.out_of_profile:
            self.out_of_profile += 1
        else:
            self.suggested += 1
        self.needs_review += bool(result.needs_review and not result.error)

    def lines(self) -> list[str]:
        rate = self.read / self.seconds if self.seconds else 0.0
        out = [
            f"notes read      {self.read}" + (f" (skipped, already done: {self.skipped})" if self.skipped else ""),
            f"suggested       {self.suggested}",
            f"out of profile  {self.out_of_profile}",
            f"needs review    {self.needs_review}",
            f"errors          {self.errors}" + (f" {self.error_kinds}" if self.error_kinds else ""),
            f"wall time       {self.seconds:.1f} s ({rate:.1f} notes/s)",
        ]
        return out


class Outcome(NamedTuple):
    """One note's result as it travels back from a worker: what the summary counts, and the row,
    already encoded as its output line for JSONL and CSV (the parent then only writes strings)."""

    error: str | None
    out_of_profile: bool
    needs_review: bool
    row: dict | str


def _outcome(result: Suggestion, encode) -> Outcome:
    row = result.to_dict()
    return Outcome(result.error, result.out_of_profile, result.needs_review, encode(row) if encode else row)


# -- worker side ------------------------------------------------------------------------------
def _init_worker(model_dir: str | None) -> None:
    from .engine import engine_for

    engine_for(model_dir)  # load once per process, before the first task


def _work(chunk: list[tuple[str, str]], top_k: int, model_dir: str | None, encode) -> list[Outcome]:
    from .engine import engine_for

    results = engine_for(model_dir).suggest_many(chunk, top_k=top_k, batch_size=len(chunk))
    return [_outcome(r, encode) for r in results]


# -- driver side ------------------------------------------------------------------------------
def _chunks(records: Iterator[NoteRecord], size: int) -> Iterator[list[NoteRecord]]:
    chunk: list[NoteRecord] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _results_in_order(
    chunks: Iterator[list[NoteRecord]], *, jobs: int, top_k: int, model_dir, encode
) -> Iterator[Outcome]:
    """Results for every record, in input order; error records are answered without the engine."""

    def todo(chunk: list[NoteRecord]) -> list[tuple[str, str]]:
        return [(r.id, r.text) for r in chunk if r.error is None]

    def merge(chunk, done: list[Outcome]) -> Iterator[Outcome]:
        it = iter(done)
        for r in chunk:
            yield _outcome(Suggestion.failed(r.id, r.error), encode) if r.error else next(it)

    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    chunks = itertools.chain([first] if second is None else [first, second], chunks)
    if jobs <= 1 or second is None:
        # Small inputs and --jobs 1 run in this process: no worker start-up cost.
        for chunk in chunks:
            yield from merge(chunk, _work(todo(chunk), top_k, model_dir, encode))
        return
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    context = multiprocessing.get_context(method)
    if method == "fork":
        # Load once here: the forked workers share the loaded pipeline and model (copy-on-write)
        # instead of each spending seconds of CPU loading its own while the others wait for cores.
        from .engine import engine_for

        engine_for(model_dir)
    with context.Pool(jobs, initializer=_init_worker, initargs=(model_dir,)) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append((chunk, pool.apply_async(_work, (todo(chunk), top_k, model_dir, encode))))
            if len(pending) >= jobs * 4:  # bounded: memory does not grow with the input
                done_chunk, future = pending.popleft()
                yield from merge(done_chunk, future.get())
        while pending:
            done_chunk, future = pending.popleft()
            yield from merge(done_chunk, future.get())


class _Progress:
    """notes done, notes/s and ETA on stderr, only when stderr is a terminal."""

    def __init__(self, total: int | None, enabled: bool):
        self.total, self.enabled = total, enabled
        self.start = time.monotonic()
        self.last = 0.0

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.2:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        eta = f", ETA {max(self.total - done, 0) / rate:.0f} s" if self.total and rate else ""
        total = f"/{self.total}" if self.total else ""
        sys.stderr.write(f"\r{done}{total} notes, {rate:.1f} notes/s{eta}   ")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def run_batch(
    inputs: Sequence[str | Path],
    output: str | Path | None,
    *,
    jobs: int | None = None,
    resume: bool = False,
    force: bool = False,
    top_k: int = 5,
    model_dir: str | Path | None = None,
    progress: bool | None = None,
    on_result=None,
) -> BatchSummary:
    """Suggest codes for every note of `inputs`, writing one result per note to `output`.

    Without `output`, results go to `on_result` only. An existing output is never overwritten
    unless `force`; with `resume`, ids already in it are skipped and new results appended.
    """
    started = time.monotonic()
    check_inputs(inputs)
    jobs = jobs or os.cpu_count() or 1
    out_path = Path(output) if output else None
    done: set[str] = set()
    if out_path is not None:
        if out_path.suffix.lower() not in OUTPUT_SUFFIXES:
            raise InputError(f"unsupported output {out_path}: use .jsonl, .csv or .parquet")
        if out_path.exists() and not (resume or force):
            raise InputError(f"output exists: {out_path}; use --resume to continue it or --force to replace it")
        if resume:
            done = read_done_ids(out_path)
        out_path.parent.mkdir(parents=True, exist_ok=True)
    summary = BatchSummary()
    show = sys.stderr.isatty() if progress is None else progress
    meter = _Progress((count_notes(inputs) or 0) - len(done) if show else None, show)

    def records() -> Iterator[NoteRecord]:
        for record in iter_notes(inputs):
            summary.read += 1
            if record.id in done:
                summary.skipped += 1
                continue
            yield record

    writer = open_writer(out_path, append=resume and out_path.exists()) if out_path else None
    encode = None if on_result else line_encoder(out_path)  # on_result needs the rows as dicts
    try:
        count = 0
        for outcome in _results_in_order(_chunks(records(), CHUNK), jobs=jobs, top_k=top_k,
                                         model_dir=str(model_dir) if model_dir else None, encode=encode):
            if writer:
                writer.write_line(outcome.row) if encode else writer.write(outcome.row)
            if on_result:
                on_result(outcome.row)
            summary.count(outcome)
            count += 1
            meter.update(count)
    except BaseException:
        if writer:
            writer.abort()
        raise
    else:
        if writer:
            writer.close()
    finally:
        meter.close()
    summary.seconds = time.monotonic() - started
    return summary
