"""The agreement report of a real project file, checked against the reference libraries."""

from __future__ import annotations

import json
import math

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from labeler.core.agreement import agreement_report
from labeler.core.agreement.data import ProjectLabels, iso_week
from labeler.core.agreement.objects import ABSENT, cluster_alpha
from labeler.core.consensus import cluster_shapes, shape_consensus
from labeler.core.geometry import Box, Tag
from labeler.core.matching import Shape
from labeler.core.store import Project
from tests.core.agreement.labeled import CRACK, DENT, SCRATCH, label_project

NAN = float("nan")


@pytest.fixture
def labeled(project_with_images: Project):
    return label_project(project_with_images)


def test_clusters_consensus_and_alpha_of_three_coders() -> None:
    shapes = {
        1: [Shape(1, "a", Box(0, 0, 10, 10)), Shape(2, "b", Box(50, 50, 60, 60))],
        2: [Shape(3, "a", Box(0, 0, 10, 11)), Shape(4, "c", Box(50, 50, 60, 60))],
        3: [Shape(5, "a", Box(1, 0, 10, 10))],
    }
    clusters = cluster_shapes(7, shapes)
    assert [{c: s.id for c, s in cl.members.items()} for cl in clusters] == [
        {1: 1, 2: 3, 3: 5},
        {1: 2, 2: 4},
    ]
    consensus = shape_consensus(7, shapes)
    assert [(s.label, s.score) for s in consensus] == [("a", 1.0), ("b", pytest.approx(2 / 3))]
    assert consensus[0].id == 1  # the member overlapping the others most
    coverage = {7: [1, 2, 3]}
    expected = krippendorff.alpha(
        reliability_data=[[0, 1], [0, 2], [0, 3]], level_of_measurement="nominal"
    )
    assert cluster_alpha(clusters, coverage).value == pytest.approx(expected)
    assert ABSENT == "absent"
    assert shape_consensus(7, {1: shapes[1][:1], 2: [], 3: []}) == []


def test_object_agreement(labeled) -> None:
    report = agreement_report(labeled.project)
    objects = report.objects
    assert objects is not None and report.images_compared == 2
    pairs = {(a, b): counts for a, b, counts in objects.pairs}
    alice_bob = pairs["alice", "bob"]
    assert (alice_bob.tp, alice_bob.n_a, alice_bob.n_b) == (3, 3, 4)
    assert alice_bob.f1.value == pytest.approx(6 / 7)
    iou_scratch = (38 * 40) / (1600 + 38 * 42 - 38 * 40)
    iou_crack = (38 * 38) / (1600 + 38 * 38 - 38 * 38)
    assert alice_bob.mean_iou.value == pytest.approx((iou_scratch + iou_crack + 1.0) / 3)
    alice_carol = pairs["alice", "carol"]
    assert (alice_carol.tp, alice_carol.n_a, alice_carol.n_b) == (1, 3, 3)
    # Clusters (units) x coders: scratch, crack/dent, the dent, carol's far dent, bob's
    # scratch, alice's lone scratch on image 2.
    s, c, d, absent = 0, 1, 2, 3
    data = np.array(
        [
            [s, c, d, absent, absent, s],
            [s, c, d, absent, s, NAN],
            [s, d, absent, d, absent, NAN],
        ],
        dtype=float,
    )
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert objects.alpha.value == pytest.approx(expected)
    assert objects.alpha.n == 5
    per_class = {name: (counts, alpha) for name, counts, alpha in objects.per_class}
    assert per_class["dent"][0].tp == 1  # alice-bob on image 1; carol's dents never match
    dent = np.array([[0, 1, 0], [0, 1, 0], [1, 0, 1]], dtype=float)  # dent or not, 3 units
    assert per_class["dent"][1].value == pytest.approx(
        krippendorff.alpha(reliability_data=dent, level_of_measurement="nominal")
    )


