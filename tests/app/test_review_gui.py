"""The Review panel on the real window: queues, accept/reject/fix, returned work, blind mode, QA."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from labeler.app.main_window import MainWindow
from labeler.core.domain import AssignmentTask, ReviewDecision, Role
from labeler.core.geometry import Box
from labeler.core.store import Project
from tests.app.conftest import Mouse, add_predictions, open_window, stored

pytestmark = pytest.mark.gui

GUIDELINE_V2 = (
    "# Guideline\n\n## 1 General\n\n- 1.1 Box every defect.\n\n"
    "## 3.1 scratch\n\nA thin line. Box it end to end.\n\n"
    "## 3.2 crack\n\nBranching lines from an impact point.\n"
)


@pytest.fixture
def review_path(project_path: Path) -> Path:
    """alice's two boxes on image 0 and one on image 1 (made under v1), then v2 with
    numbered sections; images 0 and 1 assigned to rita for review; quinn is QA lead."""
    with Project.open(project_path) as project:
        alice, rita = project.person_by_name("alice"), project.person_by_name("rita")
        assert alice is not None and rita is not None
        quinn = project.add_person("quinn", Role.QA_LEAD, "in-house")
        scratch, crack = project.class_by_name("scratch"), project.class_by_name("crack")
        assert scratch is not None and crack is not None
        images = project.images()
        project.add_annotation(images[0].id, scratch.id, Box(20, 20, 80, 70), alice.id)
        project.add_annotation(images[0].id, crack.id, Box(150, 100, 220, 160), alice.id)
        project.add_annotation(images[1].id, scratch.id, Box(30, 30, 90, 90), alice.id)
        project.publish_guideline(GUIDELINE_V2, "Numbered sections", quinn.id)
        project.assign_images([images[0].id, images[1].id], [rita.id], AssignmentTask.REVIEW)
        for person in (rita, quinn):
            project.acknowledge(person.id)
    return project_path


@pytest.fixture
def rita_window(qtbot: QtBot, review_path: Path) -> Iterator[MainWindow]:
    """The window signed in as rita (reviewer), who acknowledged v2."""
    main = open_window(qtbot, review_path, "rita")
    yield main
    main.close()


def _pick_section(window: MainWindow, number: str) -> None:
    picker = window.review_panel.section_picker
    picker.setCurrentIndex(picker.findData(number))


def _click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_reviewer_walks_the_queue_and_accepts_and_rejects(
    qtbot: QtBot, rita_window: MainWindow, review_path: Path
) -> None:
    panel = rita_window.review_panel
    queue = panel.show_list("queue")
    assert [row.cells[1] for row in queue.rows()] == [
        "2 to decide (2 re-review)",
        "1 to decide (1 re-review)",
    ]
    assert queue.select_row(0)
    image_id = queue.rows()[0].image_id
    qtbot.waitUntil(lambda: rita_window.current_image_id() == image_id)
    assert panel.image_annotations.count() == 2
    first, second = (rita_window.controller.annotations[i].id for i in (0, 1))
    panel.image_annotations.setCurrentRow(0)  # the list selects the shape on the canvas
    assert panel.selected_annotation_id() == first
    _click(qtbot, panel.reject_button)  # no section picked: refused with a message
    assert "section" in panel.message.text()
    _pick_section(rita_window, "3.1")
    panel.reason_edit.setText("Box is not tight")
    _click(qtbot, panel.reject_button)
    assert panel.selected_annotation_id() == second  # moves on to the next undecided shape
    _click(qtbot, panel.accept_button)
    with stored(review_path) as project:
        reviews = {r.target_id: r for r in project.reviews("annotation")}
        assert reviews[first].decision is ReviewDecision.REJECT
        assert reviews[first].reason == "Box is not tight"
        assert project.review_details(reviews[first].id)["section"] == "3.1"
        assert reviews[second].decision is ReviewDecision.ACCEPT
        assert project.review_details(reviews[second].id)["guideline_number"] == 2
    qtbot.waitUntil(lambda: queue.rows()[0].cells[1] == "all decided")
    assert "rejected" in panel.image_annotations.item(0).text()
    assert panel.step()  # next in the queue: the second image
    qtbot.waitUntil(lambda: rita_window.current_image_id() == queue.rows()[1].image_id)


def test_fix_is_the_shape_dragged_on_the_canvas(
    qtbot: QtBot, rita_window: MainWindow, review_path: Path
) -> None:
    panel = rita_window.review_panel
    panel.show_list("queue").select_row(0)
    target = rita_window.controller.annotations[0]
    mouse = Mouse(rita_window)
    mouse.click(50, 45)
    assert panel.selected_annotation_id() == target.id
    mouse.drag((50, 45), (70, 55))  # move by (20, 10): held as a pending fix, not saved
    pending = panel.pending_fix(target.id)
    assert isinstance(pending, Box) and math.isclose(pending.x1, 40, abs_tol=1.5)
    with stored(review_path) as project:
        assert project.annotation(target.id).geometry == target.geometry
    assert "fix pending" in panel.image_annotations.item(0).text()
    _pick_section(rita_window, "1.1")
    _click(qtbot, panel.fix_button)
    with stored(review_path) as project:
        [review] = project.reviews("annotation", target.id)
        assert review.decision is ReviewDecision.FIX
        fix_id = project.review_details(review.id)["fix_annotation_id"]
        fixed = project.annotation(fix_id)
        assert fixed.replaces_id == target.id
        assert fixed.annotator_id == rita_window.workspace.person.id
        assert isinstance(fixed.geometry, Box) and math.isclose(fixed.geometry.x1, 40, abs_tol=1.5)
        assert target.id not in {a.id for a in project.annotations(target.image_id)}
    assert panel.pending_fix(target.id) is None

    rita_window.undo()  # the fix is an edit like any other: Ctrl+Z takes it back
    with stored(review_path) as project:
        assert project.reviews("annotation", target.id) == []
        live = {a.id for a in project.annotations(target.image_id)}
        assert target.id in live and fix_id not in live
        assert [e.action for e in project.events("review")][-1] == "withdraw"
    rita_window.redo()
    with stored(review_path) as project:
        [again] = project.reviews("annotation", target.id)
        assert again.decision is ReviewDecision.FIX
        assert project.review_details(again.id)["section"] == "1.1"
        refixed = project.annotation(project.review_details(again.id)["fix_annotation_id"])
        assert refixed.geometry == fixed.geometry
        assert target.id not in {a.id for a in project.annotations(target.image_id)}


def test_rejected_work_returns_to_the_annotator_with_the_reason(
    qtbot: QtBot, review_path: Path
) -> None:
    with Project.open(review_path) as project:
        rita = project.person_by_name("rita")
        assert rita is not None
        annotation = project.annotations(project.images()[1].id)[0]
        project.review_annotation(
            annotation.id, rita.id, "reject", reason="Covers two scratches", section="3.1"
        )
    window = open_window(qtbot, review_path, "alice")
    try:
        panel = window.review_panel
        returned = panel.show_list("returned")
        [row] = returned.rows()
        assert row.cells[2:] == ("§3.1", "Covers two scratches")
        assert "queue" not in panel.lists and "audit" not in panel.lists  # annotators label
        assert returned.select_row(0)
        qtbot.waitUntil(lambda: window.current_image_id() == annotation.image_id)
        assert window.canvas_view.selected_key is not None
        assert "Covers two scratches" in panel.message.text()
    finally:
        window.close()


def test_blind_assignment_hides_other_people_and_prelabels(qtbot: QtBot, review_path: Path) -> None:
    add_predictions(review_path, image_index=0)
    with Project.open(review_path) as project:
        bob = project.add_person("bob", Role.ANNOTATOR)
        alice = project.person_by_name("alice")
        assert alice is not None
        image = project.images()[0]
        project.assign_images([image.id], [alice.id], blind=True, hide_prelabels=True)
        scratch = project.class_by_name("scratch")
        assert scratch is not None
        project.add_annotation(image.id, scratch.id, Box(100, 20, 140, 60), bob.id)
    window = open_window(qtbot, review_path, "alice")
    try:
        window.workspace.set_only_own_annotations(False)  # blind still hides bob's work
        annotators = {a.annotator_id for a in window.controller.annotations}
        assert annotators == {window.workspace.person.id}
        assert window.controller.predictions == []
    finally:
        window.close()
    reviewer = open_window(qtbot, review_path, "rita")  # reviewers see everything
    try:
        assert len({a.annotator_id for a in reviewer.controller.annotations}) == 2
        assert len(reviewer.controller.predictions) == 2
    finally:
        reviewer.close()


def test_qa_lead_audits_reads_the_log_and_adds_an_edge_case(
    qtbot: QtBot, review_path: Path
) -> None:
    with Project.open(review_path) as project:
        rita = project.person_by_name("rita")
        assert rita is not None
        first = project.annotations(project.images()[0].id)[0]
        project.review_annotation(first.id, rita.id, "reject", reason="Loose", section="3.1")
    window = open_window(qtbot, review_path, "quinn")
    try:
        panel = window.review_panel
        log = panel.show_list("log")
        [entry] = log.rows()
        assert entry.cells[1:3] == ("rita", "reject") and entry.cells[4:6] == ("§3.1", "v2")
        rereview = panel.show_list("rereview")
        assert len(rereview.rows()) == 2  # alice's v1 labels re-queued by v2, one reviewed
        assert rereview.select_row(1)
        qtbot.waitUntil(lambda: window.current_image_id() == rereview.rows()[1].image_id)
        assert window.canvas_view.selected_key is not None
        panel.show_list("audit")
        _click(qtbot, panel.audit_button)
        audit = panel.lists["audit"]
        assert len(audit.rows()) == 3 and {r.group for r in audit.rows()} == {"alice"}
        assert audit.select_row(0)
        qtbot.waitUntil(lambda: window.current_image_id() == audit.rows()[0].image_id)
        example = panel.add_edge_case("Loose box: see 3.1")
        assert example is not None
        with stored(review_path) as project:
            draft = project.draft_guideline()
            assert draft is not None
            [stored_example] = project.guideline_examples(draft.id)
            assert stored_example.note == "Loose box: see 3.1"
            assert stored_example.image_id == window.current_image_id()
            assert {s.annotator for s in stored_example.shapes} == {"alice"}
        window.undo()  # adding an edge case is an edit like any other
        with stored(review_path) as project:
            assert project.guideline_examples(draft.id) == []
        window.redo()
        with stored(review_path) as project:
            [again] = project.guideline_examples(draft.id)
            assert (again.note, again.shapes) == (stored_example.note, stored_example.shapes)
    finally:
        window.close()


def test_an_unread_guideline_refuses_the_review_and_offers_it(
    qtbot: QtBot, review_path: Path
) -> None:
    with Project.open(review_path) as project:
        project.publish_guideline(GUIDELINE_V2 + "\n- 1.2 Never guess.\n", "v3")
    window = open_window(qtbot, review_path, "rita")
    try:
        panel = window.review_panel
        panel.show_list("queue").select_row(0)
        panel.image_annotations.setCurrentRow(0)
        qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
        assert "acknowledge guideline version 3" in panel.message.text()
        qtbot.waitUntil(lambda: window.guideline_ui.dialog is not None)
        with stored(review_path) as project:
            assert project.reviews() == []
    finally:
        window.close()


def test_editing_returned_work_takes_it_off_the_list(qtbot: QtBot, review_path: Path) -> None:
    with Project.open(review_path) as project:
        rita = project.person_by_name("rita")
        assert rita is not None
        annotation = project.annotations(project.images()[0].id)[0]
        project.review_annotation(annotation.id, rita.id, "reject", reason="Loose", section="3.1")
    window = open_window(qtbot, review_path, "alice")
    try:
        returned = window.review_panel.show_list("returned")
        assert len(returned.rows()) == 1 and returned.select_row(0)
        Mouse(window).drag((50, 45), (55, 50))  # the annotator corrects the shape
        qtbot.waitUntil(lambda: returned.rows() == [], timeout=3000)
    finally:
        window.close()
