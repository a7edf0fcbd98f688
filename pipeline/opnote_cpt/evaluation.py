"""Figures for a labelled set of notes, computed from the same results the CLI writes."""
from __future__ import annotations

from collections import Counter

from .corpus import LabelledNote
from .engine import Engine


def evaluate(engine: Engine, notes: list[LabelledNote]) -> dict:
    results = list(engine.suggest_many(((n.id, n.text) for n in notes), top_k=5))
    inprof = top1 = top3 = 0
    tp_oop = fp_oop = fn_oop = 0
    tp_j = fp_j = fn_j = 0
    review = 0
    confusion: Counter = Counter()
    errors = []
    for note, res in zip(notes, results):
        predicted = "OUT" if res.out_of_profile else (res.codes[0].code if res.codes else "ERROR")
        confusion[(note.target, predicted)] += 1
        review += res.needs_review
        if note.out_of_profile:
            tp_oop += res.out_of_profile
            fn_oop += not res.out_of_profile
        else:
            fp_oop += res.out_of_profile
            inprof += 1
            ranked = [] if res.out_of_profile else [c.code for c in res.codes]
            top1 += ranked[:1] == [note.code]
            top3 += note.code in ranked[:3]
            gold_j = "44015" in note.addons
            pred_j = any(a.code == "44015" for a in res.addons)
            tp_j += gold_j and pred_j
            fp_j += pred_j and not gold_j
            fn_j += gold_j and not pred_j
        if predicted != note.target:
            errors.append((note.id, note.target, predicted))

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    return {
        "notes": len(notes),
        "in_profile": inprof,
        "top1": ratio(top1, inprof),
        "top3": ratio(top3, inprof),
        "oop_precision": ratio(tp_oop, tp_oop + fp_oop),
        "oop_recall": ratio(tp_oop, tp_oop + fn_oop),
        "addon_44015_precision": ratio(tp_j, tp_j + fp_j),
        "addon_44015_recall": ratio(tp_j, tp_j + fn_j),
        "review_rate": ratio(review, len(notes)),
        "confusion": {f"{g}->{p}": n for (g, p), n in sorted(confusion.items())},
        "errors": errors,
    }


def format_report(name: str, m: dict) -> str:
    lines = [f"== {name}: {m['notes']} notes, {m['in_profile']} in profile"]
    for key in ("top1", "top3", "oop_precision", "oop_recall", "addon_44015_precision", "addon_44015_recall", "review_rate"):
        lines.append(f"  {key:<24} {m[key]}")
    golds = sorted({k.split('->')[0] for k in m["confusion"]})
    preds = sorted({k.split('->')[1] for k in m["confusion"]})
    lines.append("  confusion (rows gold, columns predicted top-1):")
    lines.append("  " + " " * 7 + "".join(f"{p:>7}" for p in preds))
    for g in golds:
        lines.append("  " + f"{g:>7}" + "".join(f"{m['confusion'].get(f'{g}->{p}', 0) or '.':>7}" for p in preds))
    if m["errors"]:
        lines.append("  misranked (id gold->predicted): " + ", ".join(f"{i} {g}->{p}" for i, g, p in m["errors"]))
    return "\n".join(lines)


def author_cross_validation(corpus_dir, *, splits: tuple[str, ...] = ("train", "dev"), out_threshold: float = 0.5) -> dict:
    """Leave-one-author-out: train on every other author set, score the held-out one.

    The closest estimate we have of how the ranker does on notes written by someone else.
    """
    import numpy

    from .corpus import load_corpus
    from .engine import OUT_OF_PROFILE, out_of_profile_probability
    from .features import FeatureSchema, rule_concepts
    from .linear import class_probabilities
    from .profile import load_profile
    from .training import featurize, fit_ranker

    notes = sorted(load_corpus(corpus_dir, splits), key=lambda n: n.id)
    schema = FeatureSchema(load_profile(), rule_concepts())
    X = featurize(notes, schema=schema)
    y = numpy.array([n.target for n in notes])
    groups = numpy.array([n.group for n in notes])
    p_out = numpy.zeros(len(notes))
    top = numpy.empty(len(notes), dtype=object)
    top3 = [()] * len(notes)
    for group in sorted(set(groups)):
        held = groups == group
        gate, ranker = fit_ranker(X[~held], list(y[~held]), schema.gate_mask)
        p_out[held] = out_of_profile_probability(gate, X[held][:, schema.gate_mask])
        proba = class_probabilities(ranker, X[held])
        order = numpy.argsort(-proba, axis=1)
        for row, i in zip(order, numpy.flatnonzero(held)):
            top[i] = ranker.classes_[row[0]]
            top3[i] = tuple(ranker.classes_[row[:3]])
    inside = y != OUT_OF_PROFILE
    called_out = p_out > out_threshold
    return {
        "authors": len(set(groups)),
        "notes": len(notes),
        "in_profile": int(inside.sum()),
        "top1": round(float(numpy.mean(~called_out[inside] & (top[inside] == y[inside]))), 4),
        "top3": round(float(numpy.mean([not c and g in t for c, g, t in zip(called_out[inside], y[inside],
                                                                              numpy.array(top3, dtype=object)[inside])])), 4),
        "oop_recall": round(float(numpy.mean(called_out[~inside])), 4),
        "oop_precision": round(float(numpy.sum(called_out & ~inside) / max(1, numpy.sum(called_out))), 4),
        "per_author_top1": {
            g: round(float(numpy.mean(~called_out[(groups == g) & inside] & (top[(groups == g) & inside] == y[(groups == g) & inside]))), 4)
            for g in sorted(set(groups))
        },
    }
