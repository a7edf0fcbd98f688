"""Throughput benchmark: prints ratios, asserts nothing (speed targets are not tests).

    python benchmarks/throughput.py [--repeat 3] [--rounds 3] [--realnotes ../shared/realnotes] [--spark]

Measures, on the same notes (corpus notes + the real MTSamples notes):
 1. spaCy's blank English tokenizer alone (the ceiling),
 2. the default medspacy.load() pipeline with our target rules (what a user would build),
 3. opnote-cpt end to end (extraction + facts + ranking) in one process, and the batch CLI path
    with --jobs 1 and --jobs 2,
plus p50/p99 latency of one suggest() call on a ~1,500-word note, cold start and peak memory.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def load_texts(realnotes: Path) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "corpora" / "notes").glob("*/*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((realnotes / "mtsamples").glob("*.txt"))]
    return texts


def rate(fn, texts, words) -> tuple[float, float]:
    start = time.perf_counter()
    fn(texts)
    seconds = time.perf_counter() - start
    return words / seconds, len(texts) / seconds


def best_rates(fns: dict, texts, words, rounds: int) -> dict:
    """Best of `rounds` passes for each function, the passes taken in turn: this machine's speed
    drifts by more than a third within minutes, so a ratio needs both sides measured together."""
    best: dict = {}
    for _ in range(rounds):
        for name, fn in fns.items():
            wps, nps = rate(fn, texts, words)
            if name not in best or wps > best[name][0]:
                best[name] = (wps, nps)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="passes over the notes for the batch runs")
    parser.add_argument("--rounds", type=int, default=3, help="alternating passes of the tokenizer and end to end")
    parser.add_argument("--realnotes", default=str(REPO.parent / "shared" / "realnotes"))
    parser.add_argument("--spark", action="store_true", help="also time spark-suggest in local[2] mode")
    args = parser.parse_args()

    import medspacy
    import spacy
    from loguru import logger

    # PyRuSH (in medspacy.load()) logs every sentence boundary at DEBUG level; silence that so the
    # comparison measures the pipeline, not its logging.
    logger.remove()
    logger.add(sys.stderr, level="WARNING")

    from opnote_cpt.engine import Engine
    from opnote_cpt.extraction.rule_files import load_target_rules

    texts = load_texts(Path(args.realnotes))
    words = sum(len(t.split()) for t in texts)
    print(f"notes: {len(texts)}, words: {words}, mean words/note: {words / len(texts):.0f}")

    # Every pipeline sees the notes once before it is timed: a nightly batch runs with a warm
    # vocabulary (spaCy computes a word's lexical attributes the first time it sees the word).
    blank = spacy.blank("en")
    [blank.make_doc(t) for t in texts]

    default = medspacy.load()
    default.get_pipe("medspacy_target_matcher").add(load_target_rules(default))
    med_wps, med_nps = rate(lambda ts: list(default.pipe(ts)), texts[:150], sum(len(t.split()) for t in texts[:150]))

    engine = Engine()
    list(engine.suggest_many([(str(i), t) for i, t in enumerate(texts)]))  # warm-up
    best = best_rates({
        "tokenizer": lambda ts: [blank.make_doc(t) for t in ts],
        "e2e": lambda ts: list(engine.suggest_many([(str(i), t) for i, t in enumerate(ts)])),
    }, texts, words, args.rounds)
    (tok_wps, tok_nps), (e2e_wps, e2e_nps) = best["tokenizer"], best["e2e"]

    # batch CLI path, one and two processes: once over the notes, and over the notes repeated.
    # The difference between the two runs is the steady rate, without start-up (import, model
    # load), which a nightly batch of thousands of notes pays once.
    with tempfile.TemporaryDirectory() as tmp:
        sources = {}
        for passes in sorted({1, args.repeat}):
            sources[passes] = Path(tmp) / f"notes{passes}.jsonl"
            with sources[passes].open("w", encoding="utf-8") as handle:
                for r in range(passes):
                    for i, t in enumerate(texts):
                        handle.write(json.dumps({"id": f"{r}-{i}", "text": t}) + "\n")
        source = sources[args.repeat]
        n_batch = len(texts) * args.repeat
        batch, once = {}, {}
        for jobs in (1, 2):
            for passes, timing in ((args.repeat, batch), (1, once)) * 2:  # best of two runs each
                out = Path(tmp) / f"out{jobs}-{passes}.jsonl"
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "opnote_cpt", "suggest", str(sources[passes]), "-o", str(out),
                                "--jobs", str(jobs), "--quiet", "--force"], check=True)
                timing[jobs] = min(timing.get(jobs, float("inf")), time.perf_counter() - start)
            peak_children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        same = (Path(tmp) / f"out1-{args.repeat}.jsonl").read_bytes() == (Path(tmp) / f"out2-{args.repeat}.jsonl").read_bytes()
        steady = {jobs: (n_batch - len(texts)) / (batch[jobs] - once[jobs]) for jobs in (1, 2)} if args.repeat > 1 else None
        spark_seconds = None
        if args.spark:
            import pyarrow as pa
            import pyarrow.parquet as pq

            rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
            pq.write_table(pa.table({"id": [r["id"] for r in rows], "text": [r["text"] for r in rows]}),
                           Path(tmp) / "notes.parquet")
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "opnote_cpt", "spark-suggest", str(Path(tmp) / "notes.parquet"),
                            str(Path(tmp) / "spark-out"), "--master", "local[2]"], check=True,
                           env=dict(os.environ, SPARK_LOCAL_IP="127.0.0.1"), stderr=subprocess.DEVNULL)
            spark_seconds = time.perf_counter() - start

    # latency of one call on a ~1,500-word note
    long_note, n = "", 0
    for t in texts:
        if n + len(t.split()) > 1600:
            continue
        if n >= 1400:
            break
        long_note += t + "\n\n"
        n += len(t.split())
    for _ in range(5):
        engine.suggest(long_note)
    samples = []
    for _ in range(100):
        start = time.perf_counter()
        engine.suggest(long_note)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p50, p99 = statistics.median(samples), samples[98]

    cold = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import opnote_cpt; opnote_cpt.suggest('Ivor Lewis esophagectomy.')"],
                       check=True)
        cold.append(time.perf_counter() - start)
    # The floor under it: importing the libraries the product is built on, nothing of ours.
    # skops.io imports all of scikit-learn at import (it lists every estimator as a trusted type).
    floors = {}
    for modules in ("spacy, medspacy, skops.io", "skops.io"):
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", f"import {modules}"], check=True)
            floors[modules] = min(floors.get(modules, float("inf")), time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print()
    print(f"{'pipeline':<52}{'words/s':>10}{'notes/s':>10}")
    print(f"{'1. spaCy blank tokenizer':<52}{tok_wps:>10.0f}{tok_nps:>10.1f}")
    print(f"{'2. medspacy.load() + our target rules':<52}{med_wps:>10.0f}{med_nps:>10.1f}")
    print(f"{'3. opnote-cpt end to end, in process':<52}{e2e_wps:>10.0f}{e2e_nps:>10.1f}")
    for jobs in (1, 2):
        label = f"3. opnote-cpt CLI --jobs {jobs} (incl. start-up)"
        print(f"{label:<52}{words * args.repeat / batch[jobs]:>10.0f}{n_batch / batch[jobs]:>10.1f}")
    if spark_seconds:
        label = "3. opnote-cpt spark-suggest local[2] (incl. start-up)"
        print(f"{label:<52}{words * args.repeat / spark_seconds:>10.0f}{n_batch / spark_seconds:>10.1f}")
    print()
    print(f"ratio 3/1 (end to end / tokenizer):        {e2e_wps / tok_wps:.2f}x   (target >= 0.5x)")
    print(f"ratio 3/2 (end to end / default medspaCy): {e2e_wps / med_wps:.1f}x   (target >= 10x)")
    print(f"--jobs 2 / --jobs 1, with start-up:        {batch[1] / batch[2]:.2f}x   (target >= 1.7x on 2 cores)"
          f"; identical output: {same}")
    if steady:
        print(f"--jobs 2 / --jobs 1, steady (start-up out): {steady[2] / steady[1]:.2f}x   "
              f"({steady[1]:.1f} and {steady[2]:.1f} notes/s: runs of {n_batch} minus runs of {len(texts)} notes)")
        # Start-up runs on one core whatever --jobs is: the best --jobs 2 can do with it included.
        startup = max(batch[1] - n_batch / steady[1], 0.0)
        work = batch[1] - startup
        print(f"  with start-up, a perfect 2x on the notes would give {batch[1] / (startup + work / 2):.2f}x "
              f"(start-up {startup:.1f} s of the {batch[1]:.1f} s --jobs 1 run; computed from the runs above)")
    print(f"suggest() on a {n}-word note: p50 {p50:.1f} ms, p99 {p99:.1f} ms   (target p99 < 20 ms)")
    print(f"cold start (import + model load + first note): {min(cold):.2f} s best of 3   (target < 3 s)")
    for modules, seconds in floors.items():
        print(f"  libraries alone: python -c 'import {modules}': {seconds:.2f} s best of 3")
    print(f"peak memory: this process {peak_mb:.0f} MB, largest child {peak_children_mb:.0f} MB   (target < 500 MB)")
    print(f"cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
