"""The one consensus module gives every caller exactly what its old rule gave.

Random images (1-4 annotators, boxes and polygons near a few true objects, class
slips, overlooked objects, tags, empty answers, reviews) go through the old export
rule (a frozen copy in ``_old_consensus_rules``) and the old agreement rule
(``cluster_objects`` + ``consensus_of``), and through :mod:`labeler.core.consensus`
with each caller's config.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from labeler.core.agreement.objects import cluster_objects, consensus_of
from labeler.core.consensus import (
    FINAL_LABELS,
    SCORING,
    ConsensusConfig,
    cluster_shapes,
    image_consensus,
    shape_consensus,
    tag_consensus,
)
from labeler.core.domain import Annotation, AnnotationSource, ReviewDecision
from labeler.core.geometry import Box, Polygon, Tag
from labeler.core.matching import Shape
from tests.core import _old_consensus_rules as old


def _annotation(ident: int, image: int, cls: int, geometry, person: int) -> Annotation:
    return Annotation(ident, image, cls, geometry, person, None, AnnotationSource.MANUAL, "t", "t")


def _random_images(seed: int, n_images: int):
    """Per image: annotations, who answered it; and the review decisions."""
    rng = np.random.default_rng(seed)
    images: dict[int, tuple[list[Annotation], list[int]]] = {}
    decisions: dict[int, ReviewDecision] = {}
    ident = 0
    for image in range(1, n_images + 1):
        truth = [
            (int(rng.integers(0, 3)), rng.uniform(0, 200, 2), rng.uniform(10, 60, 2))
            for _ in range(rng.integers(0, 5))
        ]
        people = sorted(rng.choice([1, 2, 3, 4, 5], size=rng.integers(1, 5), replace=False))
        answered = [int(p) for p in people if rng.random() < 0.7]
        found = []
        for person in people:
            if rng.random() < 0.1:
                continue  # an empty answer (or nothing yet)
            for cls, (x, y), (w, h) in truth:
                if rng.random() < 0.2:
                    continue  # overlooked
                dx, dy = rng.normal(0, 6, 2)
                label = cls if rng.random() > 0.2 else (cls + 1) % 3
                if rng.random() < 0.2:
                    geometry = Polygon(((x + dx, y + dy), (x + w, y + dy), (x + w / 2, y + h)))
                else:
                    geometry = Box(x + dx, y + dy, x + w + dx, y + h + dy)
                ident += 1
                found.append(_annotation(ident, image, label, geometry, int(person)))
            for tag in (7, 8):
                if rng.random() < 0.3:
                    ident += 1
                    found.append(_annotation(ident, image, tag, Tag(), int(person)))
        if not found and not answered:
            answered = [int(people[0])]
        order = rng.permutation(len(found))
        found = [found[k] for k in order]  # callers do not promise an order
        for a in found:
            if rng.random() < 0.08:
                decisions[a.id] = ReviewDecision.REJECT
            elif rng.random() < 0.08:
                decisions[a.id] = ReviewDecision.ACCEPT
        images[image] = (found, answered)
    return images, decisions


def _plain(result) -> tuple:
    """An image consensus of either module as plain tuples."""

    def label(x):
        return (x.class_id, x.geometry, x.annotation_ids, x.representative_id, x.votes, x.reason)

    return (
        result.image_id,
        result.method,
        tuple(result.annotators),
        [label(x) for x in result.labels],
        [
            (c.annotation_ids, c.votes, c.required, c.annotators, label(c.best), c.reason)
            for c in result.unresolved
        ],
        result.rejected,
        result.accepted,
        result.negatives,
    )


def _by_coder(annotations: list[Annotation], answered: list[int]):
    """What agreement holds for an image: every coder's shapes (by id) and tag sets."""
    coders = sorted({a.annotator_id for a in annotations} | set(answered))
    shapes: dict[int, list[Shape]] = {c: [] for c in coders}
    tags: dict[int, set[int]] = {c: set() for c in coders}
    for a in sorted(annotations, key=lambda a: a.id):
        if isinstance(a.geometry, Tag):
            tags[a.annotator_id].add(a.class_id)
        else:
            shapes[a.annotator_id].append(Shape.from_annotation(a))
    return shapes, tags


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("quorum", [0.5, 0.75, 1.0])
def test_export_consensus_is_the_old_export_rule(seed: int, quorum: float) -> None:
    images, decisions = _random_images(seed, 300)
    new = ConsensusConfig(quorum=quorum)
    before = old.ConsensusConfig(quorum=quorum)
    differing = 0
    for image, (marks, answered) in images.items():
        got = image_consensus(image, marks, decisions, new, answered)
        want = old.image_consensus(image, marks, decisions, before, answered)
        assert _plain(got) == _plain(want), image
        differing += len(got.unresolved) > 0
    assert differing > 10  # ties and missed quorums were exercised


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("iou", [0.3, 0.5])
def test_scoring_consensus_is_the_old_agreement_rule(seed: int, iou: float) -> None:
    images, _ = _random_images(seed, 300)
    rule = SCORING.with_iou(iou)
    seen = Counter()
    for image, (marks, answered) in images.items():
        shapes, tags = _by_coder(marks, answered)
        old_clusters = cluster_objects(image, shapes, iou)
        new_clusters = cluster_shapes(image, shapes, rule)
        assert [c.members for c in new_clusters] == [c.members for c in old_clusters]
        want = consensus_of(old_clusters, len(shapes))
        assert shape_consensus(image, shapes, rule) == want, image
        votes = Counter(t for given in tags.values() for t in given)
        assert tag_consensus(tags, rule) == {t for t, n in votes.items() if 2 * n >= len(tags)}
        seen[len(shapes)] += 1
        for person in shapes:  # leave-one-out: a person against the others
            others = {c: s for c, s in shapes.items() if c != person}
            if not others:
                continue
            want = consensus_of(cluster_objects(image, others, iou), len(others))
            assert shape_consensus(image, shapes, rule.left_out(person)) == want
    assert seen[3] > 20 and seen[4] > 20  # where match_to and pick differ


def test_the_two_presets_differ_where_the_old_rules_did() -> None:
    """Two people, two classes on one box: a tie to adjudicate, or the first one's class."""
    a = _annotation(1, 1, 1, Box(0, 0, 50, 50), 1)
    b = _annotation(2, 1, 2, Box(1, 1, 51, 51), 2)
    final = image_consensus(1, [a, b], {}, FINAL_LABELS)
    assert final.labels == [] and [c.reason for c in final.unresolved] == ["tie"]
    shapes, _ = _by_coder([a, b], [])
    [scored] = shape_consensus(1, shapes, SCORING)
    assert (scored.id, scored.label, scored.score) == (1, 1, 1.0)
