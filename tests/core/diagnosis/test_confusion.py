"""The batched confusion matrix and slices equal a plain per-image reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from labeler.core.consensus import SCORING, shape_consensus
from labeler.core.diagnosis.confusion import BACKGROUND, MIN_LOCALIZATION_IOU, SliceItem, confusion
from labeler.core.diagnosis.truth import resolve_truth
from labeler.core.geometry import Box, Polygon, Tag
from labeler.core.images import ImageProbe
from labeler.core.matching import Shape, iou_matrix, match_shapes
from labeler.core.store import Project
from tests.core.diagnosis.test_batch import random_shapes

CLASSES = [1, 2, 3]


def name(c: int) -> str:
    return f"c{c}"


def reference(truth: dict[int, list[Shape]], predicted: dict[int, list[Shape]], thr: float):
    """The straightforward per-image version (match_shapes on each image)."""
    index = {c: i for i, c in enumerate(CLASSES)}
    bg = len(CLASSES)
    matrix = np.zeros((bg + 1, bg + 1), dtype=int)
    fps, fns = [], []

    def best(shape: Shape, others: list[Shape]) -> tuple[float, Shape | None]:
        same = [o for o in others if o.label == shape.label]
        if not same:
            return 0.0, None
        ious = iou_matrix([shape.geometry], [o.geometry for o in same])[0]
        k = int(np.argmax(ious))
        return float(ious[k]), same[k]

    for image, t in truth.items():
        p = predicted.get(image, [])
        found = match_shapes(t, p, thr)
        for m in found.matches:
            matrix[index[m.a.label], index[m.a.label]] += 1
        for m in found.class_mismatches:
            matrix[index[m.a.label], index[m.b.label]] += 1
            fps.append(
                SliceItem(
                    image,
                    m.b.id,
                    "prediction",
                    name(m.b.label),
                    m.b.score,
                    "wrong_class",
                    name(m.a.label),
                    m.iou,
                )
            )
            fns.append(
                SliceItem(
                    image,
                    m.a.id,
                    "annotation",
                    name(m.a.label),
                    None,
                    "wrong_class",
                    name(m.b.label),
                    m.iou,
                )
            )
        taken = [m.a for m in found.matches]
        for s in found.unmatched_b:
            matrix[bg, index[s.label]] += 1
            iou, b = best(s, t)
            if b is not None and iou >= thr and any(b is x for x in taken):
                reason = "duplicate"
            elif iou >= MIN_LOCALIZATION_IOU:
                reason = "poor_localization"
            else:
                reason = BACKGROUND
            fps.append(
                SliceItem(
                    image, s.id, "prediction", name(s.label), s.score, reason, None, iou or None
                )
            )
        for s in found.unmatched_a:
            matrix[index[s.label], bg] += 1
            iou, _ = best(s, p)
            reason = "poor_localization" if iou >= MIN_LOCALIZATION_IOU else "missed"
            fns.append(
                SliceItem(image, s.id, "annotation", name(s.label), None, reason, None, iou or None)
            )
    fps.sort(key=lambda s: (-(s.score or 0.0), s.image_id, s.object_id))
    fns.sort(key=lambda s: (s.image_id, s.object_id))
    return matrix, fps, fns


@pytest.mark.parametrize(("seed", "polygons"), [(0, False), (1, True)])
def test_confusion_equals_per_image_reference(seed: int, polygons: bool) -> None:
    rng = np.random.default_rng(seed)
    truth, predicted = {}, {}
    for image in range(120):
        truth[image] = random_shapes(rng, int(rng.integers(0, 6)), 1000 * image, polygons)
        preds = random_shapes(rng, int(rng.integers(0, 6)), 1000 * image + 500, polygons)
        preds += [
            Shape(s.id + 900, s.label if rng.random() < 0.7 else 1, s.geometry)
            for s in truth[image][:2]
        ]
        predicted[image] = [Shape(s.id, s.label, s.geometry, float(rng.uniform())) for s in preds]
    result = confusion(truth, predicted, CLASSES, name, 0.5)
    matrix, fps, fns = reference(truth, predicted, 0.5)
    np.testing.assert_array_equal(result.matrix, matrix)
    assert result.false_positives == fps
    assert result.false_negatives == fns
    assert {s.reason for s in fps} >= {"wrong_class", "background", "duplicate"}


def test_truth_equals_per_image_consensus(tmp_path: Path) -> None:
    """resolve_truth (batched) equals shape_consensus(..., SCORING) image by image."""
    rng = np.random.default_rng(7)
    with Project.create(tmp_path / "t.labeler", ["a", "b"]) as project:
        poly = project.add_class("p", "polygon").id
        tag = project.add_class("t", "tag").id
        people = [project.add_person(n).id for n in ("x", "y", "z")]
        reviewer = project.add_person("r", "reviewer").id
        probes = [
            ImageProbe(tmp_path / f"{i}.png", f"{i:064x}", 200, 200, 1, 10, "PNG")
            for i in range(40)
        ]
        images = [r.id for r, _ in project.add_images(probes)]
        for n, image in enumerate(images):
            base = random_shapes(rng, int(rng.integers(0, 5)), 0, polygons=False)
            for person in people[: int(rng.integers(1, 4))]:
                shapes = []
                for s in base:
                    if rng.random() < 0.8:
                        x1, y1, x2, y2 = (
                            v + float(rng.integers(-3, 4)) for v in s.geometry.bounds()
                        )
                        if n % 5 == 0:  # polygon images
                            shapes.append((poly, Polygon(((x1, y1), (x2, y1), (x2, y2)))))
                        else:
                            shapes.append(
                                (
                                    s.label if rng.random() < 0.85 else 2,
                                    Box(max(x1, 0), max(y1, 0), x2, y2),
                                )
                            )
                if rng.random() < 0.2:
                    shapes.append((tag, Tag()))
                created = project.add_annotations(
                    image, [(c, g) for c, g in shapes if c != 3], person
                )
                if n % 7 == 0 and created and person == people[0]:
                    project.add_review("annotation", created[0].id, reviewer, "accept")
        truth = resolve_truth(project, set(images[:35]))
        for image in images[:35]:
            own: dict[int, list[Shape]] = {}
            for a in project.annotations(image):
                own.setdefault(a.annotator_id, [])
                if not isinstance(a.geometry, Tag):
                    own[a.annotator_id].append(Shape.from_annotation(a))
            if not own:
                assert image not in truth.sources
                continue
            reviewed = [
                a for a in project.annotations(image) if project.reviews("annotation", a.id)
            ]
            if reviewed:
                want = shape_consensus(
                    image, {people[0]: [Shape.from_annotation(a) for a in reviewed]}, SCORING
                )
                assert truth.sources[image] == "reviewed"
            else:
                want = shape_consensus(image, dict(sorted(own.items())), SCORING)
                assert truth.sources[image] == "consensus"
            got = truth.shapes[image]
            assert [(s.id, s.label, s.score) for s in got] == [
                (s.id, s.label, s.score) for s in want
            ]
        assert set(truth.sources) <= set(images[:35])


def test_a_rejected_annotation_is_never_truth(tmp_path: Path) -> None:
    """A box a reviewer rejected leaves the consensus: its annotator's answer stands without it.

    One annotator: the rejected box was the image's only object, so the truth is empty
    (the model's detection there is a false positive). Two annotators who drew the same
    box: the rejected copy no longer votes, the other stays (1 of 2 coders is the quorum).
    """
    with Project.create(tmp_path / "t.labeler", ["a", "b"]) as project:
        ana, ben = (project.add_person(n).id for n in ("ana", "ben"))
        rita = project.add_person("rita", "reviewer").id
        probes = [
            ImageProbe(tmp_path / f"{i}.png", f"{i:064x}", 200, 200, 1, 10, "PNG")
            for i in range(2)
        ]
        solo, pair = (r.id for r, _ in project.add_images(probes))
        (wrong,) = project.add_annotations(solo, [(1, Box(10, 10, 60, 60))], ana)
        project.add_annotations(pair, [(1, Box(10, 10, 60, 60))], ana)
        (copy,) = project.add_annotations(pair, [(1, Box(11, 11, 61, 61))], ben)
        before = resolve_truth(project, {solo, pair})
        assert [s.id for s in before.shapes[solo]] == [wrong.id]
        project.add_review("annotation", wrong.id, rita, "reject")
        project.add_review("annotation", copy.id, rita, "reject")
        after = resolve_truth(project, {solo, pair})
        assert after.shapes.get(solo, []) == []
        assert solo in after.sources  # still judged: as an image with nothing on it
        assert [s.id for s in after.shapes[pair]] != [copy.id]
        assert len(after.shapes[pair]) == 1
        project.add_review("annotation", wrong.id, rita, "accept")  # the latest review counts
        assert [s.id for s in resolve_truth(project, {solo}).shapes[solo]] == [wrong.id]
