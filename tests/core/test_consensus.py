"""Consensus: reviews win, several annotators are clustered with the matching engine and voted."""

from __future__ import annotations

from labeler.core.consensus import (
    ConsensusConfig,
    image_consensus,
    latest_decisions,
    project_consensus,
)
from labeler.core.domain import Annotation, AnnotationSource, ReviewDecision, Role
from labeler.core.geometry import Box, Polygon, Tag
from labeler.core.store import Project

_next = iter(range(1, 10_000))


def ann(annotator: int, cls: int, geometry: object, image_id: int = 1) -> Annotation:
    return Annotation(
        next(_next),
        image_id,
        cls,
        geometry,  # type: ignore[arg-type]
        annotator,
        None,
        AnnotationSource.MANUAL,
        "2026-01-01T00:00:00",
        "2026-01-01T00:00:00",
    )


def test_single_annotator_passes_through_without_rejected() -> None:
    a, b = ann(1, 1, Box(0, 0, 10, 10)), ann(1, 2, Box(20, 20, 40, 40))
    result = image_consensus(1, [a, b], {b.id: ReviewDecision.REJECT})
    assert result.method == "single"
    assert [(x.class_id, x.annotation_ids) for x in result.labels] == [(1, (a.id,))]
    assert result.rejected == (b.id,)


def test_three_annotators_vote_class_by_majority_and_take_the_medoid() -> None:
    shapes = [
        ann(1, 1, Box(0, 0, 100, 100)),
        ann(2, 1, Box(2, 2, 102, 102)),
        ann(3, 2, Box(1, 1, 101, 101)),  # minority class, central box
    ]
    result = image_consensus(1, shapes, {})
    assert result.method == "consensus" and result.unresolved == []
    [label] = result.labels
    assert label.class_id == 1 and label.votes == 2 and label.reason == "vote"
    assert label.annotation_ids == tuple(s.id for s in shapes)
    assert label.representative_id in (shapes[0].id, shapes[1].id)


def test_two_annotators_disagreeing_on_class_is_unresolved() -> None:
    a, b = ann(1, 1, Box(0, 0, 50, 50)), ann(2, 2, Box(1, 1, 51, 51))
    found_by_one = ann(1, 1, Box(200, 200, 240, 240))
    result = image_consensus(1, [a, b, found_by_one], {})
    [cluster] = result.unresolved
    assert cluster.annotation_ids == (a.id, b.id)
    assert cluster.votes == ((1, 1), (2, 1))
    # quorum 0.5 of 2 annotators: one vote is enough for an uncontested object
    assert [x.annotation_ids for x in result.labels] == [(found_by_one.id,)]
    strict = image_consensus(1, [a, b, found_by_one], {}, ConsensusConfig(quorum=1.0))
    assert len(strict.unresolved) == 2 and strict.labels == []


def test_accepted_review_wins_its_cluster() -> None:
    a, b = ann(1, 1, Box(0, 0, 50, 50)), ann(2, 2, Box(1, 1, 51, 51))
    result = image_consensus(1, [a, b], {b.id: ReviewDecision.ACCEPT})
    [label] = result.labels
    assert (label.class_id, label.reason, label.representative_id) == (2, "accepted", b.id)
    assert result.unresolved == []


def test_polygons_and_tags_are_clustered_too() -> None:
    square = Polygon(((0, 0), (40, 0), (40, 40), (0, 40)))
    shifted = Polygon(((2, 2), (42, 2), (42, 42), (2, 42)))
    shapes = [ann(1, 3, square), ann(2, 3, shifted), ann(1, 4, Tag()), ann(2, 4, Tag())]
    result = image_consensus(1, shapes, {})
    assert sorted((x.class_id, len(x.annotation_ids)) for x in result.labels) == [(3, 2), (4, 2)]


def test_far_apart_shapes_stay_separate_clusters() -> None:
    shapes = [ann(1, 1, Box(0, 0, 10, 10)), ann(2, 1, Box(50, 50, 60, 60))]
    result = image_consensus(1, shapes, {})
    assert len(result.labels) == 2 and all(x.votes == 1 for x in result.labels)


def test_project_consensus_reads_reviews_from_the_store(project_with_images: Project) -> None:
    project = project_with_images
    image = project.images()[0]
    ana = project.add_person("Ana")
    vik = project.add_person("Vik", Role.ANNOTATOR, "Vendor A")
    rita = project.add_person("Rita", Role.REVIEWER)
    scratch, crack = project.classes()[0].id, project.classes()[1].id
    project.add_annotation(image.id, scratch, Box(10, 10, 60, 60), ana.id)
    vik_ann = project.add_annotation(image.id, crack, Box(11, 11, 61, 61), vik.id)
    assert project_consensus(project)[image.id].unresolved
    project.add_review("annotation", vik_ann.id, rita.id, "reject")
    project.add_review("annotation", vik_ann.id, rita.id, "accept")
    assert latest_decisions(project.reviews(), "annotation") == {vik_ann.id: ReviewDecision.ACCEPT}
    result = project_consensus(project)[image.id]
    assert [x.class_id for x in result.labels] == [crack] and not result.unresolved
