"""Empty answers and reviewer fixes as consensus, export, disagreements and triage see them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labeler.core.agreement import agreement_report
from labeler.core.consensus import project_consensus
from labeler.core.diagnosis import diagnose
from labeler.core.disagreements import (
    DisagreementType,
    disagreements_all_pairs,
    disagreements_with_model,
)
from labeler.core.domain import Role
from labeler.core.export import ExportOptions, export_dataset
from labeler.core.geometry import Box
from labeler.core.store import Project


@pytest.fixture
def three(project_with_images: Project) -> tuple[Project, dict[str, int]]:
    """Ana, Bo and Cy on images 1-3: image 1 only Ana saw a dent; image 3 nobody answered."""
    project = project_with_images
    ids = {n: project.add_person(n, Role.ANNOTATOR).id for n in ("Ana", "Bo", "Cy")}
    project.add_annotation(1, 3, Box(10, 10, 40, 40), ids["Ana"])
    for person in ids.values():
        project.mark_answered(1, person)
        project.mark_answered(2, person)  # image 2: all three saw nothing
    return project, ids


def test_a_quorum_of_empty_answers_is_a_consensus_negative(
    three: tuple[Project, dict[str, int]],
) -> None:
    project, _ = three
    found = project_consensus(project)
    assert sorted(found) == [1, 2]  # image 3: nobody answered
    assert found[1].labels == [] and found[1].unresolved == [] and found[1].negatives == 1
    assert found[2].labels == [] and len(found[2].annotators) == 3


def test_export_keeps_negatives_and_says_why_unanswered_images_are_out(
    tmp_path: Path, three: tuple[Project, dict[str, int]]
) -> None:
    project, _ = three
    result = export_dataset(project, tmp_path / "out", ExportOptions(format="coco"))
    document = json.loads((tmp_path / "out" / "annotations" / "instances_all.json").read_text())
    assert sorted(i["file_name"].split("/")[-1] for i in document["images"]) == [
        "img0.png",
        "img1.png",
    ]
    assert document["annotations"] == []
    [excluded] = result.manifest["excluded"]
    assert excluded["image_id"] == 3 and excluded["reason_codes"] == ["not_answered"]
    assert result.summary()["excluded_by_reason"] == {"not_answered": 1}


def test_a_confident_prediction_on_an_answered_empty_image_is_an_extra(
    three: tuple[Project, dict[str, int]],
) -> None:
    project, _ = three
    run = project.start_model_run("a" * 64, "m", {}, "cpu")
    project.add_predictions(run.id, 2, [(1, Box(5, 5, 50, 50), 0.99)])
    project.add_predictions(run.id, 3, [(1, Box(5, 5, 50, 50), 0.98)])  # nobody answered: out
    project.finish_model_run(run.id)
    found = disagreements_with_model(project, run.id)
    extras = [(d.image_id, d.score) for d in found if d.type is DisagreementType.EXTRA]
    assert extras == [(2, 0.99)]
    mine = disagreements_with_model(project, run.id, annotator="Bo")
    assert [(d.image_id, d.type) for d in mine][:1] == [(2, DisagreementType.EXTRA)]
    assert {d.image_id for d in mine} == {2}


def test_an_empty_answer_disagrees_with_objects_between_annotators(
    three: tuple[Project, dict[str, int]],
) -> None:
    project, _ = three
    found = disagreements_all_pairs(project)
    assert sorted((d.side_a, d.side_b, d.type.value) for d in found) == [
        ("Ana", "Bo", "missing"),
        ("Ana", "Cy", "missing"),
    ]
    report = agreement_report(project)
    assert report.images_compared == 2
    pair = report.to_dict()["objects"]["pairs"][0]
    assert (pair["a"], pair["b"], pair["objects_a"], pair["objects_b"]) == ("Ana", "Bo", 1, 0)
    assert pair["comparisons"] == 2  # the agreed-empty image counts as a comparison


def test_a_reviewer_fix_supersedes_but_never_makes_the_reviewer_an_annotator(
    tmp_path: Path, project_with_images: Project
) -> None:
    project = project_with_images
    ana = project.add_person("Ana", Role.ANNOTATOR).id
    ben = project.add_person("Ben", Role.ANNOTATOR).id
    rita = project.add_person("Rita", Role.REVIEWER).id
    wrong = project.add_annotation(1, 1, Box(10, 10, 40, 40), ana)
    project.add_annotation(1, 1, Box(11, 10, 41, 40), ben)
    for person in (ana, ben):
        project.mark_answered(1, person)
    review = project.review_annotation(
        wrong.id, rita, "fix", reason="box", fix_geometry=Box(60, 60, 100, 100)
    )
    assert review.decision.value == "fix"
    report = agreement_report(project)
    assert report.annotators == ["Ana", "Ben"]  # Rita is no annotator
    [pair] = report.to_dict()["objects"]["pairs"]
    assert (pair["a"], pair["b"], pair["matched"]) == ("Ana", "Ben", 1)  # what each made
    assert not disagreements_all_pairs(project)
    consensus = project_consensus(project)[1]
    assert consensus.annotators == (ana, ben)
    export = export_dataset(project, tmp_path / "out", ExportOptions(format="coco"))
    document = json.loads((tmp_path / "out" / "annotations" / "instances_all.json").read_text())
    boxes = sorted(a["bbox"] for a in document["annotations"])
    assert [60.0, 60.0, 40.0, 40.0] in boxes  # the fixed version is exported
    assert export.manifest["excluded"] == [
        e for e in export.manifest["excluded"] if e["image_id"] != 1
    ]
    run = project.start_model_run("b" * 64, "m", {}, "cpu")
    project.add_predictions(run.id, 1, [(1, Box(60, 60, 100, 100), 0.9)])
    project.finish_model_run(run.id)
    truth = diagnose(project, run.id, "Ana").truth
    assert [s.geometry for s in truth.shapes[1]] == [Box(60, 60, 100, 100)]  # her fixed box


def test_suggest_passes_over_images_answered_with_nothing(
    three: tuple[Project, dict[str, int]],
) -> None:
    from labeler.core.curation.suggest import SuggestConfig, suggest_images

    project, ids = three
    dee = project.add_person("Dee", Role.ANNOTATOR).id
    project.assign_images([2], [*ids.values(), dee], overlap=4, blind=True)
    project.unmark_answered(2, ids["Cy"])
    project.mark_answered(2, ids["Cy"])
    assert project.image(2).status.value == "in_progress"  # Dee has not answered yet
    ranked = suggest_images(project, n=10, config=SuggestConfig(diversity=False))
    assert [s.image_id for s in ranked] == [3]  # image 2 was answered empty: not to label


def test_the_report_counts_empty_answers_and_says_what_was_left_out(
    three: tuple[Project, dict[str, int]],
) -> None:
    from labeler.core.report.build import report_data
    from labeler.core.report.html import render_html

    project, _ = three
    run = project.start_model_run("c" * 64, "m", {}, "cpu")
    for image_id in (1, 2, 3):
        project.add_predictions(run.id, image_id, [(1, Box(5, 5, 50, 50), 0.9)])
    project.finish_model_run(run.id)
    data = report_data(project)
    assert data["project"]["answers"]["answered_empty"] == 5  # Bo, Cy on 1; all three on 2
    assert data["disagreements"]["by_type"]["missing"] == 2  # Ana's dent vs two empty answers
    assert data["diagnosis"]["images_left_out"] == {"not answered by anyone": 1}
    page = render_html(data)
    assert "answered empty" in page and "left out: not answered by anyone 1" in page


def test_time_on_an_empty_answer_counts_in_seconds_per_image(
    three: tuple[Project, dict[str, int]],
) -> None:
    project, ids = three
    project.add_image_time(1, ids["Bo"], 4.0)  # Bo looked, found nothing, answered
    project.add_image_time(2, ids["Bo"], 6.0)
    report = agreement_report(project)
    bo = next(p for p in report.people if p.name == "Bo")
    assert (bo.seconds_per_image.value, bo.seconds_per_image.n) == (5.0, 2)
