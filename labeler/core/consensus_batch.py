"""The clustering of many two-annotator images in one array pass.

Most images of a double-annotated project carry the shapes of exactly two people. For
them :func:`labeler.core.consensus.image_consensus` clusters by one
:func:`~labeler.core.matching.match_shapes` call (the first annotator's shapes against
the second's, same class first, then across classes). Called image by image that is
most of an export's time (half a millisecond per image, so minutes at a million); the
agreement engine's :func:`~labeler.core.agreement.batch.match_rows` computes the same
pairs for all images at once. :func:`two_annotator_pairs` returns them per image, and
``image_consensus(..., shape_pairs=...)`` builds the same clusters from them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from labeler.core.agreement.batch import Ragged, ShapeTable, match_rows
from labeler.core.domain import Annotation, ReviewDecision
from labeler.core.geometry import Tag
from labeler.core.matching import DEFAULT_IOU_THRESHOLD, Shape

CHUNK_IMAGES = 20_000  # images matched at once: bounds the arrays of one pass
ShapePairs = tuple[tuple[int, int], ...]  # (first annotator's id, second's id), matched


def two_annotator_pairs(
    by_image: Mapping[int, Sequence[Annotation]],
    decisions: Mapping[int, ReviewDecision],
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
) -> dict[int, ShapePairs]:
    """Matched shape pairs of every image whose live shapes come from exactly two people.

    Live means not rejected in the latest review, as in ``image_consensus``. Images
    with one annotator's shapes, or three or more, are left out (they take the
    per-image path).
    """
    found: dict[int, ShapePairs] = {}
    batch: list[tuple[int, list[Annotation], list[Annotation]]] = []
    for image_id in sorted(by_image):
        sides = _two_sides(by_image[image_id], decisions)
        if sides is not None:
            batch.append((image_id, *sides))
        if len(batch) == CHUNK_IMAGES:
            found.update(_match(batch, iou_threshold))
            batch = []
    found.update(_match(batch, iou_threshold))
    return found


def _two_sides(
    annotations: Sequence[Annotation], decisions: Mapping[int, ReviewDecision]
) -> tuple[list[Annotation], list[Annotation]] | None:
    live = [
        a
        for a in annotations
        if decisions.get(a.id) != ReviewDecision.REJECT and not isinstance(a.geometry, Tag)
    ]
    owners = sorted({a.annotator_id for a in live})
    if len(owners) != 2:
        return None
    ordered = sorted(live, key=lambda a: a.id)
    return (
        [a for a in ordered if a.annotator_id == owners[0]],
        [a for a in ordered if a.annotator_id == owners[1]],
    )


def _match(
    batch: list[tuple[int, list[Annotation], list[Annotation]]], iou_threshold: float
) -> dict[int, ShapePairs]:
    if not batch:
        return {}
    shapes: list[Shape] = []
    a_rows: list[int] = []
    b_rows: list[int] = []
    a_sizes = np.zeros(len(batch), dtype=np.int64)
    b_sizes = np.zeros(len(batch), dtype=np.int64)
    for p, (_image, first, second) in enumerate(batch):
        for side, rows, sizes in ((first, a_rows, a_sizes), (second, b_rows, b_sizes)):
            sizes[p] = len(side)
            for annotation in side:
                geometry = annotation.geometry
                assert not isinstance(geometry, Tag), "_two_sides keeps boxes and polygons only"
                rows.append(len(shapes))
                shapes.append(Shape(annotation.id, annotation.class_id, geometry))
    table = ShapeTable.of(shapes)
    a = Ragged(np.asarray(a_rows, np.int64), np.r_[0, np.cumsum(a_sizes)].astype(np.int64))
    b = Ragged(np.asarray(b_rows, np.int64), np.r_[0, np.cumsum(b_sizes)].astype(np.int64))
    pairs = match_rows(table, a, b, iou_threshold, cross_class=True)
    per_problem: list[list[tuple[int, int]]] = [[] for _ in batch]
    for problem, pa, pb in zip(
        pairs.problem.tolist(), pairs.a.tolist(), pairs.b.tolist(), strict=True
    ):
        per_problem[problem].append((shapes[a_rows[pa]].id, shapes[b_rows[pb]].id))
    return {image: tuple(per_problem[p]) for p, (image, _f, _s) in enumerate(batch)}
