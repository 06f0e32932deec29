"""Versioned guidelines: drafts, rules, examples, publishing, re-review, acknowledgement, review."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from labeler.core.domain import ExampleKind, ExampleShape, ReviewDecision
from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.geometry import Box
from labeler.core.guideline_text import class_sections, diff_lines, section_numbers
from labeler.core.store import Project
from labeler.core.store.assignments import RoleError
from labeler.core.store.guidelines import AcknowledgementRequiredError, GuidelineError
from labeler.data import demo_guideline
from tests.core.store.test_migrations import make_v1_file

ROOT = Path(__file__).resolve().parents[3]
V1 = demo_guideline(1)
V2 = demo_guideline(2)


def ids(project: Project) -> dict[str, int]:
    return {c.name: c.id for c in project.classes()}


def test_markdown_sections_numbers_and_diff() -> None:
    sections = class_sections(V1, ["scratch", "crack", "dent", "chip"])
    assert set(sections) == {"scratch", "crack", "dent"}
    assert sections["crack"].startswith("### 3.2 crack")
    assert "3.3 dent" not in sections["crack"]
    assert {"2.1", "2.4", "3.1", "3.2", "3.3"} <= section_numbers(V1)
    assert diff_lines("a\nb\n", "a\nb\n") == []
    lines = diff_lines("a\nb\n", "a\nc\n", "v1", "v2")
    assert lines[:2] == ["--- v1", "+++ v2"] and "-b" in lines and "+c" in lines


def test_publish_numbers_hashes_and_rules(project: Project) -> None:
    quinn = project.add_person("quinn", "qa_lead")
    v1 = project.publish_guideline(V1, "first", quinn.id)
    assert (v1.number, v1.is_published, v1.author_id) == (1, True, quinn.id)
    assert set(project.guideline_rules(v1.id)) == {"scratch", "crack", "dent"}
    assert project.changed_classes(v1.id) == []
    assert project.draft_guideline() is None
    assert project.guideline_content_hash(v1.id) == v1.content_hash
    v2 = project.publish_guideline(V2, "crack vs scratch", quinn.id)
    assert v2.number == 2 and v2.content_hash != v1.content_hash
    assert project.changed_classes(v2.id) == ["crack", "dent"]
    assert [v.number for v in project.guideline_versions()] == [1, 2]
    assert project.current_guideline() == v2
    assert project.guideline_version(1) == v1  # published versions never change
    with pytest.raises(UnknownEntityError):
        project.guideline_version(9)
    with pytest.raises(UnknownEntityError, match="chip"):
        project.publish_guideline(V2 + "\nmore", "x", changed_classes=["chip"])
    assert project.draft_guideline() is None  # the failed publish rolled back


def test_draft_is_editable_and_published_version_is_not(project_with_images: Project) -> None:
    project = project_with_images
    v1 = project.publish_guideline(V1, "first")
    draft = project.save_draft(V1 + "\n## 4. Notes\nNew.", "adds notes")
    assert draft.number is None and not draft.is_published
    project.set_draft_rule("scratch", "### scratch\nAny line.")
    assert project.guideline_rules(draft.id)["scratch"] == "### scratch\nAny line."
    assert project.guideline_rules(v1.id)["scratch"] != "### scratch\nAny line."
    image = project.images()[0]
    example = project.add_guideline_example(
        image.id,
        ExampleKind.NEGATIVE,
        [ExampleShape("scratch", Box(1, 1, 20, 20))],
        class_name="scratch",
        note="a reflection",
    )
    assert example.version_id == draft.id
    v2 = project.publish_draft()
    assert v2.number == 2 and v2.changelog == "adds notes"
    assert project.changed_classes(v2.id) == ["scratch"]
    with pytest.raises(GuidelineError, match="published"):
        project.remove_guideline_example(example.id)
    with pytest.raises(GuidelineError, match="no draft"):
        project.publish_draft()
    # A new draft starts as a copy of the version in force, examples included.
    draft3 = project.ensure_draft()
    assert [e.note for e in project.guideline_examples(draft3.id)] == ["a reflection"]
    assert project.guideline_diff(2, None).changed_classes == ()


def test_publishing_changed_classes_queues_older_labels(project_with_images: Project) -> None:
    project = project_with_images
    c = ids(project)
    ana = project.add_person("ana")
    rita = project.add_person("rita", "reviewer")
    image = project.images()[0]
    before = project.add_annotation(image.id, c["crack"], Box(1, 1, 30, 30), ana.id)
    project.publish_guideline(V1, "first")
    crack = project.add_annotation(image.id, c["crack"], Box(2, 2, 30, 30), ana.id)
    scratch = project.add_annotation(image.id, c["scratch"], Box(3, 3, 30, 30), ana.id)
    dent = project.add_annotation(image.id, c["dent"], Box(4, 4, 30, 30), ana.id)
    project.delete_annotation(dent.id)
    v2 = project.publish_guideline(V2, "crack vs scratch")
    queue = project.rereview_queue()
    assert [i.annotation_id for i in queue] == [before.id, crack.id]
    assert [(i.made_under, i.queued_by, i.class_name) for i in queue] == [
        (None, 2, "crack"),
        (1, 2, "crack"),
    ]
    assert project.info()["rereview_open"] == 2
    other_image = project.images()[1]
    assert project.rereview_queue(image_id=image.id) == queue
    assert project.rereview_queue(image_id=other_image.id) == []
    newer = project.add_annotation(image.id, c["crack"], Box(5, 5, 30, 30), ana.id)
    assert newer.guideline_version_id == v2.id
    assert newer.id not in {i.annotation_id for i in project.rereview_queue()}
    project.acknowledge(rita.id)
    project.review_annotation(crack.id, rita.id, "accept", section="3.2")
    assert [i.annotation_id for i in project.rereview_queue()] == [before.id]
    assert len(project.rereview_queue(include_resolved=True)) == 2
    assert scratch.id not in {i.annotation_id for i in project.rereview_queue(True)}


def test_diff_between_versions(project: Project) -> None:
    project.publish_guideline(V1, "first")
    project.publish_guideline(V2, "second")
    diff = project.guideline_diff(1, 2)
    assert diff.old_number == 1 and diff.new_number == 2
    assert diff.changed_classes == ("crack", "dent")
    assert set(diff.rules) == {"crack", "dent"}
    assert any(line.startswith("+- Edge case (new in v2)") for line in diff.rules["crack"])
    assert diff.text[0] == "--- v1" and any(line.startswith("+") for line in diff.text[2:])
    assert diff.to_dict()["changed_classes"] == ["crack", "dent"]
    assert project.guideline_diff(2, 2).text == ()


def test_acknowledgement(project: Project) -> None:
    ana = project.add_person("ana")
    assert project.needs_acknowledgement(ana.id) is None  # nothing published yet
    v1 = project.publish_guideline(V1, "first")
    assert project.needs_acknowledgement(ana.id) == v1
    with pytest.raises(AcknowledgementRequiredError, match="version 1"):
        project.require_acknowledgement(ana.id)
    ack = project.acknowledge(ana.id)
    assert project.acknowledge(ana.id, v1.id) == ack  # idempotent, same time
    assert project.needs_acknowledgement(ana.id) is None
    draft = project.save_draft(V2)
    with pytest.raises(GuidelineError, match="published"):
        project.acknowledge(ana.id, draft.id)
    v2 = project.publish_draft("second")
    assert project.needs_acknowledgement(ana.id) == v2
    assert [a.version_id for a in project.acknowledgements()] == [v1.id]
    assert [e.action for e in project.events("guideline")][-1] == "publish"


def test_edge_case_example_from_a_disagreement(project_with_images: Project) -> None:
    project = project_with_images
    c = ids(project)
    ana, vik = project.add_person("ana"), project.add_person("vik", organization="Vendor A")
    quinn = project.add_person("quinn", "qa_lead")
    v1 = project.publish_guideline(V1, "first")
    image = project.images()[1]
    project.add_annotation(image.id, c["crack"], Box(10, 10, 60, 40), ana.id)
    project.add_annotation(image.id, c["scratch"], Box(12, 10, 60, 42), vik.id)
    example = project.add_edge_case_example(
        image.id, "crack or scratch?", quinn.id, class_name="crack"
    )
    assert example.kind is ExampleKind.EDGE_CASE and example.added_by == quinn.id
    assert [(s.class_name, s.annotator) for s in example.shapes] == [
        ("crack", "ana"),
        ("scratch", "vik"),
    ]
    assert project.guideline_examples(v1.id) == []
    v2 = project.publish_draft("edge case", author_id=quinn.id)
    assert project.changed_classes(v2.id) == ["crack"]
    assert project.guideline_diff(1, 2).examples_added == 1
    with pytest.raises(RoleError, match="annotator cannot edit guideline"):
        project.add_edge_case_example(image.id, "mine", ana.id)
    with pytest.raises(RoleError):
        project.publish_guideline(V1, "by an annotator", ana.id)
    with pytest.raises(UnknownEntityError):
        project.add_guideline_example(999, "positive")
    with pytest.raises(UnknownEntityError, match="chip"):
        project.add_guideline_example(image.id, "positive", [ExampleShape("chip", Box(1, 1, 5, 5))])


def test_review_fix_reject_and_rejected_work(project_with_images: Project) -> None:
    project = project_with_images
    c = ids(project)
    ana, rita = project.add_person("ana"), project.add_person("rita", "reviewer")
    project.publish_guideline(V1, "first")
    image = project.images()[0]
    loose = project.add_annotation(image.id, c["scratch"], Box(1, 1, 80, 80), ana.id)
    wrong = project.add_annotation(image.id, c["scratch"], Box(5, 5, 40, 20), ana.id)
    with pytest.raises(AcknowledgementRequiredError):
        project.review_annotation(loose.id, rita.id, "reject")
    with pytest.raises(RoleError, match="annotator cannot review"):
        project.review_annotation(loose.id, ana.id, "accept")
    project.acknowledge(rita.id)
    with pytest.raises(GuidelineError, match=r"no section '9\.9'"):
        project.review_annotation(loose.id, rita.id, "reject", section="9.9")
    with pytest.raises(LabelerError, match="needs a new shape"):
        project.review_annotation(wrong.id, rita.id, "fix")
    rejected = project.review_annotation(
        loose.id, rita.id, ReviewDecision.REJECT, reason="box too loose", section="2.1"
    )
    assert rejected.guideline_version_id == project.current_guideline_id()
    review = project.review_annotation(
        wrong.id, rita.id, "fix", reason="a crack", section="3.2", fix_class_id=c["crack"]
    )
    details = project.review_details(review.id)
    fixed = project.annotation(details["fix_annotation_id"])
    assert (fixed.replaces_id, fixed.class_id, fixed.annotator_id) == (
        wrong.id,
        c["crack"],
        rita.id,
    )
    assert details["section"] == "3.2" and details["guideline_number"] == 1
    with pytest.raises(UnknownEntityError):
        project.annotation(wrong.id)  # replaced by the fix
    [back] = project.rejected_work(ana.id)
    assert (back.annotation_id, back.reason, back.section) == (loose.id, "box too loose", "2.1")
    time.sleep(0.002)
    project.update_annotation(loose.id, geometry=Box(1, 1, 40, 40), person_id=ana.id)
    assert project.rejected_work(ana.id) == []
    log = project.review_log()
    assert [(r["decision"], r["guideline"]) for r in log] == [("reject", 1), ("fix", 1)]


def test_migration_backfills_uids_and_new_rows_get_one(tmp_path: Path) -> None:
    path = tmp_path / "old.labeler"
    make_v1_file(path)
    with Project.open(path) as project:
        [old] = project.annotations()
        project.add_annotation(old.image_id, old.class_id, Box(3, 3, 20, 20), old.annotator_id)
    conn = sqlite3.connect(path)
    uids = [r[0] for r in conn.execute("SELECT uid FROM annotations ORDER BY id")]
    conn.close()
    assert len(uids) == 2 and all(len(u) == 32 for u in uids) and uids[0] != uids[1]
