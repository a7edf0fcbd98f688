"""Train the ranker from the corpus and save it with skops.

Reproducible: the same corpus and rule files give the same model (deterministic solver, sorted
inputs, no random state involved).
"""
from __future__ import annotations

from pathlib import Path

import numpy

from .corpus import LabelledNote, corpus_digest, load_corpus
from .engine import OUT_OF_PROFILE
from .extraction import build_nlp, findings_from_doc
from .facts import derive_facts
from .features import FeatureSchema, rule_concepts
from .model_store import rules_digest, save_model
from .profile import load_profile

DEFAULT_C = 1.0


def featurize(notes: list[LabelledNote], *, nlp=None, schema: FeatureSchema | None = None) -> numpy.ndarray:
    nlp = nlp or build_nlp()
    schema = schema or FeatureSchema(load_profile(), rule_concepts())
    rows = [schema.vector(derive_facts(findings_from_doc(doc))) for doc in nlp.pipe(n.text for n in notes)]
    return numpy.vstack(rows) if rows else numpy.zeros((0, len(schema.names)))


def fit_ranker(X: numpy.ndarray, y: list[str], gate_mask: numpy.ndarray, *, C: float = DEFAULT_C) -> list:
    """Two logistic regressions: the gate (in profile or not) and the ranker (which code, given in profile).

    The gate sees a few features that say whether an esophagectomy was done; the ranker sees all
    of them but learns from in-profile notes only. P(code) = P(in profile) * P(code | in profile).
    """
    from sklearn.linear_model import LogisticRegression

    y = numpy.asarray(y)
    inside = y != OUT_OF_PROFILE
    gate = LogisticRegression(C=C, max_iter=10_000, class_weight="balanced", tol=1e-8)
    gate.fit(X[:, gate_mask], numpy.where(inside, "IN", OUT_OF_PROFILE))
    # Balanced weights: the minor codes have half the notes of the common ones.
    ranker = LogisticRegression(C=C, max_iter=10_000, class_weight="balanced", tol=1e-8)
    ranker.fit(X[inside], y[inside])
    return [gate, ranker]


def train(
    corpus_dir: str | Path, out_dir: str | Path, *, splits: tuple[str, ...] = ("train", "dev"), C: float = DEFAULT_C
) -> dict:
    """Fit on the named splits of the corpus and write the model to out_dir; returns its metadata."""
    import sklearn
    import skops

    profile = load_profile()
    schema = FeatureSchema(profile, rule_concepts())
    notes = sorted(load_corpus(corpus_dir, splits), key=lambda n: n.id)
    X = featurize(notes, schema=schema)
    y = [n.target for n in notes]
    known = {c.code for c in profile.primary} | {OUT_OF_PROFILE}
    unknown = sorted(set(y) - known)
    if unknown:
        raise ValueError(f"corpus labels not in the profile: {unknown}")
    model = fit_ranker(X, y, schema.gate_mask, C=C)
    meta = {
        "feature_digest": schema.digest,
        "rules_digest": rules_digest(),
        "n_features": len(schema.names),
        "classes": [str(c) for c in model[1].classes_] + [OUT_OF_PROFILE],
        "n_gate_features": int(schema.gate_mask.sum()),
        "trained_on": list(splits),
        "n_notes": len(notes),
        "corpus_digest": corpus_digest(notes),
        "C": C,
        "sklearn_version": sklearn.__version__,
        "skops_version": skops.__version__,
    }
    save_model(model, meta, out_dir)
    return meta
