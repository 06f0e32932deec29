"""One consensus module, two presets: each caller gets what its old rule gave.

Before the two old rules (the export's in ``labeler.core.consensus``, agreement's
``cluster_objects`` + ``consensus_of``) were deleted, a property test ran both
against this module on 1,800 random images (1-4 annotators, boxes and polygons,
class slips, tags, empty answers, reviews; quorums 0.5/0.75/1, IoU 0.3/0.5,
leave-one-out for every person) and found no difference (commit 75a25bf). What
stays are small fixtures, each checked by hand, where the presets' parameters
make a difference; the array forms are checked against this module by
``test_consensus_batch`` and ``tests/core/diagnosis``.
"""

from __future__ import annotations

import pytest

from labeler.core.consensus import (
    FINAL_LABELS,
    SCORING,
    ConsensusConfig,
    cluster_shapes,
    image_consensus,
    shape_consensus,
    tag_consensus,
)
from labeler.core.consensus_batch import batch_supports
from labeler.core.domain import Annotation, AnnotationSource, ReviewDecision
from labeler.core.geometry import Box, Tag
from labeler.core.matching import Shape


def _ann(ident: int, person: int, cls: int, geometry) -> Annotation:
    return Annotation(ident, 1, cls, geometry, person, None, AnnotationSource.MANUAL, "t", "t")


def _shapes(annotations: list[Annotation], answered: tuple[int, ...] = ()):
    coders = sorted({a.annotator_id for a in annotations} | set(answered))
    found: dict[int, list[Shape]] = {c: [] for c in coders}
    for a in sorted(annotations, key=lambda a: a.id):
        found[a.annotator_id].append(Shape.from_annotation(a))
    return found


def test_match_to_medoid_or_first_member() -> None:
    # person 2's box has the lower id, so it is the medoid of the first two; person 3's
    # box overlaps it (IoU 0.54) but not person 1's (IoU 0.25)
    first, second, third = Box(0, 0, 10, 10), Box(3, 0, 13, 10), Box(6, 0, 16, 10)
    marks = [_ann(5, 1, 1, first), _ann(2, 2, 1, second), _ann(9, 3, 1, third)]
    final = image_consensus(1, marks, {}, FINAL_LABELS)
    [label] = final.labels  # one cluster of three; the medoid is the middle box
    assert (label.annotation_ids, label.representative_id, label.votes) == ((2, 5, 9), 2, 3)
    assert label.geometry == second
    clusters = cluster_shapes(1, _shapes(marks), SCORING)  # person 3 starts a cluster
    assert [sorted(s.id for s in c.members.values()) for c in clusters] == [[2, 5], [9]]
    assert shape_consensus(1, _shapes(marks), SCORING) == [
        Shape(5, 1, first, pytest.approx(2 / 3), "consensus")  # the lone box has 1 of 3
    ]


def test_votes_and_tie_class_votes_to_adjudicate_or_members_and_first_seen() -> None:
    # three annotators, two boxes of different classes on one object, one empty answer
    marks = [_ann(1, 1, 1, Box(0, 0, 50, 50)), _ann(2, 2, 2, Box(1, 1, 51, 51))]
    final = image_consensus(1, marks, {}, FINAL_LABELS, answered_by=[3])
    [cluster] = final.unresolved
    assert (cluster.reason, cluster.votes, cluster.required, cluster.annotators) == (
        "tie",
        ((1, 1), (2, 1)),
        2,
        3,
    )
    assert final.labels == [] and final.negatives == 0
    [scored] = shape_consensus(1, _shapes(marks, (3,)), SCORING)
    assert (scored.id, scored.label, scored.score) == (1, 1, pytest.approx(2 / 3))


def test_pick_class_medoid_or_most_overlap() -> None:
    x, y, z = Box(0, 0, 10, 10), Box(2, 0, 12, 10), Box(3, 0, 13, 10)
    # IoU x-y 0.67, x-z 0.54, y-z 0.82: z (another class) sits next to y
    marks = [_ann(1, 1, 1, x), _ann(2, 2, 1, y), _ann(3, 3, 2, z)]
    [label] = image_consensus(1, marks, {}, FINAL_LABELS).labels
    assert (label.class_id, label.representative_id, label.votes) == (1, 1, 2)
    assert label.annotation_ids == (1, 2, 3)
    [scored] = shape_consensus(1, _shapes(marks), SCORING)
    assert (scored.id, scored.label, scored.score) == (2, 1, 1.0)


def test_reviews_count_for_final_labels_only() -> None:
    a, b = _ann(1, 1, 1, Box(0, 0, 50, 50)), _ann(2, 2, 2, Box(1, 1, 51, 51))
    accepted = image_consensus(1, [a, b], {2: ReviewDecision.ACCEPT}, FINAL_LABELS)
    assert [(x.class_id, x.reason, x.representative_id) for x in accepted.labels] == [
        (2, "accepted", 2)
    ]
    rejected = image_consensus(1, [a, b], {1: ReviewDecision.REJECT}, FINAL_LABELS)
    assert rejected.method == "single" and rejected.rejected == (1,)
    ignored = image_consensus(1, [a, b], {1: ReviewDecision.REJECT}, SCORING)
    assert ignored.rejected == () and [x.class_id for x in ignored.labels] == [1]


def test_empty_answers_outvote_a_lone_box_under_both_rules() -> None:
    marks = [_ann(1, 1, 1, Box(0, 0, 50, 50))]
    for rule in (FINAL_LABELS, SCORING):
        result = image_consensus(1, marks, {}, rule, answered_by=[2, 3])
        assert (result.labels, result.unresolved, result.negatives) == ([], [], 1)
    assert shape_consensus(1, _shapes(marks, (2, 3)), SCORING) == []


def test_leave_one_out_scores_a_person_against_the_others() -> None:
    marks = [_ann(k, k, 1, Box(k, 0, 40 + k, 40)) for k in (1, 2, 3)]
    without_two = SCORING.left_out(2)
    result = image_consensus(1, marks, {}, without_two)
    assert result.annotators == (1, 3)
    [label] = result.labels
    assert (label.annotation_ids, label.representative_id) == ((1, 3), 1)
    assert shape_consensus(1, _shapes(marks), without_two) == result.shapes()


def test_tags_pass_with_the_quorum() -> None:
    marks = [_ann(1, 1, 7, Tag()), _ann(2, 2, 7, Tag()), _ann(3, 1, 8, Tag())]
    result = image_consensus(1, marks, {}, FINAL_LABELS, answered_by=[3])
    assert [x.class_id for x in result.labels] == [7] and result.negatives == 1
    assert tag_consensus({1: {7, 8}, 2: {7}, 3: set()}, SCORING) == {7}
    assert tag_consensus({1: {7, 8}, 2: {7}, 3: set()}, SCORING.left_out(2)) == {7, 8}


def test_the_array_decision_computes_the_scoring_rule_only() -> None:
    assert batch_supports(SCORING) and batch_supports(SCORING.with_iou(0.3).left_out(4))
    assert not batch_supports(FINAL_LABELS)
    assert not batch_supports(ConsensusConfig(votes="members", tie="first_seen"))
