"""Cohen's kappa (two raters) and Fleiss' kappa (many raters), with undefined cases explained.

The values equal ``sklearn.metrics.cohen_kappa_score`` and
``statsmodels.stats.inter_rater.fleiss_kappa``; where those return NaN (or
divide by zero), these return NaN with an explanation.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from labeler.core.agreement.metric import Metric


def cohen_kappa(ratings_a: Sequence[Hashable], ratings_b: Sequence[Hashable]) -> Metric:
    """Cohen's kappa of two raters who rated the same units (position i = unit i)."""
    if len(ratings_a) != len(ratings_b):
        raise ValueError(f"rater lists differ in length: {len(ratings_a)} != {len(ratings_b)}")
    n = len(ratings_a)
    if n == 0:
        return Metric.undefined("no unit was rated by both raters")
    codes: dict[Hashable, int] = {}
    a = np.array([codes.setdefault(v, len(codes)) for v in ratings_a])
    b = np.array([codes.setdefault(v, len(codes)) for v in ratings_b])
    k = len(codes)
    confusion = np.zeros((k, k), dtype=float)
    np.add.at(confusion, (a, b), 1.0)
    observed = np.trace(confusion) / n
    expected = float(confusion.sum(axis=1) @ confusion.sum(axis=0)) / n**2
    if expected >= 1.0:
        return Metric.undefined(f"both raters gave every one of the {n} units the same class", n)
    return Metric(float((observed - expected) / (1.0 - expected)), n)


def category_counts(
    ratings: Sequence[Sequence[Hashable]],
) -> tuple[np.ndarray, list[Hashable]]:
    """The subjects x categories count table of per-subject rating lists, and the categories."""
    codes: dict[Hashable, int] = {}
    for row in ratings:
        for value in row:
            codes.setdefault(value, len(codes))
    table = np.zeros((len(ratings), len(codes)), dtype=float)
    for i, row in enumerate(ratings):
        for value in row:
            table[i, codes[value]] += 1
    return table, list(codes)


def fleiss_kappa(table: np.ndarray | Sequence[Sequence[float]]) -> Metric:
    """Fleiss' kappa of a subjects x categories count table (same rater count per subject)."""
    counts = np.asarray(table, dtype=float)
    if counts.ndim != 2 or counts.shape[0] == 0:
        return Metric.undefined("no subject was rated")
    subjects = counts.shape[0]
    raters = counts.sum(axis=1)
    if not np.all(raters == raters[0]):
        raise ValueError("Fleiss' kappa needs the same number of ratings on every subject")
    per = float(raters[0])
    if per < 2:
        return Metric.undefined("each subject needs at least two ratings", subjects)
    p_j = counts.sum(axis=0) / (subjects * per)
    p_i = ((counts**2).sum(axis=1) - per) / (per * (per - 1))
    p_bar, p_e = float(p_i.mean()), float((p_j**2).sum())
    if p_e >= 1.0:
        return Metric.undefined("every rating is the same class", subjects)
    return Metric((p_bar - p_e) / (1.0 - p_e), subjects)
