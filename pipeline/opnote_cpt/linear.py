"""Class probabilities of a fitted LogisticRegression, the same for a row whatever its batch.

scikit-learn's `predict_proba` multiplies the whole batch with BLAS, whose blocking makes a row's
last digits depend on how many rows came with it: a note scored alone and the same note in a
batch of 64 would differ in the 16th digit, and so could their order in a close call. Here each
row's scores are computed on their own, with the same array shapes every time (numpy picks its
summation order by shape), so a note gets the same scores in any batch; a few microseconds a row.
`tests/test_ranking.py` checks the values against `predict_proba`.
"""
from __future__ import annotations

import numpy


def decision_scores(estimator, X: numpy.ndarray) -> numpy.ndarray:
    """X @ coef_.T + intercept_, computed row by row in a fixed order: shape (rows, coef rows)."""
    coef = estimator.coef_
    rows = [(coef * row).sum(axis=1) for row in numpy.asarray(X, dtype=numpy.float64)]
    return numpy.vstack(rows) + estimator.intercept_ if rows else numpy.empty((0, len(coef)))


def class_probabilities(estimator, X: numpy.ndarray) -> numpy.ndarray:
    """Probabilities in `estimator.classes_` order, as LogisticRegression.predict_proba gives them."""
    scores = decision_scores(estimator, X)
    if len(estimator.classes_) == 2:  # binary: one score, the logistic of it is P(classes_[1])
        positive = 1.0 / (1.0 + numpy.exp(-scores[:, 0]))
        return numpy.column_stack([1.0 - positive, positive])
    scores = scores - scores.max(axis=1, keepdims=True)  # multinomial: softmax, stabilised
    numpy.exp(scores, out=scores)
    return scores / scores.sum(axis=1, keepdims=True)