def test_tag_agreement_matches_references(labeled) -> None:
    tags = agreement_report(labeled.project).tags
    assert tags is not None
    # Ratings (image 0, image 1, image 2): alice {blurry}, {}, {}; bob {blurry}, {}, -;
    # carol {}, {}, -.
    alice, bob, carol = ["b", "-", "-"], ["b", "-"], ["-", "-"]
    kappas = {(a, b): k for a, b, k in tags.pairs}
    assert kappas["alice", "bob"].value == pytest.approx(cohen_kappa_score(alice[:2], bob))
    assert kappas["alice", "carol"].value == pytest.approx(cohen_kappa_score(alice[:2], carol))
    assert kappas["alice", "bob"].n == 2
    expected_fleiss = sm_fleiss_kappa(np.array([[2, 1], [0, 3]]))
    assert tags.fleiss.value == pytest.approx(expected_fleiss)
    data = np.array([[1, 0, 0], [1, 0, NAN], [0, 0, NAN]])
    expected_alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert tags.alpha.value == pytest.approx(expected_alpha)
    assert [name for name, _, _ in tags.per_class] == ["blurry"]
    assert tags.per_class[0][2].value == pytest.approx(expected_alpha)


def test_breakdowns_and_efficiency(labeled) -> None:
    report = agreement_report(labeled.project)
    people = {p.name: p for p in report.people}
    assert set(people) == {"alice", "bob", "carol"}
    assert people["alice"].organization == "acme"
    # alice: image 0 took 5 + 7 s (no timer), image 1 30 s (timer), image 2 11 s.
    assert people["alice"].seconds_per_image.value == 12.0
    assert people["alice"].seconds_per_object.value == 8.0  # median of 5, 7, 9, 11
    assert math.isnan(people["carol"].seconds_per_image.value)
    assert people["carol"].seconds_per_image.explanation == "undefined: no timed images"
    # carol against the consensus of alice and bob: scratch matches, dent vs crack and the
    # far dent do not; bob's lone scratch is in the others' consensus (1 of 2 is half).
    carol = people["carol"].vs_consensus
    assert (carol.tp, carol.n_a, carol.n_b) == (1, 3, 4)  # consensus: 2 on each image
    assert people["alice"].vs_others.tp == 3 + 1
    assert [name for name, _ in report.vendors] == ["acme", "beta"]
    vendors = dict(report.vendors)
    assert vendors["beta"].comparisons == 4 and vendors["acme"].comparisons == 6
    versions = dict(report.guideline_versions)
    assert set(versions) == {"v1", "v2"}
    assert versions["v1"].comparisons == versions["v2"].comparisons == 3
    week = iso_week(labeled.project.annotations()[0].created_at)
    assert [name for name, _ in report.weeks] == [week]


def test_report_json_is_strict_json(labeled) -> None:
    data = agreement_report(labeled.project).to_dict()
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text)["objects"]["pairs"][0]["a"] == "alice"
    assert data["people"][2]["median_seconds_per_image"] == {
        "value": None,
        "n": 0,
        "explanation": "undefined: no timed images",
    }


def test_constant_raters_give_nan_with_explanation(project_with_images: Project) -> None:
    project = project_with_images
    tag = project.add_class("blurry", "tag").id
    images = [image.id for image in project.images()]
    for name in ("ann", "ben"):
        person = project.add_person(name)
        for image in images:
            project.add_annotation(image, tag, Tag(), person.id)
    report = agreement_report(project)
    assert report.tags is not None
    for metric in (report.tags.pairs[0][2], report.tags.fleiss, report.tags.alpha):
        assert math.isnan(metric.value) and metric.explanation
        assert metric.explanation.startswith("undefined:")
    objects = report.objects
    assert objects is not None and math.isnan(objects.overall.f1.value)
    assert objects.overall.f1.explanation == "undefined: neither side marked any object"
    json.dumps(report.to_dict(), allow_nan=False)


def test_empty_project(project: Project) -> None:
    report = agreement_report(project)
    assert report.annotators == [] and report.tags is None
    assert report.objects is not None and math.isnan(report.objects.alpha.value)
    labels = ProjectLabels.load(project)
    assert labels.image_ids() == [] and labels.guideline_name(None) == "none"


def test_classes_used_in_fixture() -> None:
    assert (SCRATCH, CRACK, DENT) == (1, 2, 3)
