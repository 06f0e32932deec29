"""Cohen's kappa, Fleiss' kappa and Krippendorff's alpha equal the reference implementations."""

from __future__ import annotations

import math
import warnings

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from labeler.core.agreement import cohen_kappa, fleiss_kappa, krippendorff_alpha
from labeler.core.agreement.kappa import category_counts

# Wikipedia, "Fleiss' kappa": 10 subjects, 14 raters, 5 categories -> 0.210.
WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]

# The krippendorff package's example (Krippendorff's data, 3 coders x 15 units): 0.691358.
NAN = float("nan")
KRIPPENDORFF_EXAMPLE = [
    [NAN, NAN, NAN, NAN, NAN, 3, 4, 1, 2, 1, 1, 3, 3, NAN, 3],
    [1, NAN, 2, 1, 3, 3, 4, 3, NAN, NAN, NAN, NAN, NAN, NAN, NAN],
    [NAN, NAN, 2, 1, 3, 4, 4, NAN, 2, 1, 1, 3, 3, NAN, 4],
]


def quiet(function, *args, **kwargs):  # references warn where they divide by zero
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


@pytest.mark.parametrize("seed", range(8))
def test_cohen_equals_sklearn_on_random_ratings(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(5, 80)), int(rng.integers(2, 6))
    a = rng.integers(0, k, n)
    b = np.where(rng.random(n) < 0.6, a, rng.integers(0, k, n))  # partly agreeing raters
    names = np.array(["scratch", "crack", "dent", "rust", "hole"])
    expected = cohen_kappa_score(names[a], names[b])
    assert cohen_kappa(list(names[a]), list(names[b])).value == pytest.approx(expected, abs=1e-12)


def test_cohen_textbook_value() -> None:
    # Wikipedia, "Cohen's kappa": 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> 0.4.
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    result = cohen_kappa(a, b)
    assert result.value == pytest.approx(0.4) == cohen_kappa_score(a, b)
    assert result.n == 50 and result.explanation is None


def test_cohen_undefined_cases_give_nan_with_a_reason() -> None:
    same = cohen_kappa(["x"] * 6, ["x"] * 6)
    assert math.isnan(same.value) and math.isnan(quiet(cohen_kappa_score, ["x"] * 6, ["x"] * 6))
    assert same.explanation == "undefined: both raters gave every one of the 6 units the same class"
    empty = cohen_kappa([], [])
    assert math.isnan(empty.value) and "no unit" in (empty.explanation or "")
    # One constant rater is defined (0), as in sklearn.
    a, b = ["x"] * 4, ["x", "y", "x", "y"]
    assert cohen_kappa(a, b).value == pytest.approx(cohen_kappa_score(a, b)) == 0.0
    with pytest.raises(ValueError, match="differ in length"):
        cohen_kappa(["x"], [])


@pytest.mark.parametrize("seed", range(8))
def test_fleiss_equals_statsmodels_on_random_ratings(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    subjects, raters, k = int(rng.integers(3, 40)), int(rng.integers(2, 7)), int(rng.integers(2, 5))
    truth = rng.integers(0, k, subjects)[:, None]
    ratings = np.where(
        rng.random((subjects, raters)) < 0.5, truth, rng.integers(0, k, (subjects, raters))
    )
    table, _ = aggregate_raters(ratings)
    expected = sm_fleiss_kappa(table, method="fleiss")
    assert fleiss_kappa(table).value == pytest.approx(expected, abs=1e-12)
    counts, _ = category_counts([list(row) for row in ratings])
    assert fleiss_kappa(counts).value == pytest.approx(expected, abs=1e-12)


def test_fleiss_textbook_value() -> None:
    result = fleiss_kappa(WIKIPEDIA_FLEISS)
    assert round(result.value, 4) == 0.2099
    assert result.value == pytest.approx(sm_fleiss_kappa(np.array(WIKIPEDIA_FLEISS)))
    assert result.n == 10


def test_fleiss_undefined_cases() -> None:
    constant = fleiss_kappa([[3, 0], [3, 0]])
    assert math.isnan(constant.value)
    assert constant.explanation == "undefined: every rating is the same class"
    assert math.isnan(quiet(sm_fleiss_kappa, np.array([[3, 0], [3, 0]])))
    assert math.isnan(fleiss_kappa(np.zeros((0, 2))).value)
    assert "two ratings" in (fleiss_kappa([[1, 0], [0, 1]]).explanation or "")
    with pytest.raises(ValueError, match="same number of ratings"):
        fleiss_kappa([[2, 0], [1, 0]])


@pytest.mark.parametrize("seed", range(8))
def test_alpha_equals_krippendorff_on_random_data_with_missing(seed: int) -> None:
    rng = np.random.default_rng(200 + seed)
    coders, units, k = int(rng.integers(2, 6)), int(rng.integers(4, 50)), int(rng.integers(2, 5))
    truth = rng.integers(0, k, units)[None, :]
    data = np.where(rng.random((coders, units)) < 0.6, truth, rng.integers(0, k, (coders, units)))
    data = data.astype(float)
    data[rng.random(data.shape) < 0.25] = np.nan
    if len(set(data[~np.isnan(data)].tolist())) < 2:
        pytest.skip("the reference refuses a one-value domain (covered below)")
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    ours = krippendorff_alpha(data.tolist())
    assert ours.value == pytest.approx(expected, abs=1e-12)
    # the same data as labels, with None for missing
    labels = [[None if np.isnan(v) else f"class{int(v)}" for v in row] for row in data]
    assert krippendorff_alpha(labels).value == pytest.approx(expected, abs=1e-12)


def test_alpha_textbook_value() -> None:
    result = krippendorff_alpha(KRIPPENDORFF_EXAMPLE)
    assert round(result.value, 6) == 0.691358
    expected = krippendorff.alpha(
        reliability_data=np.array(KRIPPENDORFF_EXAMPLE), level_of_measurement="nominal"
    )
    assert result.value == pytest.approx(expected, abs=1e-12)
    assert result.n == 12  # units rated by two or more coders


def test_alpha_undefined_cases() -> None:
    constant = [["a", "a", None], ["a", "a", "a"]]
    with pytest.raises(ValueError):  # the reference refuses; we explain
        krippendorff.alpha(
            reliability_data=[[1, 1, NAN], [1, 1, 1]], level_of_measurement="nominal"
        )
    result = krippendorff_alpha(constant)
    assert math.isnan(result.value)
    assert result.explanation == "undefined: every rating is the same class"
    lonely = krippendorff_alpha([["a", None], [None, "b"]])
    assert math.isnan(lonely.value) and "two or more coders" in (lonely.explanation or "")
    assert math.isnan(krippendorff_alpha([]).value)
    assert lonely.to_dict() == {"value": None, "n": 0, "explanation": lonely.explanation}
