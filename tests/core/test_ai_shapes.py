"""AI-assisted shapes: annotations with source ai_assisted and provenance, one undo step."""

from __future__ import annotations

import pytest

from labeler.core.ai_shapes import AddAiAssistedShape, DeleteAiAssistedShapes
from labeler.core.domain import AnnotationSource
from labeler.core.errors import UnknownEntityError
from labeler.core.events import Entity
from labeler.core.geometry import Box, Polygon
from labeler.core.store import Project

SQUARE = Polygon(((10.0, 10.0), (50.0, 10.0), (50.0, 40.0), (10.0, 40.0)))
PROMPTS = {"points": [[30.0, 25.0]], "labels": [1], "box": None}


def _command(project: Project, *geometries) -> AddAiAssistedShape:
    person = project.add_person("미나 <b>[/]")
    image = project.images()[0]
    dent = project.class_by_name("dent")
    assert dent is not None
    return AddAiAssistedShape(
        image_id=image.id,
        class_id=dent.id,
        geometries=geometries,
        person_id=person.id,
        model_sha256="a" * 64,
        model_name="sam_vit_b",
        prompts=PROMPTS,
        settings={"tolerance": 1.0, "parts": "largest"},
    )


def test_add_keeps_source_and_provenance_and_undoes_in_one_step(project_with_images):
    project = project_with_images
    seen = []
    project.changes.subscribe(lambda change: seen.append(change.entity))
    command = _command(project, SQUARE)
    assert command.text == "Add AI polygon"
    undo = command.apply(project)
    assert isinstance(undo, DeleteAiAssistedShapes)
    [annotation] = project.annotations(command.image_id)
    assert annotation.source == AnnotationSource.AI_ASSISTED
    assert annotation.geometry == SQUARE and list(undo.annotation_ids) == [annotation.id]
    provenance = project.annotation_provenance(annotation.id)
    assert provenance is not None
    assert provenance.model_sha256 == "a" * 64 and provenance.model_name == "sam_vit_b"
    assert provenance.prompts == PROMPTS and provenance.settings["tolerance"] == 1.0
    assert Entity.ANNOTATION in seen
    redo = undo.apply(project)
    assert project.annotations(command.image_id) == []
    back = redo.apply(project)
    [restored] = project.annotations(command.image_id)
    assert restored.id == annotation.id and project.annotation_provenance(restored.id) is not None
    back.apply(project)
    assert project.annotations(command.image_id) == []


def test_every_part_is_one_annotation_in_one_step(project_with_images):
    project = project_with_images
    other = Polygon(((60.0, 60.0), (90.0, 60.0), (90.0, 90.0)))
    command = _command(project, SQUARE, other)
    assert command.text == "Add 2 AI shapes"
    undo = command.apply(project)
    assert len(project.annotations(command.image_id)) == 2 == len(undo.annotation_ids)
    undo.apply(project)
    assert project.annotations(command.image_id) == []


def test_box_from_mask_and_no_provenance_for_manual_shapes(project_with_images):
    project = project_with_images
    command = _command(project, Box(5, 5, 40, 30))
    assert command.text == "Add AI box"
    command.apply(project)
    [annotation] = project.annotations(command.image_id)
    assert annotation.geometry == Box(5, 5, 40, 30)
    manual = project.add_annotation(
        command.image_id, command.class_id, Box(1, 1, 9, 9), command.person_id
    )
    assert project.annotation_provenance(manual.id) is None


def test_invalid_geometry_leaves_nothing_behind(project_with_images):
    project = project_with_images
    outside = Polygon(((500.0, 500.0), (600.0, 500.0), (600.0, 600.0)))
    command = _command(project, SQUARE, outside)
    with pytest.raises(Exception, match="no area"):
        command.apply(project)
    assert project.annotations(command.image_id) == []


def test_empty_and_unknown():
    with pytest.raises(ValueError, match="at least one geometry"):
        AddAiAssistedShape(1, 1, (), 1, "a" * 64, "m")


def test_provenance_of_a_missing_annotation_is_refused(project):
    with pytest.raises(UnknownEntityError, match="annotation 99"):
        project.add_annotation_provenance(99, "a" * 64, "m", {})
