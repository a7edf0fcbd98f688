"""Command line: validates arguments, calls plain functions, and turns exceptions into exit codes.

Exit codes: 0 done (notes that could not be read are error rows in the output, not failures),
2 bad arguments or inputs, 3 model problem, 4 rule or profile file problem, 130 interrupted.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__
from .errors import InputError, ModelError, OpnoteCptError, RuleFileError


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="opnote-cpt", description="Suggest CPT esophagectomy codes from operative notes.")
    parser.add_argument("--version", action="version", version=f"opnote-cpt {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    s = sub.add_parser("suggest", help="rank codes for notes (.txt files or folders, .jsonl, .csv, .parquet)")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument("-o", "--output", help="write results here (.jsonl, .csv or .parquet); without it, print a table")
    s.add_argument("--jobs", type=_positive, default=None, help="worker processes (default: all cores)")
    s.add_argument("--resume", action="store_true", help="continue an interrupted run: skip ids already in the output")
    s.add_argument("--force", action="store_true", help="replace an existing output")
    s.add_argument("--top-k", type=_positive, default=5, help="codes per note (default 5)")
    s.add_argument("--model", help="model folder (default: the shipped model)")
    s.add_argument("--quiet", action="store_true", help="no summary on stderr")

    k = sub.add_parser("spark-suggest", help="rank codes on Apache Spark: Parquet in (id, text), Parquet out")
    k.add_argument("input")
    k.add_argument("output")
    k.add_argument("--master", default="local[*]", help="Spark master (default local[*])")
    k.add_argument("--force", action="store_true", help="replace an existing output")
    k.add_argument("--top-k", type=_positive, default=5)
    k.add_argument("--model", help="model folder (default: the shipped model)")

    e = sub.add_parser("extract", help="print the findings of one note")
    e.add_argument("path")

    t = sub.add_parser("train", help="train the ranker from the corpus into a model folder")
    t.add_argument("--corpus", default="corpora")
    t.add_argument("--out", default="models")
    t.add_argument("--splits", default="train,dev", help="comma-separated splits to train on (default train,dev)")
    t.add_argument("--C", type=float, default=None, help="inverse regularisation strength")

    v = sub.add_parser("evaluate", help="accuracy, out-of-profile and add-on figures on a labelled split")
    v.add_argument("--corpus", default="corpora")
    v.add_argument("--split", default="test", help="train, dev, test, or realnotes")
    v.add_argument("--realnotes", default="../shared/realnotes", help="folder of the real notes (for --split realnotes)")
    v.add_argument("--model", help="model folder (default: the shipped model)")
    v.add_argument("--json", action="store_true", help="print the figures as JSON")
    v.add_argument("--cv", action="store_true",
                   help="leave-one-author-out cross-validation over train and dev instead (retrains per author)")
    return parser


def _print_table(row: dict) -> None:
    head = f"{row['id']}: "
    if row["error"]:
        print(head + f"ERROR {row['error']}")
        return
    if row["out_of_profile"] and not row["codes"]:
        near = f" (looks like {', '.join(row['neighbours'])})" if row["neighbours"] else ""
        print(head + "not in profile" + near)
        return
    print(head + ("REVIEW " if row["needs_review"] else "") + ("(out of profile?) " if row["out_of_profile"] else ""))
    for code in row["codes"]:
        quotes = "; ".join(f"{e['label']} '{e['text']}' @{e['start']}" for e in code["evidence"][:6])
        print(f"  {code['rank']}. {code['code']}  {code['score']:.2f}  {quotes}")
    for addon in row["addons"]:
        print(f"  + {addon['code']}  " + "; ".join(f"'{e['text']}' @{e['start']}" for e in addon["evidence"][:2]))
    for reason in row["review_reasons"]:
        print(f"  ! {reason}")


def _cmd_suggest(args) -> int:
    from .batch import run_batch

    summary = run_batch(
        args.paths, args.output, jobs=args.jobs, resume=args.resume, force=args.force, top_k=args.top_k,
        model_dir=args.model, on_result=None if args.output else _print_table,
    )
    if not args.quiet:
        print("\n".join(summary.lines()), file=sys.stderr)
    return 0


def _cmd_spark_suggest(args) -> int:
    from .spark import spark_suggest_files

    n = spark_suggest_files(args.input, args.output, master=args.master, force=args.force, top_k=args.top_k,
                            model_dir=args.model)
    print(f"{n} notes -> {args.output}", file=sys.stderr)
    return 0


def _cmd_extract(args) -> int:
    from .engine import default_engine
    from .io.readers import iter_notes

    engine = default_engine()
    for record in iter_notes([args.path]):
        if record.error:
            print(f"{record.id}: ERROR {record.error}")
            continue
        for f in engine.extract(record.text):
            flags = ",".join(k for k in ("negated", "historical", "hypothetical", "converted") if getattr(f, k))
            print(f"{record.id}\t{f.start}-{f.end}\t{f.label}\t{f.concept}\t{f.section or '-'}\t{flags or '-'}\t{f.text}")
    return 0


def _cmd_train(args) -> int:
    from .training import DEFAULT_C, train

    splits = tuple(s for s in args.splits.split(",") if s)
    meta = train(args.corpus, args.out, splits=splits, C=args.C if args.C is not None else DEFAULT_C)
    print(f"trained on {meta['n_notes']} notes ({', '.join(splits)}), {meta['n_features']} features -> {args.out}")
    return 0


def _cmd_evaluate(args) -> int:
    from .corpus import load_corpus, load_realnotes
    from .engine import Engine
    from .evaluation import author_cross_validation, evaluate, format_report

    if args.cv:
        print(json.dumps(author_cross_validation(args.corpus), indent=1))
        return 0
    if args.split == "realnotes":
        notes = load_realnotes(args.corpus, args.realnotes)
    else:
        notes = load_corpus(args.corpus, (args.split,))
    figures = evaluate(Engine(model_dir=args.model), notes)
    print(json.dumps(figures, indent=1) if args.json else format_report(args.split, figures))
    return 0


COMMANDS = {"suggest": _cmd_suggest, "spark-suggest": _cmd_spark_suggest, "extract": _cmd_extract,
            "train": _cmd_train, "evaluate": _cmd_evaluate}


# Most specific first: the exit code of the first matching class.
EXIT_CODES = ((InputError, 2), (ModelError, 3), (RuleFileError, 4), (OpnoteCptError, 1))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("interrupted; rerun with --resume to continue", file=sys.stderr)
        return 130
    except OpnoteCptError as exc:
        print(f"opnote-cpt: {exc}", file=sys.stderr)
        return next(code for kind, code in EXIT_CODES if isinstance(exc, kind))
    except OSError as exc:  # a path we could not read or write: name it, nothing else
        print(f"opnote-cpt: {exc.strerror or type(exc).__name__}: {exc.filename or ''}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
