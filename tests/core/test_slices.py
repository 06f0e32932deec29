"""Slices: rules evaluated and frozen, re-evaluated with a diff, sent to work, what changed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from labeler.core.domain import AssignmentTask, ImageStatus, Role
from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.events import Change, Entity
from labeler.core.geometry import Box, Tag
from labeler.core.slices import (
    SliceRuleError,
    diff_slice,
    evaluate_rule,
    parse_rule,
    refresh_slice,
    rule_for_images,
    rule_text,
    save_image_slice,
    save_slice,
    send_to_people,
    slice_changes,
    slice_image_ids,
)
from labeler.core.store import Project
from labeler.core.store.slices import SliceNameError, UnknownSliceError
from tests.core.diagnosis.two_runs import CRACK, DENT, SCRATCH, TwoRuns, make_two_runs


@pytest.fixture
def two(tmp_path: Path) -> TwoRuns:
    return make_two_runs(tmp_path)


def _match(project: Project, text: str) -> list[int]:
    return evaluate_rule(project, parse_rule(text))


def test_rules_by_label_person_vendor_name_and_status(two: TwoRuns) -> None:
    img0, img1, img2, img3, img4 = two.images
    with Project.open(two.path) as project:
        assert _match(project, "class:dent") == [img1, img3]
        assert _match(project, "class:scratch class:dent") == [img3]  # every term holds
        assert _match(project, "person:alice") == two.images
        assert _match(project, "'vendor:acme'") == two.images
        assert _match(project, "name:img[12].png") == [img1, img2]
        assert _match(project, "path:images/img4*") == [img4]
        assert _match(project, "ids:1,3-4") == [1, 3, 4]
        assert _match(project, "status:rejected") == []
        assert _match(project, "all") == two.images
        blurry = project.add_class("blurry", "tag")
        bob = project.add_person("bob", Role.ANNOTATOR, "Vendor B")
        project.add_annotation(img2, blurry.id, Tag(), bob.id)
        project.mark_answered(img4, bob.id)  # an empty answer: bob saw nothing there
        assert _match(project, "tag:blurry") == [img2]
        assert _match(project, "'vendor:Vendor B'") == [img2, img4]
        version = project.publish_guideline("v1")
        project.add_annotation(img0, DENT, Box(1, 1, 20, 20), bob.id)
        assert version.number is not None
        assert _match(project, f"guideline:{version.number}") == [img0]


def test_model_errors_and_disagreements(two: TwoRuns) -> None:
    img0, img1, img2, img3, _ = two.images
    with Project.open(two.path) as project:
        assert _match(project, "fn:weak") == [img0, img3]
        assert _match(project, "fn:2:crack") == [img0]
        assert _match(project, "fn:weak:dent:missed") == [img3]
        assert _match(project, "fp:weak") == [img1]
        assert _match(project, "fn:strong") == [img2]  # its 0.3 scratch is below min score
        bob = project.add_person("bob")
        project.add_annotation(img1, SCRATCH, Box(20, 20, 60, 60), bob.id)  # alice: a dent
        assert _match(project, "disagreement:class_mismatch") == [img1]


def test_bad_rules_name_the_term(two: TwoRuns) -> None:
    with Project.open(two.path) as project:
        for text, message in (
            ("colour:red", "unknown slice rule term 'colour:red'"),
            ("class:rust", "no class named 'rust'"),
            ("status:lost", "use one of new"),
            ("fn:weak:rust", "use fn:RUN"),
            ("fn:9", "no model run with id 9"),
            ("curation:shiny", "use one of blurry"),
            ("ids:a-b", "bad image ids"),
            ("", "an empty slice rule"),
            ("'vendor:nobody", "No closing quotation"),
        ):
            with pytest.raises(LabelerError, match=message):
                _match(project, text)
        with pytest.raises(SliceRuleError):
            _match(project, "suggest:0")


def test_rule_text_round_trips() -> None:
    rule = parse_rule("class:dent 'vendor:Vendor A' fn:3:missed")
    assert rule_text(rule) == "class:dent 'vendor:Vendor A' fn:3:missed"
    assert parse_rule(rule_text(rule)) == rule
    assert rule_for_images([9, 1, 2, 3, 7]) == {"terms": [{"kind": "ids", "value": "1-3,7,9"}]}


def test_save_freezes_the_list_and_diff_shows_what_changed(two: TwoRuns) -> None:
    img0, img1, _, img3, _ = two.images
    with Project.open(two.path) as project:
        heard: list[Change] = []
        project.changes.subscribe(heard.append)
        saved = save_slice(project, "dents", parse_rule("class:dent"), "where dents are")
        assert (saved.name, saved.images, saved.note) == ("dents", 2, "where dents are")
        assert heard[-1].entity is Entity.SLICE and heard[-1].image_ids == (img1, img3)
        alice = project.person_by_name("alice")
        assert alice is not None
        dent = project.add_annotation(img0, DENT, Box(5, 5, 30, 30), alice.id)
        project.delete_annotation(
            next(a.id for a in project.annotations(image_id=img1) if a.class_id == DENT)
        )
        assert slice_image_ids(project, "dents") == [img1, img3]  # frozen
        diff = diff_slice(project, "dents")
        assert (diff.added, diff.removed) == ([img0], [img1])
        assert slice_image_ids(project, "dents") == [img1, img3]  # diff changes nothing
        refresh_slice(project, "dents")
        assert slice_image_ids(project, "dents") == [img0, img3]
        assert diff_slice(project, "dents").added == [] and dent.id


def test_names_are_unique_and_unknown_names_list_the_slices(two: TwoRuns) -> None:
    with Project.open(two.path) as project:
        save_image_slice(project, "picked", [1, 2])
        with pytest.raises(SliceNameError, match="already exists"):
            save_image_slice(project, " picked ", [3])
        with pytest.raises(SliceNameError, match="needs a name"):
            save_image_slice(project, "  ", [3])
        with pytest.raises(UnknownEntityError, match="no image with id 99"):
            save_image_slice(project, "ghost", [1, 99])
        with pytest.raises(UnknownSliceError, match="slices: 'picked'"):
            slice_image_ids(project, "pickd")
        empty = save_slice(project, "none", parse_rule("status:rejected"))
        assert empty.images == 0  # an empty slice is a slice
        project.delete_slice(project.slice_named("picked").id)
        assert [s.name for s in project.slices()] == ["none"]
    with Project.open(two.path) as project:  # slices live in the project file
        assert project.slice_named("none").rule == {
            "terms": [{"kind": "status", "value": "rejected"}]
        }


def test_send_to_people_then_see_what_changed(two: TwoRuns) -> None:
    img0, _, _, img3, _ = two.images
    with Project.open(two.path) as project:
        save_slice(project, "weak FNs", parse_rule("fn:weak"))
        ann = project.add_person("ann")
        ben = project.add_person("ben")
        work, made = send_to_people(
            project, "weak FNs", ["ann", "ben"], "false negatives of run 2", overlap=2, blind=True
        )
        assert made == 4 and work.kind == "assignments" and work.target == "ann, ben"
        mine = project.assignments_for(ann.id, AssignmentTask.ANNOTATE)
        assert {a.image_id for a in mine} == {img0, img3} and all(a.blind for a in mine)
        assert "false negatives of run 2" in mine[0].batch
        changes = slice_changes(project, "weak FNs")
        assert changes.since_what == "sent to ann, ben (assignments)" and not changes.changed()
        # "since" compares millisecond times: a label made in the same one reads as old
        time.sleep(0.002)
        project.add_annotation(img0, CRACK, Box(80, 20, 120, 60), ann.id)
        project.mark_answered(img0, ann.id)
        project.mark_answered(img3, ben.id)
        project.set_image_status(img3, ImageStatus.DONE)
        data = slice_changes(project, "weak FNs").to_dict()
        assert (data["changed"], data["labels_added"], data["answers"]) == (2, 1, 2)
        first = data["per_image"][0]
        assert first["image_id"] == img0 and first["by"] == ["ann"] and first["added"] == 1
        with pytest.raises(UnknownEntityError, match="no person named 'zed'"):
            send_to_people(project, "weak FNs", ["zed"], "")
