"""One matching engine for every comparison of labels on an image.

Annotator vs annotator, annotator vs model, annotator vs consensus and model vs
reviewed labels all go through :func:`match_shapes`: an optimal one-to-one
assignment (``scipy.optimize.linear_sum_assignment``) on IoU. The first pass
pairs shapes of the same class whose IoU reaches the threshold, maximising the
number of pairs and then their total IoU; a second pass pairs what is left
across classes, so a class mismatch is told apart from a missing object.
Image-level tags compare as sets (:func:`compare_tags`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from labeler.core.domain import Annotation, Prediction
from labeler.core.geometry import Box, Polygon, Tag, shapely_array

DEFAULT_IOU_THRESHOLD = 0.5
DEFAULT_LOW_OVERLAP = 0.8


@dataclass(frozen=True)
class Shape:
    """One object to match: who it is, its class, its geometry, and a model score if any."""

    id: int
    label: Hashable
    geometry: Box | Polygon
    score: float | None = None
    owner: Hashable | None = None

    @classmethod
    def from_annotation(cls, annotation: Annotation) -> Shape:
        """The shape of a (box or polygon) annotation, owned by its annotator."""
        if isinstance(annotation.geometry, Tag):
            raise ValueError(f"annotation {annotation.id} is a tag, not a shape")
        return cls(
            annotation.id, annotation.class_id, annotation.geometry, None, annotation.annotator_id
        )

    @classmethod
    def from_prediction(cls, prediction: Prediction) -> Shape:
        """The shape of a (box or polygon) prediction, with its score, owned by its run."""
        if isinstance(prediction.geometry, Tag):
            raise ValueError(f"prediction {prediction.id} is a tag, not a shape")
        return cls(
            prediction.id,
            prediction.class_id,
            prediction.geometry,
            prediction.score,
            f"run:{prediction.run_id}",
        )


@dataclass(frozen=True)
class Match:
    """Two shapes paired by the assignment, and their IoU."""

    a: Shape
    b: Shape
    iou: float

    @property
    def same_class(self) -> bool:
        """True when both shapes carry the same class."""
        return self.a.label == self.b.label


@dataclass(frozen=True)
class MatchResult:
    """What :func:`match_shapes` found between shape lists ``a`` and ``b``."""

    matches: tuple[Match, ...]
    class_mismatches: tuple[Match, ...]
    unmatched_a: tuple[Shape, ...]
    unmatched_b: tuple[Shape, ...]
    iou_threshold: float = DEFAULT_IOU_THRESHOLD
    low_overlap_threshold: float = DEFAULT_LOW_OVERLAP

    @property
    def low_overlap(self) -> tuple[Match, ...]:
        """Same-class matches whose IoU is below the low-overlap threshold."""
        return tuple(m for m in self.matches if m.iou < self.low_overlap_threshold)

    @property
    def n_a(self) -> int:
        """How many shapes ``a`` held."""
        return len(self.matches) + len(self.class_mismatches) + len(self.unmatched_a)

    @property
    def n_b(self) -> int:
        """How many shapes ``b`` held."""
        return len(self.matches) + len(self.class_mismatches) + len(self.unmatched_b)

    @property
    def f1(self) -> float:
        """Detection F1 (same-class matches count): ``2 TP / (n_a + n_b)``; NaN if both empty."""
        total = self.n_a + self.n_b
        return 2 * len(self.matches) / total if total else float("nan")

    @property
    def mean_iou(self) -> float:
        """Mean IoU of the same-class matches; NaN without any."""
        if not self.matches:
            return float("nan")
        return float(np.mean([m.iou for m in self.matches]))


@dataclass(frozen=True)
class TagComparison:
    """Image-level tags of two sides compared as sets."""

    common: frozenset[Hashable]
    only_a: frozenset[Hashable]
    only_b: frozenset[Hashable]

    @property
    def agree(self) -> bool:
        """True when both sides gave the same set of tags."""
        return not self.only_a and not self.only_b


def compare_tags(a: Iterable[Hashable], b: Iterable[Hashable]) -> TagComparison:
    """Compare two collections of tag classes as sets."""
    set_a, set_b = frozenset(a), frozenset(b)
    return TagComparison(set_a & set_b, set_a - set_b, set_b - set_a)


def _box_array(shapes: Sequence[Box | Polygon]) -> np.ndarray:
    return np.array([s.bounds() for s in shapes], dtype=float).reshape(-1, 4)


def _box_iou(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """IoU of every box of ``a`` with every box of ``b`` (n x 4 arrays), and the intersections."""
    ix = np.clip(
        np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None
    )
    iy = np.clip(
        np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None
    )
    inter = ix * iy
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)
    return result, inter


def iou_matrix(a: Sequence[Box | Polygon], b: Sequence[Box | Polygon]) -> np.ndarray:
    """IoU of every shape of ``a`` with every shape of ``b`` (``len(a) x len(b)``).

    Boxes are computed in one numpy expression; when polygons take part, only the
    pairs whose bounding boxes overlap go through shapely (vectorised).
    """
    if not a or not b:
        return np.zeros((len(a), len(b)), dtype=float)
    box_iou, box_inter = _box_iou(_box_array(a), _box_array(b))
    if all(isinstance(s, Box) for s in a) and all(isinstance(s, Box) for s in b):
        return box_iou
    geoms_a, geoms_b = shapely_array(a), shapely_array(b)
    rows, cols = np.nonzero(box_inter > 0)
    result = np.zeros((len(a), len(b)), dtype=float)
    if rows.size == 0:
        return result
    inter = shapely.area(shapely.intersection(geoms_a[rows], geoms_b[cols]))
    union = shapely.area(geoms_a)[rows] + shapely.area(geoms_b)[cols] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        result[rows, cols] = np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)
    return result


def _assign(ious: np.ndarray, allowed: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """Optimal one-to-one pairs among ``allowed`` entries with IoU >= ``threshold``.

    Maximises the number of pairs first, then their total IoU.
    """
    valid = allowed & (ious >= threshold)
    if not valid.any():
        return []
    from scipy.optimize import linear_sum_assignment  # on use: ~0.8 s to import at start-up

    bonus = float(min(ious.shape) + 1)  # one more pair always outweighs any IoU total
    weights = np.where(valid, bonus + ious, 0.0)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if valid[r, c]]


def match_shapes(
    a: Sequence[Shape],
    b: Sequence[Shape],
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
    low_overlap: float = DEFAULT_LOW_OVERLAP,
) -> MatchResult:
    """Match the shapes of one image: same class first, then across classes.

    A pair needs IoU >= ``iou_threshold``. Same-class pairs are ``matches`` (those
    below ``low_overlap`` are reported by :attr:`MatchResult.low_overlap`); pairs of
    different classes found among the leftovers are ``class_mismatches``; the rest
    is unmatched on either side.
    """
    ious = iou_matrix([s.geometry for s in a], [s.geometry for s in b])
    codes: dict[Hashable, int] = {}
    labels_a = np.array([codes.setdefault(s.label, len(codes)) for s in a], dtype=np.int64)
    labels_b = np.array([codes.setdefault(s.label, len(codes)) for s in b], dtype=np.int64)
    same = labels_a[:, None] == labels_b[None, :]
    first = _assign(ious, same, iou_threshold)
    left_a = np.ones(len(a), dtype=bool)
    left_b = np.ones(len(b), dtype=bool)
    for r, c in first:
        left_a[r] = left_b[c] = False
    second = _assign(ious, ~same & left_a[:, None] & left_b[None, :], iou_threshold)
    for r, c in second:
        left_a[r] = left_b[c] = False
    return MatchResult(
        matches=tuple(Match(a[r], b[c], float(ious[r, c])) for r, c in first),
        class_mismatches=tuple(Match(a[r], b[c], float(ious[r, c])) for r, c in second),
        unmatched_a=tuple(s for s, left in zip(a, left_a, strict=True) if left),
        unmatched_b=tuple(s for s, left in zip(b, left_b, strict=True) if left),
        iou_threshold=iou_threshold,
        low_overlap_threshold=low_overlap,
    )
