"""The core refuses every label change under an unread guideline (``Project.check_labeling``).

While a connection has a labeling person (the app sets the signed-in one), each kind of
label-changing command is refused with one typed error naming the version, and writes
nothing; once the person acknowledged the version, the same command goes through. Edits
that relabel nothing (class names, questions) pass; without a labeling person (the CLI,
scripts, background jobs) only reviews keep their own check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from labeler.core.ai_shapes import AddAiAssistedShape
from labeler.core.class_commands import AddClass, MergeClasses, RenameClass
from labeler.core.commands import (
    AcceptPrediction,
    AddAnnotation,
    AddEdgeCaseExample,
    Command,
    CompositeCommand,
    DeleteAnnotation,
    RejectPrediction,
    ReviewAnnotation,
    SetAnswered,
    SetAssignmentDone,
    SetImageStatus,
    UpdateAnnotation,
    paste_shapes,
)
from labeler.core.domain import AssignmentTask, ImageStatus, Role
from labeler.core.errors import AcknowledgementRequiredError, LabelerError
from labeler.core.geometry import Box
from labeler.core.gold_edits import MarkGold
from labeler.core.questions import AskQuestion
from labeler.core.store import Project


@dataclass
class Scene:
    """A project with v1 in force, Quinn (QA lead) labeling through it, unacknowledged."""

    project: Project
    image_id: int
    class_id: int
    other_class_id: int
    quinn: int
    annotation_id: int  # alice's box, for updates and reviews
    prediction_id: int
    review_assignment_id: int

    def events(self) -> int:
        return len(self.project.events())


@pytest.fixture
def scene(project_with_images: Project) -> Scene:
    project = project_with_images
    alice = project.add_person("alice").id
    quinn = project.add_person("quinn", Role.QA_LEAD).id
    image_id = project.images()[0].id
    scratch, crack = project.class_by_name("scratch"), project.class_by_name("crack")
    assert scratch is not None and crack is not None
    annotation = project.add_annotation(image_id, scratch.id, Box(10, 10, 60, 50), alice)
    run = project.start_model_run("sha", "demo.onnx", {}, "CPUExecutionProvider")
    project.add_predictions(run.id, image_id, [(scratch.id, Box(70, 60, 120, 100), 0.9)])
    project.finish_model_run(run.id)
    [prediction] = project.predictions(image_id)
    project.assign_images([image_id], [quinn], AssignmentTask.REVIEW)
    [review] = project.assignments(image_id, quinn)
    project.publish_guideline("# Guideline\n\n## 3.1 scratch\n\nBox it tight.\n", "first")
    project.labeling_person_id = quinn
    return Scene(
        project, image_id, scratch.id, crack.id, quinn, annotation.id, prediction.id, review.id
    )


def _present(command: Command | None) -> Command:
    assert command is not None
    return command


# Every kind of label change, built for the scene.
LABEL_CHANGES: dict[str, Callable[[Scene], Command]] = {
    "add shape": lambda s: AddAnnotation(s.image_id, s.class_id, Box(5, 5, 30, 30), s.quinn),
    "edit shape": lambda s: UpdateAnnotation(
        s.image_id, s.annotation_id, geometry=Box(12, 12, 62, 52), person_id=s.quinn
    ),
    "change class": lambda s: UpdateAnnotation(
        s.image_id, s.annotation_id, class_id=s.other_class_id, person_id=s.quinn
    ),
    "delete shape": lambda s: DeleteAnnotation(s.image_id, s.annotation_id, s.quinn),
    "paste": lambda s: _present(
        paste_shapes(s.image_id, [(s.class_id, Box(1, 1, 20, 20))], s.quinn)
    ),
    "accept pre-label": lambda s: AcceptPrediction(s.image_id, s.prediction_id, s.quinn),
    "reject pre-label": lambda s: RejectPrediction(s.image_id, s.prediction_id, s.quinn),
    "AI-assisted shape": lambda s: AddAiAssistedShape(
        s.image_id, s.class_id, (Box(20, 20, 50, 50),), s.quinn, "sha", "seg.onnx"
    ),
    "done (answer)": lambda s: SetAnswered(s.image_id, s.quinn, True),
    "review done": lambda s: SetAssignmentDone(s.image_id, s.review_assignment_id, True),
    "image status": lambda s: SetImageStatus(s.image_id, ImageStatus.NEEDS_REVIEW, s.quinn),
    "review accept": lambda s: ReviewAnnotation(s.image_id, s.annotation_id, s.quinn, "accept"),
    "review reject": lambda s: ReviewAnnotation(
        s.image_id, s.annotation_id, s.quinn, "reject", reason="loose", section="3.1"
    ),
    "review fix": lambda s: ReviewAnnotation(
        s.image_id,
        s.annotation_id,
        s.quinn,
        "fix",
        section="3.1",
        fix_geometry=Box(11, 11, 58, 48),
    ),
    "adjudication": lambda s: ReviewAnnotation(
        s.image_id, s.annotation_id, s.quinn, "accept", reason="adjudicated"
    ),
    "edge-case example": lambda s: AddEdgeCaseExample(s.image_id, "a faint scratch", s.quinn),
    "merge classes": lambda s: MergeClasses(s.other_class_id, s.class_id, s.quinn),
    "mark gold": lambda s: MarkGold(s.image_id, s.quinn),
}


@pytest.mark.parametrize("kind", sorted(LABEL_CHANGES))
def test_every_label_change_waits_for_the_acknowledgement(scene: Scene, kind: str) -> None:
    project = scene.project
    command = LABEL_CHANGES[kind](scene)
    assert command.changes_labels()
    before, annotations = scene.events(), project.annotations(scene.image_id)
    with pytest.raises(AcknowledgementRequiredError, match="guideline version 1") as refused:
        command.apply(project)
    current = project.current_guideline()
    assert current is not None
    assert (refused.value.number, refused.value.version_id) == (1, current.id)
    assert isinstance(refused.value, LabelerError)
    assert scene.events() == before  # nothing written, not even half of it
    assert project.annotations(scene.image_id) == annotations
    project.acknowledge(scene.quinn)
    if kind == "mark gold":  # gold needs reviewed labels: give the image some first
        ReviewAnnotation(scene.image_id, scene.annotation_id, scene.quinn, "accept").apply(project)
    command.apply(project)
    assert scene.events() > before + 1  # the acknowledgement and the edit


def test_undo_is_a_label_change_too(scene: Scene) -> None:
    project = scene.project
    project.acknowledge(scene.quinn)
    undo = AddAnnotation(scene.image_id, scene.class_id, Box(5, 5, 30, 30), scene.quinn).apply(
        project
    )
    project.publish_guideline("# Guideline\n\n## scratch\n\nBox it end to end.\n", "second")
    with pytest.raises(AcknowledgementRequiredError, match="guideline version 2"):
        undo.apply(project)
    assert len(project.annotations(scene.image_id)) == 2
    project.acknowledge(scene.quinn)
    undo.apply(project)
    assert len(project.annotations(scene.image_id)) == 1


def test_edits_that_relabel_nothing_need_no_acknowledgement(scene: Scene) -> None:
    project = scene.project
    for command in (
        AddClass("chip", person_id=scene.quinn),
        RenameClass(scene.other_class_id, "fracture", scene.quinn),
        AskQuestion(scene.image_id, scene.quinn, "tight or loose?"),
    ):
        assert not command.changes_labels()
        command.apply(project)
    assert project.class_by_name("fracture") is not None
    mixed = CompositeCommand(
        (AddClass("pit"), AddAnnotation(scene.image_id, scene.class_id, Box(1, 1, 9, 9), 1)),
        "mixed",
    )
    assert mixed.changes_labels()
    with pytest.raises(AcknowledgementRequiredError):
        mixed.apply(project)
    assert project.class_by_name("pit") is None


def test_without_a_labeling_person_only_reviews_are_checked(scene: Scene) -> None:
    project = scene.project
    project.labeling_person_id = None  # the CLI, a script, a background job
    AddAnnotation(scene.image_id, scene.class_id, Box(5, 5, 30, 30), scene.quinn).apply(project)
    SetAnswered(scene.image_id, scene.quinn, True).apply(project)
    with pytest.raises(AcknowledgementRequiredError):
        ReviewAnnotation(scene.image_id, scene.annotation_id, scene.quinn, "accept").apply(project)


def test_the_rule_reads_the_file_not_a_cache(scene: Scene) -> None:
    """A version published by another connection is in force for the next command at once."""
    project = scene.project
    project.acknowledge(scene.quinn)
    with Project.open(project.path) as other:
        other.publish_guideline("# Guideline\n\n## scratch\n\nNew rule.\n", "elsewhere")
    with pytest.raises(AcknowledgementRequiredError, match="version 2"):
        SetAnswered(scene.image_id, scene.quinn, True).apply(project)
