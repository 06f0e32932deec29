"""Real projects built from the synthetic demo generator, for export and curation tests."""

from __future__ import annotations

from pathlib import Path

from labeler.core.domain import AnnotationSource, GeometryKind, Role
from labeler.core.errors import GeometryError
from labeler.core.geometry import Box, Geometry, Polygon, validate_geometry
from labeler.core.importing import import_images
from labeler.core.store import Project
from labeler.demo.synth import SynthImage, write_dataset

CLASS_KINDS = {"scratch": GeometryKind.BOX, "crack": GeometryKind.BOX, "dent": GeometryKind.POLYGON}


def new_project(path: Path, polygons: bool = True) -> Project:
    """An empty project with the demo's classes (dent as polygon unless ``polygons`` is off)."""
    project = Project.create(path, name="test")
    for name, kind in CLASS_KINDS.items():
        project.add_class(name, kind if polygons else GeometryKind.BOX)
    return project


def shape_of(obj: object, polygons: bool) -> Geometry:
    polygon = obj.polygon  # type: ignore[attr-defined]
    if polygons and polygon:
        return Polygon(tuple((float(x), float(y)) for x, y in polygon))
    x1, y1, x2, y2 = obj.box  # type: ignore[attr-defined]
    return Box(float(x1), float(y1), float(x2), float(y2))


def label_with_truth(
    project: Project,
    samples: list[tuple[Path, SynthImage]],
    annotator: str = "Ana",
    polygons: bool = True,
    organization: str | None = None,
) -> int:
    """Store each sample's ground truth as ``annotator``'s annotations; returns the count."""
    person = project.ensure_person(annotator, Role.ANNOTATOR, organization)
    classes = {c.name: c.id for c in project.classes()}
    by_name = {project.image_path(r).name: r for r in project.images()}
    stored = 0
    for path, sample in samples:
        record = by_name.get(path.name)
        if record is None:
            continue
        shapes = []
        for obj in sample.objects:
            try:
                geometry = validate_geometry(shape_of(obj, polygons), (record.width, record.height))
            except GeometryError:
                continue
            shapes.append((classes[obj.class_name], geometry))
        project.add_annotations(record.id, shapes, person.id, AnnotationSource.MANUAL)
        stored += len(shapes)
    return stored


def synth_project(
    folder: Path, n: int = 10, seed: int = 5, unsuitable: bool = False, polygons: bool = True
) -> tuple[Project, list[tuple[Path, SynthImage]]]:
    """A project of ``n`` synthetic 320x240 images labeled with their ground truth by Ana."""
    samples = write_dataset(folder / "images", n, seed, 320, 240, unsuitable=unsuitable)
    project = new_project(folder / "p.labeler", polygons)
    import_images(project, [folder / "images"])
    label_with_truth(project, samples, polygons=polygons)
    return project, samples
