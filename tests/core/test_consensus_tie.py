"""Consensus says why a cluster is unresolved: a tie, or too few votes for the quorum."""

from __future__ import annotations

from labeler.core.consensus import ConsensusConfig, image_consensus
from labeler.core.geometry import Box
from tests.core.test_consensus import ann


def test_a_tie_says_it_is_a_tie() -> None:
    a, b = ann(1, 1, Box(0, 0, 50, 50)), ann(2, 2, Box(1, 1, 51, 51))
    result = image_consensus(1, [a, b], {})  # quorum 0.5 of 2: one vote would do
    [cluster] = result.unresolved
    assert cluster.required == 1 and cluster.votes == ((1, 1), (2, 1))
    assert cluster.reason == "tie" and cluster.to_dict()["reason"] == "tie"


def test_too_few_votes_is_below_quorum() -> None:
    box = Box(0, 0, 50, 50)
    shapes = [ann(1, 1, box), ann(2, 1, Box(1, 1, 51, 51)), ann(3, 2, Box(200, 0, 240, 40))]
    shapes.append(ann(4, 2, Box(300, 0, 340, 40)))  # everyone draws something somewhere
    result = image_consensus(1, shapes, {}, ConsensusConfig(quorum=0.75))
    # four annotators: the shared box has 2 votes of the 3 required, lone boxes 1
    assert {c.reason for c in result.unresolved} == {"below_quorum"}
    shared = next(c for c in result.unresolved if len(c.annotation_ids) == 2)
    assert shared.required == 3 and shared.annotators == 4 and shared.votes == ((1, 2),)


def test_quorum_counts_the_image_annotators_not_the_cluster() -> None:
    box = Box(0, 0, 50, 50)
    # three annotators; two draw the box: 2 of ceil(0.5 x 3) = 2 votes, accepted
    shapes = [ann(1, 1, box), ann(2, 1, Box(1, 1, 51, 51)), ann(3, 2, Box(200, 0, 240, 40))]
    result = image_consensus(1, shapes, {})
    assert [(label.class_id, label.votes) for label in result.labels] == [(1, 2)]
    # the lone box has 1 of the 2 votes needed: never a tie, whatever becomes of it
    assert all(c.reason == "below_quorum" and c.required == 2 for c in result.unresolved)
