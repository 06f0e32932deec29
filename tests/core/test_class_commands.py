"""Class edits after a project is created: store, commands, undo, events, merge and split."""

from __future__ import annotations

import sqlite3

import pytest

from labeler.core.class_commands import (
    NO_IMAGE,
    AddClass,
    MergeClasses,
    RecolourClass,
    RemoveClass,
    RenameClass,
    ReorderClasses,
    SplitClass,
    moved_order,
)
from labeler.core.commands import AddAnnotation, DeleteAnnotation
from labeler.core.domain import ExampleShape
from labeler.core.events import Change, Entity
from labeler.core.geometry import Box
from labeler.core.store import Project
from labeler.core.store.assignments import RoleError
from labeler.core.store.class_edits import ClassEditError, rename_in_headings

HOSTILE = ["찌그러짐", "[/]", "<b>bold</b>", "a & b", "[red]x[/red]"]

GUIDE = """# Guide

## 1 General
- 1.1 Draw tight boxes

## 2 dent
Dents are dents.

## 3 crack (균열)
Cracks are thin.
"""


def ids(project: Project) -> dict[str, int]:
    return {c.name: c.id for c in project.classes()}


def saved(project: Project, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows as saved in the file, read through a second, read-only connection."""
    conn = sqlite3.connect(f"{project.path.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def snapshot(project: Project) -> tuple:
    """Everything a class edit may touch, to prove an undo restores it exactly."""
    annotations = saved(project, "SELECT id, class_id, deleted_at FROM annotations ORDER BY id")
    predictions = saved(project, "SELECT id, class_id FROM predictions ORDER BY id")
    counts = saved(
        project, "SELECT annotator_id, class_id, n FROM annotation_counts WHERE n > 0 ORDER BY 1, 2"
    )
    classes = saved(project, "SELECT * FROM classes ORDER BY id")
    draft = project.draft_guideline()
    guideline = (
        (
            draft.text,
            project.guideline_rules(draft.id),
            [(e.class_name, e.shapes) for e in project.guideline_examples(draft.id)],
        )
        if draft
        else None
    )
    return annotations, predictions, counts, classes, project.class_aliases(), guideline


@pytest.fixture
def work(project_with_images: Project) -> tuple[Project, int]:
    """Two people's boxes of crack and dent (one deleted), pre-labels of both."""
    project = project_with_images
    alice = project.add_person("alice", "qa_lead")
    bob = project.add_person("bob")
    names = ids(project)
    images = [i.id for i in project.images()]
    for n, image_id in enumerate(images):
        project.add_annotation(image_id, names["crack"], Box(1 + n, 1, 30, 30), alice.id)
        project.add_annotation(image_id, names["dent"], Box(2, 2, 40, 40), bob.id)
        project.add_annotation(image_id, names["scratch"], Box(3, 3, 20, 20), bob.id)
    gone = project.add_annotation(images[0], names["crack"], Box(5, 5, 9, 9), bob.id)
    project.delete_annotation(gone.id)
    run = project.start_model_run("sha", "m.onnx", {"conf": 0.25}, "CPUExecutionProvider")
    project.add_predictions(
        run.id,
        images[0],
        [(names["crack"], Box(1, 1, 9, 9), 0.8), (names["dent"], Box(2, 2, 8, 8), 0.7)],
    )
    project.finish_model_run(run.id)
    return project, alice.id


# Add, rename, recolour, reorder


def test_add_class_validates_and_undo_removes_it_while_unused(work: tuple[Project, int]) -> None:
    project, alice = work
    undo = AddClass("  찌그러짐 <b>  ", "polygon", "#12ab34", alice).apply(project)
    added = project.class_by_name("찌그러짐 <b>")
    assert added is not None and added.color == "#12AB34" and added.kind.value == "polygon"
    assert project.classes()[-1] == added and undo.image_id == NO_IMAGE
    assert isinstance(undo, RemoveClass)
    redo = undo.apply(project)
    assert project.class_by_name("찌그러짐 <b>") is None
    redo.apply(project)
    assert project.class_by_name("찌그러짐 <b>") == added  # same id back
    for bad, why in [
        ("", "non-empty"),
        ("   ", "non-empty"),
        ("Dent", "already exists"),
        ("dent", "already exists"),
        ("two\nlines", "one line"),
        ("x" * 201, "at most 200"),
    ]:
        with pytest.raises(ClassEditError, match=why):
            AddClass(bad).apply(project)
    with pytest.raises(ClassEditError, match="#RRGGBB"):
        AddClass("ok", color="red").apply(project)
    with pytest.raises(ClassEditError, match="kind is one of"):
        AddClass("ok", kind="circle").apply(project)  # type: ignore[arg-type]


def test_remove_refuses_a_class_in_use(work: tuple[Project, int]) -> None:
    project, _ = work
    undo = AddClass("fresh").apply(project)
    fresh = project.class_by_name("fresh")
    assert fresh is not None
    image_id = project.images()[0].id
    AddAnnotation(image_id, fresh.id, Box(1, 1, 5, 5), project.person_by_name("bob").id).apply(
        project
    )
    with pytest.raises(ClassEditError, match=r"'fresh' is in use \(1 annotations"):
        undo.apply(project)
    assert project.class_by_name("fresh") is not None


def test_rename_keeps_work_alias_and_undoes_exactly(work: tuple[Project, int]) -> None:
    project, alice = work
    before = snapshot(project)
    dent = ids(project)["dent"]
    heard: list[Change] = []
    project.changes.subscribe(heard.append)
    for name in HOSTILE:
        undo = RenameClass(dent, name, alice).apply(project)
        assert project.label_class(dent).name == name  # shown literally, stored literally
        assert len(project.annotations()) == 9
        assert project.resolve_class("dent").id == dent
        undo.apply(project)
        assert snapshot(project) == before
    assert Change(Entity.CLASS, "rename", (dent,)) in heard
    renames = [e for e in project.events("class", dent) if e.action == "rename"]
    assert [(e.before["name"], e.after["name"]) for e in renames][:2] == [
        ("dent", "찌그러짐"),
        ("찌그러짐", "dent"),
    ]
    assert all(e.person_id == alice for e in renames)


def test_rename_refuses_taken_and_earlier_names(work: tuple[Project, int]) -> None:
    project, _ = work
    names = ids(project)
    with pytest.raises(ClassEditError, match="'crack' already exists"):
        RenameClass(names["dent"], "CRACK").apply(project)
    RenameClass(names["dent"], "dent-big").apply(project)
    with pytest.raises(ClassEditError, match="earlier name of the class 'dent-big'"):
        RenameClass(names["crack"], "dent").apply(project)
    with pytest.raises(ClassEditError, match="earlier name"):
        AddClass("dent").apply(project)
    RenameClass(names["dent"], "Dent-Big").apply(project)  # only case: allowed
    RenameClass(names["dent"], "dent").apply(project)  # back to its own earlier name
    assert project.label_class(names["dent"]).name == "dent"
    assert {a.name for a in project.class_aliases(names["dent"])} == {"dent-big", "Dent-Big"}


def test_annotators_may_not_edit_classes(work: tuple[Project, int]) -> None:
    project, _ = work
    bob = project.person_by_name("bob")
    with pytest.raises(RoleError):
        RenameClass(ids(project)["dent"], "x", bob.id).apply(project)
    assert project.class_by_name("dent") is not None


def test_recolour_and_reorder_undo(work: tuple[Project, int]) -> None:
    project, alice = work
    names = ids(project)
    before = snapshot(project)
    undo = RecolourClass(names["crack"], "#000000", alice).apply(project)
    assert project.label_class(names["crack"]).color == "#000000"
    undo.apply(project)
    order = (names["dent"], names["scratch"], names["crack"])
    undo = ReorderClasses(order, alice).apply(project)
    assert tuple(c.id for c in project.classes()) == order
    undo.apply(project)
    assert snapshot(project) == before
    with pytest.raises(ClassEditError, match="every class exactly once"):
        ReorderClasses((names["dent"],)).apply(project)
    assert [e.action for e in project.events("class")][-4:] == [
        "recolour",
        "recolour",
        "reorder",
        "reorder",
    ]
    assert moved_order(order, names["crack"], -1) == (
        names["dent"],
        names["crack"],
        names["scratch"],
    )
    assert moved_order(order, names["dent"], -1) is None


# Merge


def test_merge_moves_everything_and_split_restores_exactly(work: tuple[Project, int]) -> None:
    project, alice = work
    names = ids(project)
    crack, scratch = names["crack"], names["scratch"]
    before = snapshot(project)
    counts_before = {(r["annotator"], r["class"]): r["n"] for r in project.live_annotation_counts()}
    undo = MergeClasses(crack, scratch, alice).apply(project)
    assert isinstance(undo, SplitClass)
    assert project.class_by_name("crack") is None
    assert project.resolve_class("crack").id == scratch
    moved = undo.record.annotation_ids
    assert len(moved) == 4  # three live, one deleted
    assert saved(project, "SELECT COUNT(*) FROM annotations WHERE class_id = ?", (crack,)) == [(0,)]
    assert {p.class_id for p in project.predictions(project.images()[0].id)} == {
        scratch,
        names["dent"],
    }
    counts = {(r["annotator"], r["class"]): r["n"] for r in project.live_annotation_counts()}
    assert counts[("alice", "scratch")] == counts_before[("alice", "crack")]
    assert project.live_annotation_count() == 9
    [event] = [e for e in project.events("class", crack) if e.action == "merge"]
    assert event.after["annotations"] == 4 and event.after["into_name"] == "scratch"
    # Work made on the merged class after the merge stays there when the merge is undone.
    image_id = project.images()[0].id
    late = AddAnnotation(image_id, scratch, Box(60, 60, 90, 90), alice).apply(project)
    redo = undo.apply(project)
    assert project.label_class(crack).name == "crack"
    late.apply(project)  # deleted (softly): the row stays, on scratch
    after = snapshot(project)
    assert after[0][:-1] == before[0] and after[0][-1][1] == scratch
    assert after[1:] == before[1:]
    again = redo.apply(project)
    assert project.class_by_name("crack") is None
    again.apply(project)
    assert snapshot(project)[1:] == before[1:]


def test_merge_refuses_itself_other_kinds_and_unknown(work: tuple[Project, int]) -> None:
    project, _ = work
    names = ids(project)
    AddClass("outline", "polygon").apply(project)
    AddClass("rusty", "tag").apply(project)
    with pytest.raises(ClassEditError, match="into itself"):
        MergeClasses(names["crack"], names["crack"]).apply(project)
    with pytest.raises(ClassEditError, match="cannot merge box class 'crack' into polygon"):
        MergeClasses(names["crack"], ids(project)["outline"]).apply(project)
    with pytest.raises(ClassEditError, match="tag class"):
        MergeClasses(ids(project)["rusty"], names["crack"]).apply(project)
    assert len(project.classes()) == 5


def test_merge_undo_of_a_relabelled_shape_leaves_it(work: tuple[Project, int]) -> None:
    project, alice = work
    names = ids(project)
    undo = MergeClasses(names["crack"], names["scratch"], alice).apply(project)
    relabelled = undo.record.annotation_ids[0]
    project.update_annotation(relabelled, class_id=names["dent"])
    undo.apply(project)
    assert project.annotation(relabelled).class_id == names["dent"]
    assert project.annotation(undo.record.annotation_ids[1]).class_id == names["crack"]


# Guideline


def test_rename_carries_rules_and_examples_into_the_next_draft(work: tuple[Project, int]) -> None:
    project, alice = work
    names = ids(project)
    image = project.images()[1]
    project.save_draft(GUIDE, "v1", alice)
    project.add_guideline_example(
        image.id, "positive", [ExampleShape("dent", Box(2, 2, 40, 40), "bob")], "dent", "a dent"
    )
    published = project.publish_draft("first", author_id=alice)
    frozen = (published.text, project.guideline_rules(published.id), published.content_hash)
    assert project.draft_guideline() is None
    undo = RenameClass(names["dent"], "움푹 <b>", alice).apply(project)
    draft = project.draft_guideline()
    assert draft is not None  # started, so the rename shows in the next version
    assert "## 2 움푹 <b>" in draft.text and "## 2 dent" not in draft.text
    rules = project.guideline_rules(draft.id)
    assert "dent" not in rules and rules["움푹 <b>"].startswith("## 2 움푹 <b>")
    [example] = project.guideline_examples(draft.id)
    assert example.class_name == "움푹 <b>" and example.shapes[0].class_name == "움푹 <b>"
    # The published version never changes.
    again = project.guideline_by_id(published.id)
    assert (again.text, project.guideline_rules(published.id), again.content_hash) == frozen
    assert project.guideline_content_hash(published.id) == published.content_hash
    # Glossed headings follow too; undo renames the draft back.
    RenameClass(names["crack"], "fissure", alice).apply(project)
    assert "## 3 fissure (균열)" in project.draft_guideline().text
    undo.apply(project)
    draft = project.draft_guideline()
    assert "## 2 dent" in draft.text and "dent" in project.guideline_rules(draft.id)


def test_merge_moves_draft_rule_and_examples_and_split_gives_them_back(
    work: tuple[Project, int],
) -> None:
    project, alice = work
    names = ids(project)
    image = project.images()[1]
    project.save_draft(GUIDE, "v1", alice)
    project.set_draft_rule("scratch", "## scratch\nScratches.", alice)
    project.add_guideline_example(
        image.id,
        "edge_case",
        [ExampleShape("dent", Box(2, 2, 40, 40), "bob"), ExampleShape("crack", Box(1, 1, 9, 9))],
        None,
    )
    before = snapshot(project)
    undo = MergeClasses(names["dent"], names["scratch"], alice).apply(project)
    draft = project.draft_guideline()
    rules = project.guideline_rules(draft.id)
    assert "dent" not in rules
    assert rules["scratch"] == "## scratch\nScratches.\n\n## 2 dent\nDents are dents."
    [example] = project.guideline_examples(draft.id)
    assert [s.class_name for s in example.shapes] == ["scratch", "crack"]
    undo.apply(project)
    assert snapshot(project) == before


def test_rename_in_headings_leaves_code_and_other_text() -> None:
    text = "## 2.1 Dent\ndent stays\n```\n## dent\n```\n### dent (찌그러짐) ##\n## dents"
    assert rename_in_headings(text, "dent", "[/]") == (
        "## 2.1 [/]\ndent stays\n```\n## dent\n```\n### [/] (찌그러짐) ##\n## dents"
    )


def test_class_edits_and_label_edits_share_one_undo_history(work: tuple[Project, int]) -> None:
    project, alice = work
    names = ids(project)
    image_id = project.images()[2].id
    add = AddAnnotation(image_id, names["dent"], Box(5, 5, 50, 50), alice).apply(project)
    assert isinstance(add, DeleteAnnotation)
    undo = MergeClasses(names["dent"], names["crack"], alice).apply(project)
    new = project.annotation(add.annotation_id)
    assert new.class_id == names["crack"]
    undo.apply(project)
    assert project.annotation(add.annotation_id).class_id == names["dent"]
    add.apply(project)
    assert add.annotation_id not in {a.id for a in project.annotations(image_id)}


# Pre-labels


def test_a_model_naming_an_old_or_merged_class_still_prelabels_it(tmp_path) -> None:
    """The grid model names its classes red and green; the project renamed and merged them."""
    from labeler.core.importing import import_images
    from labeler.core.prelabel import prelabel_project
    from tests.core.test_prelabel import block_image
    from tests.inference.inference_graphs import grid_detector

    folder = tmp_path / "imgs"
    folder.mkdir()
    block_image(folder / "red.png", (0, 0, 255), (64, 128))
    block_image(folder / "green.png", (0, 255, 0), (320, 320))
    with Project.create(tmp_path / "p.labeler", ["red", "green", "colour"]) as project:
        import_images(project, [folder])
        red, green, colour = (project.class_by_name(n).id for n in ("red", "green", "colour"))
        RenameClass(red, "빨강 [/]").apply(project)
        MergeClasses(green, colour).apply(project)
        assert project.class_ids_by_name() == {
            "빨강 [/]": red,
            "red": red,
            "colour": colour,
            "green": colour,
        }
        summary = prelabel_project(project, grid_detector(tmp_path / "grid.onnx"), conf=0.5)
        assert "red" not in summary.dropped and "green" not in summary.dropped
        found = {p.class_id for image in project.images() for p in project.predictions(image.id)}
        assert found == {red, colour}


def test_publishing_after_a_rename_alone_queues_nothing_for_rereview(
    work: tuple[Project, int],
) -> None:
    project, alice = work
    names = ids(project)
    project.save_draft(GUIDE, "v1", alice)
    project.add_guideline_example(
        project.images()[1].id, "positive", [ExampleShape("dent", Box(2, 2, 40, 40))], "dent"
    )
    project.publish_draft("first", author_id=alice)
    RenameClass(names["dent"], "dent <b>", alice).apply(project)
    renamed = project.publish_draft("dent is now 'dent <b>'", author_id=alice)
    assert project.changed_classes(renamed.id) == []
    assert project.rereview_count_for_version(renamed.id) == 0
    # A real rule change after a rename still counts.
    RenameClass(names["crack"], "fissure", alice).apply(project)
    text = project.draft_guideline().text.replace("Cracks are thin.", "Cracks are thin and long.")
    changed = project.publish_guideline(text, "crack rule", alice)
    assert project.changed_classes(changed.id) == ["fissure"]
    assert project.rereview_count_for_version(changed.id) == 3
