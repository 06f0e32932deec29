"""The side columns answer exactly what the per-side dicts they replaced answered."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest

from labeler.core.agreement import agreement_report, pooling
from labeler.core.agreement.data import ProjectLabels, iso_week
from labeler.core.geometry import Box
from labeler.core.store import Project
from tests.core.agreement.labeled import SCRATCH, label_project


def _reference(project: Project) -> dict[str, dict]:
    """The old, dict-based computation of coverage, facts and seconds, from the row lists."""
    groups: dict[tuple[int, int], list[tuple[int | None, int, str]]] = defaultdict(list)
    seconds: dict[tuple[int, int], float] = defaultdict(float)
    for image, person, version, count, latest, spent in project.made_annotation_groups():
        groups[image, person].append((version, count, latest))
        seconds[image, person] += spent
    facts = {}
    for key, group in groups.items():
        version = max(group, key=lambda g: (g[1], g[0] or 0))[0]
        facts[key] = (version, iso_week(max(g[2] for g in group)))
    for image, person, version, answered_at in project.answer_rows():
        facts.setdefault((image, person), (version, iso_week(answered_at)))
    coverage: dict[int, list[int]] = defaultdict(list)
    for image, person in project.answered_coverage():
        coverage[image].append(person)
    return {"coverage": dict(coverage), "facts": facts, "seconds": dict(seconds)}


@pytest.fixture
def labeled(project_with_images: Project):
    labeled = label_project(project_with_images)
    project = labeled.project
    dave = project.add_person("dave")
    project.mark_answered(labeled.images[2], dave.id)  # an empty answer: a side, no objects
    project.publish_guideline("v3 text")  # alice's new box on image 2 is under v3: a tie
    project.add_annotation(labeled.images[2], SCRATCH, Box(60, 60, 90, 90), labeled.alice.id)
    return labeled


def test_views_equal_the_dicts_they_replace(labeled) -> None:
    labels = ProjectLabels.load(labeled.project)
    expected = _reference(labeled.project)
    assert dict(labels.coverage) == expected["coverage"]
    assert dict(labels.facts) == expected["facts"]
    assert {k: v for k, v in expected["seconds"].items() if v > 0} == dict(labels.seconds)
    v3 = labeled.project.guideline_version(3).id
    assert labels.facts[labeled.images[2], labeled.alice.id][0] == v3  # the newer on a tie
    dave = labeled.project.person_by_name("dave").id
    assert (labeled.images[2], dave) in labels.facts
    assert (labeled.images[2], dave) not in labels.spans  # covered, but nothing drawn
    assert labels.spans.get((labeled.images[2], dave), (0, 0)) == (0, 0)
    for (image, person), (start, end) in labels.spans.items():
        assert set(labels.objects.image_id[start:end].tolist()) == {image}
        assert set(labels.objects.owner[start:end].tolist()) == {person}
    assert labels.sides.find(labeled.images[0], 10_000) == -1
    assert labels.coverage.get(99_999) is None


def test_within_keeps_only_the_slice(labeled) -> None:
    labels = ProjectLabels.load(labeled.project)
    part = labels.within([labeled.images[1]])
    assert list(part.coverage) == [labeled.images[1]]
    assert dict(part.facts) == {k: v for k, v in labels.facts.items() if k[0] == labeled.images[1]}
    for (image, person), (start, end) in part.spans.items():
        assert set(part.objects.image_id[start:end].tolist()) == {image}
        assert set(part.objects.owner[start:end].tolist()) == {person}


def test_matching_in_chunks_gives_the_same_report(labeled, monkeypatch) -> None:
    whole = agreement_report(labeled.project).to_dict()
    monkeypatch.setattr(pooling, "MATCH_CHUNK", 1)  # every comparison on its own
    assert agreement_report(labeled.project).to_dict() == whole


def test_clustering_in_chunks_numbers_clusters_as_one_pass(monkeypatch) -> None:
    from labeler.core.agreement import batch
    from labeler.core.matching import Shape

    rng = np.random.default_rng(3)
    shapes, group, coder = [], [], []
    for image in range(300):
        for person in range(int(rng.integers(1, 4))):
            for _ in range(int(rng.integers(0, 4))):
                x, y = rng.uniform(0, 50, 2)
                label = int(rng.integers(0, 2))
                shapes.append(Shape(len(shapes), label, Box(x, y, x + 20, y + 20)))
                group.append(image)
                coder.append(person)
    table = batch.ShapeTable.of(shapes)
    args = (table, np.arange(len(shapes)), np.array(group), np.array(coder), 300, 0.5)
    whole = batch.cluster_columns(*args)
    monkeypatch.setattr(batch, "CLUSTER_CHUNK", 7)  # 43 chunks
    chunked = batch.cluster_columns(*args)
    for name in ("group", "member_cluster", "member_coder", "member_row"):
        assert np.array_equal(getattr(whole, name), getattr(chunked, name)), name


def test_a_slices_agreement_times_only_its_own_objects(labeled) -> None:
    whole = agreement_report(labeled.project)
    part = agreement_report(labeled.project, images=[labeled.images[1]])
    alice = {p.name: p for p in whole.people}["alice"]
    alice_part = {p.name: p for p in part.people}["alice"]
    assert alice.seconds_per_object.value == 8  # median of 5, 7, 9, 11 (untimed ones left out)
    assert alice_part.seconds_per_object.value == 9  # image 1's dent only
