"""Building the demo project.

Generated phone-damage images, people, a guideline, two annotators who disagree
the way real ones do, and real model pre-labels.

The project is assembled under a temporary name and renamed into place at the
end, so an interrupted build never leaves a half-made demo behind.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from labeler.cli.i18n import _  # the demo's progress lines are the CLI's (labeler demo)
from labeler.core.domain import (
    AnnotationSource,
    AssignmentTask,
    GeometryKind,
    ImageRecord,
    Role,
)
from labeler.core.errors import GeometryError, LabelerError
from labeler.core.geometry import Box, Geometry, Polygon, validate_geometry
from labeler.core.importing import import_images
from labeler.core.store import Project
from labeler.core.store.database import refuse_raw_access
from labeler.data import data_path, demo_guideline

DEMO_MODEL = data_path("models", "demo_damage.onnx")
DEMO_SEED = 2026
PROJECT_NAME = "demo.labeler"
CLASS_KINDS = {"scratch": GeometryKind.BOX, "crack": GeometryKind.BOX,
               "dent": GeometryKind.POLYGON}
# The demo's own words in its language: the project's name, what its QA lead writes and
# the batch names (the guideline text is a file).
DEMO_NOTES = {
    "en": {
        "name": "Phone damage demo",
        "v1": "First version",
        "edge_case": "Annotators disagreed on crack vs scratch here; see 3.2.",
        "v2": "Crack vs scratch edge case; dent outlines follow the whole shading",
        "annotate_batch": "demo double annotation",
        "review_batch": "demo review",
    },
    "ko": {
        "name": "휴대폰 파손 데모",
        "v1": "첫 버전",
        "edge_case": "작업자들이 여기서 크랙과 스크래치로 갈렸습니다. 3.2를 보세요.",
        "v2": "크랙과 스크래치 예외 사례 추가, 찍힘 윤곽은 음영 전체를 따라감",
        "annotate_batch": "데모 이중 작업",
        "review_batch": "데모 검수",
    },
}


@dataclass(frozen=True)
class AnnotatorHabits:
    """How a simulated annotator deviates from the truth."""

    name: str
    organization: str | None
    coverage: float  # share of images this person labels
    miss: dict[str, float]  # chance to overlook an object, per class
    confuse: dict[str, str]  # class a person sometimes uses instead
    confuse_rate: float
    jitter: float  # box edge noise, as a share of the box size
    spurious_rate: float  # chance per image of labeling something that is not there


ANNOTATORS = (
    AnnotatorHabits("Ana", None, 0.85, {"scratch": 0.12, "crack": 0.03, "dent": 0.05},
                    {"crack": "scratch"}, 0.05, 0.03, 0.05),
    AnnotatorHabits("Vik", "Vendor A", 0.7, {"scratch": 0.05, "crack": 0.05, "dent": 0.15},
                    {"scratch": "crack", "dent": "scratch"}, 0.15, 0.07, 0.15),
)


def build_demo(
    folder: Path, n_images: int = 40, rebuild: bool = False,
    log: Callable[[str], None] = print, language: str = "en",
) -> Path:
    """Build the demo project in ``folder`` (or reuse one there); returns its path.

    ``language`` (en or ko) is the language of the demo's name, guideline, notes and
    batch names; class names stay the English names the labels and exports use.
    """
    if language not in DEMO_NOTES:
        message = _("the demo is in {languages}, not {language}")
        raise LabelerError(message.format(languages=", ".join(DEMO_NOTES), language=repr(language)))
    from labeler.demo.synth import write_dataset

    folder = Path(folder)
    project_path = folder / PROJECT_NAME
    if project_path.exists() and not rebuild:
        log(_("Opening the existing demo {project} (--rebuild to start over)").format(
            project=project_path))
        return project_path
    if rebuild and folder.exists():
        refuse_raw_access(project_path, "delete")
        project_path.unlink(missing_ok=True)
        shutil.rmtree(folder / "images", ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    building = folder / (PROJECT_NAME + ".building")
    for leftover in folder.glob(PROJECT_NAME + ".building*"):
        leftover.unlink()
    log(_("Generating {n} demo images in {folder}").format(n=n_images, folder=folder / "images"))
    # unsuitable=True adds an exact and a near duplicate, a blurry and a dark image, which
    # curation and export must find and handle.
    samples = write_dataset(folder / "images", n_images, seed=DEMO_SEED, unsuitable=True)
    project = Project.create(building, name=DEMO_NOTES[language]["name"])
    try:
        _populate(project, samples, log, language)
    finally:
        project.close()
    building.rename(project_path)
    log(_("Demo project ready: {project}").format(project=project_path))
    return project_path


def _populate(
    project: Project, samples: list, log: Callable[[str], None], language: str
) -> None:
    for name, kind in CLASS_KINDS.items():
        project.add_class(name, kind)
    quinn = project.add_person("Quinn", Role.QA_LEAD)
    rita = project.add_person("Rita", Role.REVIEWER)
    notes = DEMO_NOTES[language]
    project.publish_guideline(demo_guideline(1, language), notes["v1"], quinn.id)
    report = import_images(project, [path for path, _ in samples])
    log(_("Imported {n} images").format(n=report.added))
    records = {project.image_path(r).name: r for r in project.images()}
    rng = np.random.default_rng(DEMO_SEED)
    people = [project.add_person(h.name, Role.ANNOTATOR, h.organization) for h in ANNOTATORS]
    image_ids = [r.id for r in project.images()]
    # Blind double annotation: every image to both annotators, then to Rita for review.
    project.assign_images(image_ids, [p.id for p in people], overlap=len(people), blind=True,
                          batch=notes["annotate_batch"])
    project.assign_images(image_ids, [rita.id], AssignmentTask.REVIEW,
                          batch=notes["review_batch"])
    for habits, person in zip(ANNOTATORS, people, strict=True):
        project.acknowledge(person.id)
        count = 0
        for path, sample in samples:
            record = records.get(path.name)  # an exact duplicate was imported once
            if record is not None and rng.random() < habits.coverage:
                count += _annotate(project, record, sample, person.id, habits, rng)
        log(_("{name} made {n} annotations").format(name=habits.name, n=count))
    _publish_v2(project, quinn.id, log, language)
    _prelabel(project, log)


def _publish_v2(
    project: Project, qa_lead_id: int, log: Callable[[str], None], language: str
) -> None:
    """The loop closes: a disagreement becomes an edge case of version 2, which is published.

    Version 2 clarifies crack versus scratch and how to outline a dent, so the
    annotators' crack and dent labels made under version 1 go to re-review.
    """
    for image in project.images():
        labels: dict[int, set[int]] = {}
        for annotation in project.annotations(image_id=image.id):
            labels.setdefault(annotation.annotator_id, set()).add(annotation.class_id)
        if len(labels) > 1 and len({frozenset(v) for v in labels.values()}) > 1:
            project.add_edge_case_example(
                image.id, DEMO_NOTES[language]["edge_case"],
                added_by=qa_lead_id, class_name="crack")
            break
    version = project.publish_guideline(
        demo_guideline(2, language), DEMO_NOTES[language]["v2"], qa_lead_id)
    log(_("Published guideline v{number}: {n} annotations to re-review").format(
        number=version.number, n=len(project.rereview_queue())))


def _annotate(project: Project, image: ImageRecord, sample: object, person_id: int,
              habits: AnnotatorHabits, rng: np.random.Generator) -> int:
    classes = {c.name: c.id for c in project.classes()}
    shapes: list[tuple[int, Geometry]] = []
    for obj in sample.objects:  # type: ignore[attr-defined]
        if rng.random() < habits.miss.get(obj.class_name, 0.0):
            continue
        name = obj.class_name
        if name in habits.confuse and rng.random() < habits.confuse_rate:
            name = habits.confuse[name]
        shapes.append((classes[name], _noisy_shape(obj, name, habits.jitter, rng)))
    if rng.random() < habits.spurious_rate:
        x, y = rng.uniform(0, image.width - 80), rng.uniform(0, image.height - 60)
        shapes.append((classes["scratch"], Box(x, y, x + rng.uniform(30, 80),
                                               y + rng.uniform(8, 60))))
    valid: list[tuple[int, Geometry]] = []
    for class_id, geometry in shapes:
        try:
            valid.append((class_id, validate_geometry(geometry, (image.width, image.height))))
        except GeometryError:
            continue
    with project.transaction():
        for class_id, geometry in valid:
            project.add_annotation(image.id, class_id, geometry, person_id,
                                   source=AnnotationSource.MANUAL,
                                   seconds_spent=float(rng.uniform(4, 25)))
        project.add_image_time(image.id, person_id, float(rng.uniform(20, 90)))
    return len(valid)


def _noisy_shape(obj: object, class_name: str, jitter: float,
                 rng: np.random.Generator) -> Geometry:
    x1, y1, x2, y2 = obj.box  # type: ignore[attr-defined]
    polygon = obj.polygon  # type: ignore[attr-defined]
    if class_name == "dent" and polygon:
        dx, dy = rng.normal(0, jitter * (x2 - x1)), rng.normal(0, jitter * (y2 - y1))
        return Polygon(tuple((float(x + dx), float(y + dy)) for x, y in polygon))
    w, h = x2 - x1, y2 - y1
    noise = rng.normal(0, jitter, 4) * np.array([w, h, w, h])
    return Box(float(x1 + noise[0]), float(y1 + noise[1]), float(x2 + noise[2]),
               float(y2 + noise[3]))


def _prelabel(project: Project, log: Callable[[str], None]) -> None:
    if not DEMO_MODEL.is_file():
        log(_("No demo model at {model}; the demo has no pre-labels").format(model=DEMO_MODEL))
        return
    from labeler.core.prelabel import prelabel_project

    try:
        summary = prelabel_project(project, DEMO_MODEL, device="auto")
    except LabelerError as exc:
        log(_("Pre-labeling skipped: {reason}").format(reason=exc))
        return
    note = f" ({summary.fallback_note})" if summary.fallback_note else ""
    log(_("Pre-labeled {n} images with {model} on {provider}{note}: {predictions} "
          "predictions").format(n=summary.images, model=summary.model,
                                provider=summary.provider, note=note,
                                predictions=summary.predictions))
