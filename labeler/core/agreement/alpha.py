"""Krippendorff's alpha for nominal data, missing ratings allowed.

Equals ``krippendorff.alpha(reliability_data, level_of_measurement="nominal")``;
where that package raises (a single value in the whole domain), this returns
NaN with an explanation.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from labeler.core.agreement.metric import Metric


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def value_counts(reliability_data: Sequence[Sequence[Hashable | None]]) -> np.ndarray:
    """The units x values count matrix of coders x units data (None or NaN is missing)."""
    units = len(reliability_data[0]) if reliability_data else 0
    codes: dict[Hashable, int] = {}
    cells: list[tuple[int, int]] = []
    for row in reliability_data:
        if len(row) != units:
            raise ValueError("every coder needs one entry (or None) per unit")
        for unit, value in enumerate(row):
            if not _is_missing(value):
                cells.append((unit, codes.setdefault(value, len(codes))))
    counts = np.zeros((units, len(codes)), dtype=float)
    if cells:
        index = np.array(cells)
        np.add.at(counts, (index[:, 0], index[:, 1]), 1.0)
    return counts


def alpha_from_counts(counts: np.ndarray) -> Metric:
    """Nominal alpha from a units x values count matrix (units with < 2 values are skipped)."""
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 2 or counts.size == 0:
        return Metric.undefined("no unit was rated by two or more coders")
    m = counts.sum(axis=1)
    pairable = counts if bool((m >= 2).all()) else counts[m >= 2]  # no copy when all pair
    del counts, m  # a million images' clusters: only one copy of the matrix at a time
    units = int(pairable.shape[0])
    if units == 0:
        return Metric.undefined("no unit was rated by two or more coders")
    weights = 1.0 / (pairable.sum(axis=1) - 1.0)
    scaled = pairable * weights[:, None]  # made once, used twice (the same values)
    coincidence = scaled.T @ pairable
    coincidence -= np.diag(scaled.sum(axis=0))
    n_c = coincidence.sum(axis=0)
    n = n_c.sum()
    disagreement_obs = coincidence.sum() - np.trace(coincidence)
    disagreement_exp = n_c.sum() ** 2 - (n_c**2).sum()
    if disagreement_exp <= 0:
        return Metric.undefined("every rating is the same class", units)
    return Metric(float(1.0 - (n - 1.0) * disagreement_obs / disagreement_exp), units)


def krippendorff_alpha(reliability_data: Sequence[Sequence[Hashable | None]]) -> Metric:
    """Nominal Krippendorff's alpha of coders x units data; None or NaN marks a missing rating."""
    return alpha_from_counts(value_counts(reliability_data))
