"""Gold images: the reference is the reviewed labels, answers are scored, and never become labels.

The small case, counted by hand (boxes; scratch=1, crack=2, dent=3):

- G1 (gold): Ana's scratch (10,10)-(50,50) and crack (60,60)-(100,100), both accepted
  by Quinn: the reference holds 2 objects.
- G2 (gold): Ana answered it empty, Quinn accepted the image: an empty reference.
- Vik on G1: scratch (12,12)-(50,50) (IoU 38*38/40*40 = 0.9025), dent on the crack
  (same place, wrong class), and an extra scratch (110,10)-(150,50): 1 match, 1 class
  mismatch, 3 answered -> F1 2*1/(2+3) = 0.4. On G2 "nothing here": correct.
- Bea on G1 "nothing here": both reference objects missed (false empty). On G2 a
  scratch (5,5)-(25,25): wrong on an empty gold image.

Vik: F1 0.4, mean IoU 0.9025, class accuracy 1/2, empty_gold 1 (correct 1), item
scores 0.4 and 1 -> mean 0.7. Bea: F1 0/(2+1) = 0, false_empty 1, empty_gold 1
(correct 0). Overall: 1 match over 4 reference + 4 answered objects -> F1 0.25.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labeler.core.agreement import agreement_report
from labeler.core.commands import SetAnswered
from labeler.core.consensus import project_consensus
from labeler.core.diagnosis.truth import resolve_truth
from labeler.core.events import Entity
from labeler.core.export import ExportOptions, export_dataset
from labeler.core.geometry import Box
from labeler.core.gold import gold_report, score_answer
from labeler.core.store import Project
from labeler.core.store.assignments import RoleError
from labeler.core.store.gold import GoldError


@pytest.fixture
def gold_case(project_with_images: Project) -> Project:
    """The case of the module docstring (image 3 is an ordinary image both vendors label)."""
    project = project_with_images
    quinn = project.add_person("Quinn", "qa_lead")
    ana = project.add_person("Ana")
    vik = project.add_person("Vik", organization="Vendor A")
    bea = project.add_person("Bea", organization="Vendor B")
    g1, g2, plain = (i.id for i in project.images())
    scratch = project.add_annotation(g1, 1, Box(10, 10, 50, 50), ana.id)
    crack = project.add_annotation(g1, 2, Box(60, 60, 100, 100), ana.id)
    SetAnswered(g1, ana.id).apply(project)
    SetAnswered(g2, ana.id).apply(project)
    project.review_annotation(scratch.id, quinn.id, "accept")
    project.review_annotation(crack.id, quinn.id, "accept")
    project.add_review("image", g2, quinn.id, "accept")
    project.mark_gold(g1, quinn.id)
    project.mark_gold(g2, quinn.id)
    # The vendors' work, after the images became gold.
    project.add_annotation(g1, 1, Box(12, 12, 50, 50), vik.id)
    project.add_annotation(g1, 3, Box(60, 60, 100, 100), vik.id)
    project.add_annotation(g1, 1, Box(110, 10, 150, 50), vik.id)
    SetAnswered(g1, vik.id).apply(project)
    SetAnswered(g2, vik.id).apply(project)
    SetAnswered(g1, bea.id).apply(project)
    project.add_annotation(g2, 1, Box(5, 5, 25, 25), bea.id)
    SetAnswered(g2, bea.id).apply(project)
    for person in (vik, bea):
        project.add_annotation(plain, 1, Box(20, 20, 60, 60), person.id)
        SetAnswered(plain, person.id).apply(project)
    return project


def test_the_reference_is_the_reviewed_labels_and_an_empty_image_is_legal(
    gold_case: Project,
) -> None:
    g1, g2, plain = (i.id for i in gold_case.images())
    refs = gold_case.gold_references()
    assert sorted(refs) == [g1, g2]
    assert [(r.class_id, r.geometry) for r in refs[g1]] == [
        (1, Box(10, 10, 50, 50)),
        (2, Box(60, 60, 100, 100)),
    ]
    assert refs[g2] == []  # "nothing here" is a gold answer
    assert [g.reference_count for g in gold_case.gold_images()] == [2, 0]
    quinn = gold_case.person_by_name("Quinn")
    assert quinn is not None
    with pytest.raises(GoldError, match="no reviewed labels"):
        gold_case.mark_gold(plain, quinn.id)  # Vik's and Bea's box were never reviewed
    ana = gold_case.person_by_name("Ana")
    assert ana is not None
    with pytest.raises(RoleError):
        gold_case.mark_gold(g1, ana.id)
    kinds = [c.entity for c in _changes(gold_case, lambda: gold_case.unmark_gold(g2, quinn.id))]
    assert kinds == [Entity.GOLD]
    assert gold_case.gold_image_ids() == {g1}


def test_a_rejected_label_is_not_reference_and_a_fix_is(project_with_images: Project) -> None:
    project = project_with_images
    quinn = project.add_person("Quinn", "qa_lead")
    ana = project.add_person("Ana")
    image = project.images()[0].id
    kept = project.add_annotation(image, 1, Box(0, 0, 20, 20), ana.id)
    wrong = project.add_annotation(image, 2, Box(30, 30, 60, 60), ana.id)
    moved = project.add_annotation(image, 3, Box(70, 70, 90, 90), ana.id)
    project.review_annotation(kept.id, quinn.id, "accept")
    project.review_annotation(wrong.id, quinn.id, "reject")
    project.review_annotation(moved.id, quinn.id, "fix", fix_geometry=Box(72, 72, 92, 92))
    project.mark_gold(image, quinn.id)
    reference = project.gold_references()[image]
    assert [(r.class_id, r.geometry) for r in reference] == [
        (1, Box(0, 0, 20, 20)),
        (3, Box(72, 72, 92, 92)),
    ]


def _changes(project: Project, action: object) -> list:
    heard: list = []
    unsubscribe = project.changes.subscribe(heard.append)
    try:
        action()  # type: ignore[operator]
    finally:
        unsubscribe()
    return heard


def test_scores_match_the_hand_count(gold_case: Project) -> None:
    report = gold_report(gold_case)
    vik, bea = report.person("Vik"), report.person("Bea")
    assert vik is not None and bea is not None
    assert vik.items == 2 and vik.f1.value == pytest.approx(0.4)
    assert vik.mean_iou.value == pytest.approx(0.9025)
    assert vik.class_accuracy.value == pytest.approx(0.5)
    assert (vik.empty_gold, vik.empty_correct, vik.false_empty) == (1, 1, 0)
    assert vik.mean_item_score.value == pytest.approx(0.7)
    assert bea.f1.value == 0.0 and not bea.mean_iou.defined and not bea.class_accuracy.defined
    assert (bea.empty_gold, bea.empty_correct, bea.false_empty) == (1, 0, 1)
    assert (bea.reference_objects, bea.answered_objects) == (2, 1)
    assert report.overall.f1.value == pytest.approx(0.25)
    assert report.gold_images == 2
    classes = dict(report.classes)
    assert classes["scratch"].f1.value == pytest.approx(2 * 1 / (2 + 3))
    assert classes["crack"].f1.value == 0.0 and classes["crack"].class_accuracy.value == 0.0
    assert (classes["dent"].reference_objects, classes["dent"].answered_objects) == (0, 1)
    assert [name for name, _ in report.guideline_versions] == ["none"]
    worst = [(i.person, i.score) for i in report.items]
    assert worst[0][1] == 0.0 and worst[-1] == ("Vik", 1.0)
    assert len(report.items) == 4
    data = json.loads(json.dumps(report.to_dict()))
    assert data["people"][0]["person"] == "Bea" and data["people"][0]["mean_iou"]["value"] is None


def test_score_answer_on_empty_gold_and_tags() -> None:
    from labeler.core.geometry import Tag

    empty, per_class = score_answer([], [])
    assert empty.score_sum == 1.0 and empty.empty_correct == 1 and per_class == {}
    tags, _ = score_answer([(1, 5, Tag()), (2, 6, Tag())], [(3, 5, Tag())])
    assert (tags.matched, tags.reference_objects, tags.answered_objects) == (1, 2, 1)
    assert tags.f1.value == pytest.approx(2 / 3) and not tags.mean_iou.defined


def test_gold_answers_never_become_labels(gold_case: Project, tmp_path: Path) -> None:
    g1, g2, plain = (i.id for i in gold_case.images())
    consensus = project_consensus(gold_case)
    assert sorted((x.class_id, x.geometry) for x in consensus[g1].labels) == [
        (1, Box(10, 10, 50, 50)),
        (2, Box(60, 60, 100, 100)),
    ]
    assert consensus[g2].labels == []
    ana = gold_case.person_by_name("Ana")
    assert ana is not None and set(consensus[g2].annotators) == {ana.id}
    result = export_dataset(gold_case, tmp_path / "out", ExportOptions(format="coco"))
    coco = json.loads((tmp_path / "out" / "annotations" / "instances_all.json").read_text())
    by_image: dict[int, list] = {}
    names = {i["id"]: i["file_name"] for i in coco["images"]}
    for a in coco["annotations"]:
        by_image.setdefault(a["image_id"], []).append(a["bbox"])
    files = {Path(names[k]).name: sorted(v) for k, v in by_image.items()}
    assert files["img0.png"] == [[10, 10, 40, 40], [60, 60, 40, 40]]
    assert "img1.png" not in files and "img1.png" in {Path(n).name for n in names.values()}
    assert result.manifest["export"]["format"] == "coco"
    report = agreement_report(gold_case)
    assert report.images_compared == 1  # the ordinary image: gold answers are not compared
    truth = resolve_truth(gold_case, {g1, g2, plain})
    kept = set(truth.columns.id.tolist())
    assert kept >= {a.id for a in gold_case.annotations(image_id=g1) if a.annotator_id == ana.id}
    assert not kept & gold_case.gold_answer_annotation_ids()
    assert truth.sources[g1] == "reviewed" and truth.sources[g2] == "empty"  # Bea's box: no


def test_unmarking_gives_the_answers_back_as_labels(gold_case: Project) -> None:
    g1 = gold_case.images()[0].id
    quinn = gold_case.person_by_name("Quinn")
    assert quinn is not None
    gold_case.unmark_gold(g1, quinn.id)
    consensus = project_consensus(gold_case)
    assert len(consensus[g1].annotators) == 3  # Ana, Vik and Bea vote again


def test_marking_is_an_undoable_edit(gold_case: Project) -> None:
    from labeler.core.gold_edits import MarkGold

    g1, g2, _plain = (i.id for i in gold_case.images())
    quinn = gold_case.person_by_name("Quinn")
    assert quinn is not None
    before = gold_case.gold_snapshot(g1)
    undo = MarkGold(g1, quinn.id, gold=False).apply(gold_case)
    assert gold_case.gold_image_ids() == {g2}
    redo = undo.apply(gold_case)  # back exactly: same time marked, same reference
    assert gold_case.gold_snapshot(g1) == before
    redo.apply(gold_case)
    assert gold_case.gold_snapshot(g1) is None
    undo_mark = MarkGold(g1, quinn.id).apply(gold_case)
    assert gold_case.gold_snapshot(g1) is not None
    undo_mark.apply(gold_case)
    assert gold_case.gold_snapshot(g1) is None
    assert [e.action for e in gold_case.events("gold", g1)] == [
        "mark",  # the fixture
        "unmark",
        "restore",
        "unmark",
        "mark",
        "restore",
    ]
