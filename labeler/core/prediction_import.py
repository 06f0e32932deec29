"""Importing predictions of a model run elsewhere as one complete model run.

Accepted inputs (``fmt``):

* ``"coco"``: a COCO file whose annotations all carry a ``score``; its ``images``
  are the images the model saw, so an image without annotations is recorded as
  covered with no detections. Or a COCO *results list* (``[{"image_id",
  "category_id", "bbox", "score"}, ...]``, what pycocotools ``loadRes`` reads)
  together with ``coco_images``, the COCO file that names the images (ids ->
  ``file_name``) and the categories: every image listed there counts as seen.
* ``"yolo"``: a folder of YOLO label files with a confidence column (``class cx
  cy w h conf``, Ultralytics ``save_txt`` + ``save_conf``), one ``.txt`` per image.
  An empty ``.txt`` is an image seen with no detections; an image without a
  ``.txt`` was not seen. Class names come from ``yolo_classes`` or a class file
  beside the labels (``classes.txt``, ``data.yaml``, ...), as for annotations.

Images are matched to the project's images by path as the file writes it (COCO
``file_name``; YOLO: the label file's stem) with
:class:`~labeler.core.image_refs.ImageIndex` (as ``Project.find_image``): the longest
matching path suffix, else a unique file stem; an ambiguous name matches
nothing. Classes are matched by name (exactly, else ignoring case when that is
unambiguous). Images the project does not hold, images whose size in the file
differs from the project's, and predictions of classes the project does not have
are skipped and reported per file with counts.

Everything is read and checked before anything is written; the run is then
stored in one transaction (started, predictions per image, finished), so a
malformed field (an :class:`AnnotationFormatError` naming the file and field)
or any other failure leaves the project unchanged. ``model_sha256`` is the
SHA-256 of the predictions file (COCO) or of the sorted list of label files'
relative paths and contents (YOLO, see :func:`folder_sha256`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labeler.core.errors import AnnotationFormatError, GeometryError, LabelerError
from labeler.core.formats._common import (
    decode_text,
    expect_dict,
    expect_list,
    expect_number,
    load_json,
    read_bytes,
)
from labeler.core.formats.coco import parse_coco
from labeler.core.formats.records import ParsedImage
from labeler.core.formats.yolo import parse_yolo
from labeler.core.formats.yolo_classes import CLASS_FILE_NAMES, ClassListResolver
from labeler.core.geometry import Geometry, validate_geometry
from labeler.core.i18n import _, ngettext
from labeler.core.image_refs import ImageIndex
from labeler.core.progress import Progress

PREDICTION_FORMATS = ("coco", "yolo")
PROVIDER = "imported"
_YOLO_NOT_LABELS = frozenset({"classes.txt", "obj.names"})


class PredictionImportError(LabelerError):
    """Predictions cannot be imported as asked; nothing was stored."""


@dataclass
class PredictionImportReport:
    """What an import stored and what it skipped, per file."""

    run_id: int
    model_name: str
    model_sha256: str
    format: str
    images_in_files: int = 0
    images_covered: int = 0
    images_with_predictions: int = 0
    predictions: int = 0
    predictions_by_class: dict[str, int] = field(default_factory=dict)
    dropped_invalid: int = 0
    # One entry per file with a problem: {"file", "unmatched_images": [refs],
    # "size_mismatches": [...], "unknown_classes": {name: predictions}, "warnings": [...]}
    files: list[dict[str, Any]] = field(default_factory=list)

    def unmatched_count(self) -> int:
        """Images in the files that are not in the project."""
        return sum(len(f["unmatched_images"]) for f in self.files)

    def unknown_class_count(self) -> int:
        """Predictions skipped because their class is not in the project."""
        return sum(sum(f["unknown_classes"].values()) for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``labeler import --predictions --json``)."""
        return {
            "run_id": self.run_id,
            "model_name": self.model_name,
            "model_sha256": self.model_sha256,
            "format": self.format,
            "images_in_files": self.images_in_files,
            "images_covered": self.images_covered,
            "images_with_predictions": self.images_with_predictions,
            "predictions": self.predictions,
            "predictions_by_class": dict(sorted(self.predictions_by_class.items())),
            "dropped_invalid": self.dropped_invalid,
            "unmatched_images": self.unmatched_count(),
            "unknown_class_predictions": self.unknown_class_count(),
            "files": self.files,
        }


@dataclass
class _Plan:
    """Checked predictions per project image, ready to store."""

    images: ImageIndex
    classes: _ClassMatcher
    by_image: dict[int, list[tuple[int, Geometry, float]]] = field(default_factory=dict)
    images_in_files: int = 0
    dropped_invalid: int = 0
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    def problems(self, path: Path) -> dict[str, Any]:
        key = str(path)
        if key not in self.files:
            self.files[key] = {
                "file": key,
                "unmatched_images": [],
                "size_mismatches": [],
                "unknown_classes": {},
                "warnings": [],
            }
        return self.files[key]


def import_predictions(
    project: object,
    path: Path | str,
    fmt: str,
    model_name: str,
    *,
    coco_images: Path | str | None = None,
    yolo_classes: list[str] | None = None,
    progress: Progress | None = None,
) -> PredictionImportReport:
    """Store the predictions in ``path`` as one complete model run named ``model_name``.

    See the module doc for the formats, matching and what is reported. Raises
    :class:`AnnotationFormatError` for a malformed file (naming the field or line)
    and :class:`PredictionImportError` when the call cannot work (unknown format,
    no image of the file in the project, no class list, imported before); in both
    cases nothing is stored.
    """
    progress = progress or Progress()
    path = Path(path)
    name = model_name.strip()
    if not name:
        raise PredictionImportError(_("--model-name is empty; name the model that predicted"))
    if fmt not in PREDICTION_FORMATS:
        raise PredictionImportError(
            _(
                "predictions in format {fmt!r} cannot be imported; expected one of "
                "{PREDICTION_FORMATS}"
            ).format(fmt=fmt, PREDICTION_FORMATS=", ".join(PREDICTION_FORMATS))
        )
    if not path.exists():
        raise PredictionImportError(_("{path}: no such file or folder").format(path=path))
    if fmt == "coco":
        plan, sha, settings = _plan_coco(project, path, coco_images)
    else:
        if coco_images is not None:
            raise PredictionImportError(_("--coco-images goes with --format coco"))
        plan, sha, settings = _plan_yolo(project, path, yolo_classes, progress)
    if not plan.by_image:
        raise PredictionImportError(_nothing_matched(path, plan))
    _refuse_repeat(project, path, sha, name)
    return _store(project, plan, name, sha, fmt, settings, path)


def _nothing_matched(path: Path, plan: _Plan) -> str:
    refs = [r for f in plan.files.values() for r in f["unmatched_images"]]
    mismatched = [m["image"] for f in plan.files.values() for m in f["size_mismatches"]]
    if not plan.images_in_files:
        return _("{path}: lists no images; nothing to import").format(path=path)
    shown = ", ".join((refs or mismatched)[:5])
    if refs:
        message = _(
            "{path}: none of its {n} images is in the project (e.g. {shown}); "
            "import the images first (`labeler import PROJECT IMAGES`)"
        )
    else:
        message = _(
            "{path}: none of its {n} images has the project's image size (e.g. {shown}); "
            "import the images first (`labeler import PROJECT IMAGES`)"
        )
    return message.format(path=path, n=plan.images_in_files, shown=shown)


def _refuse_repeat(project: object, path: Path, sha: str, name: str) -> None:
    for run in project.model_runs():  # type: ignore[attr-defined]
        if run.model_sha256 == sha and run.model_name == name and run.finished_at:
            raise PredictionImportError(
                _(
                    "{path}: these predictions were already imported as model run {run.id} "
                    "({name}); use that run, or another --model-name to import them again"
                ).format(path=path, run=run, name=name)
            )


def _store(
    project: object,
    plan: _Plan,
    name: str,
    sha: str,
    fmt: str,
    settings: dict[str, Any],
    path: Path,
) -> PredictionImportReport:
    """Write the run in one transaction: nothing is kept if any step fails."""
    names = {c.id: c.name for c in project.classes()}  # type: ignore[attr-defined]
    counts: Counter[str] = Counter()
    with project.transaction():  # type: ignore[attr-defined]
        run = project.start_model_run(  # type: ignore[attr-defined]
            sha, name, settings, PROVIDER, note=f"imported from {path}"
        )
        report = PredictionImportReport(run.id, name, sha, fmt)
        for image_id, predictions in sorted(plan.by_image.items()):
            stored = project.add_predictions(run.id, image_id, predictions)  # type: ignore[attr-defined]
            if stored != len(predictions):  # shapes are validated before: never happens
                raise PredictionImportError(
                    ngettext(
                        "image {image_id}: {n_unmatched} prediction was refused",
                        "image {image_id}: {n_unmatched} predictions were refused",
                        len(predictions) - stored,
                    ).format(image_id=image_id, n_unmatched=len(predictions) - stored)
                )
            report.predictions += stored
            report.images_with_predictions += 1 if stored else 0
            counts.update(names[class_id] for class_id, _g, _s in predictions)
        finished = project.finish_model_run(run.id)  # type: ignore[attr-defined]
    report.images_covered = finished.image_count
    report.images_in_files = plan.images_in_files
    report.dropped_invalid += plan.dropped_invalid
    report.predictions_by_class = dict(counts)
    report.files = [f for f in plan.files.values() if _has_problem(f)]
    return report


def _has_problem(entry: dict[str, Any]) -> bool:
    return any(
        entry[k] for k in ("unmatched_images", "size_mismatches", "unknown_classes", "warnings")
    )


class _ClassMatcher:
    """Project class id for a class name in a predictions file (None: unknown)."""

    def __init__(self, project: object) -> None:
        classes = project.classes()  # type: ignore[attr-defined]
        self.exact = {c.name: c.id for c in classes}
        folded: dict[str, list[int]] = {}
        for c in classes:
            folded.setdefault(c.name.strip().casefold(), []).append(c.id)
        self.folded = {k: v[0] for k, v in folded.items() if len(v) == 1}

    def __call__(self, name: str) -> int | None:
        found = self.exact.get(name)
        return found if found is not None else self.folded.get(name.strip().casefold())


def _new_plan(project: object) -> _Plan:
    return _Plan(ImageIndex(project.images()), _ClassMatcher(project))  # type: ignore[attr-defined]


def _add_image(plan: _Plan, file: Path, image: ParsedImage) -> None:
    """Match one image of a predictions file and queue its predictions."""
    plan.images_in_files += 1
    problems = plan.problems(file)
    record = plan.images.find(image.image_ref)
    if record is None:
        problems["unmatched_images"].append(image.image_ref)
        return
    if (image.width, image.height) != (None, None) and (image.width, image.height) != (
        record.width,
        record.height,
    ):
        problems["size_mismatches"].append(
            {
                "image": image.image_ref,
                "size_in_file": [image.width, image.height],
                "size_in_project": [record.width, record.height],
            }
        )
        return
    queued = plan.by_image.setdefault(record.id, [])
    for shape in image.shapes:
        class_id = plan.classes(shape.class_name)
        if class_id is None:
            unknown = problems["unknown_classes"]
            unknown[shape.class_name] = unknown.get(shape.class_name, 0) + 1
            continue
        try:
            geometry = validate_geometry(shape.geometry, (record.width, record.height))
        except GeometryError as exc:
            plan.dropped_invalid += 1
            problems["warnings"].append(
                _("{image.image_ref}: a {shape.class_name} box: {exc}").format(
                    image=image, shape=shape, exc=exc
                )
            )
            continue
        score = shape.attributes.get("score")
        assert isinstance(score, float)  # checked by the format readers below
        queued.append((class_id, geometry, score))


def _check_score(path: Path, value: object, location: str) -> None:
    score = expect_number(path, value, location)
    if not 0.0 <= score <= 1.0:
        raise AnnotationFormatError(
            path,
            location,
            _("score {score:g} is outside [0, 1]; expected a confidence").format(score=score),
        )


# COCO


def _plan_coco(
    project: object, path: Path, coco_images: Path | str | None
) -> tuple[_Plan, str, dict[str, Any]]:
    data = load_json(path)
    settings: dict[str, Any] = {"source": "import", "format": "coco", "file": path.name}
    if isinstance(data, list):
        if coco_images is None:
            raise PredictionImportError(
                _(
                    "{path} is a COCO results list (no images or categories): give "
                    "--coco-images GT.json, the COCO file that lists the images the model "
                    "ran on"
                ).format(path=path)
            )
        images_path = Path(coco_images)
        document = _results_document(path, data, images_path)
        settings["coco_images"] = images_path.name
        scores_at = [(f"[{i}]", r) for i, r in enumerate(data)]
    else:
        if coco_images is not None:
            raise PredictionImportError(
                _(
                    "{path} is a COCO file with its own images; --coco-images goes with a "
                    "results list only"
                ).format(path=path)
            )
        root = expect_dict(path, data, "top level")
        document = root
        raw = expect_list(path, root.get("annotations", []), "annotations")
        scores_at = [(f"annotations[{i}]", r) for i, r in enumerate(raw)]
    try:
        parsed = parse_coco(path, document)
    except AnnotationFormatError as exc:
        raise _results_location(exc, data) from exc
    for location, raw_annotation in scores_at:
        annotation = expect_dict(path, raw_annotation, location)
        if "score" not in annotation:
            raise AnnotationFormatError(
                path, f"{location}.score", _("missing 'score': predictions need a confidence")
            )
        _check_score(path, annotation["score"], f"{location}.score")
    plan = _new_plan(project)
    listed_in = Path(coco_images) if isinstance(data, list) and coco_images else path
    for image in parsed.images:
        _add_image(plan, listed_in, image)  # images of a results list: the images file's
    if isinstance(data, list):  # warnings about entries name them as the list does
        warnings = [
            w[len("annotations") :] if w.startswith("annotations[") else w for w in parsed.warnings
        ]
    else:
        warnings = parsed.warnings
    plan.problems(path)["warnings"].extend(warnings)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return plan, sha, settings


def _results_document(path: Path, results: list[object], images_path: Path) -> dict[str, Any]:
    """A COCO document of the images file's images and categories and the results."""
    if not images_path.is_file():
        raise PredictionImportError(
            _("{images_path}: --coco-images file not found").format(images_path=images_path)
        )
    images_doc = load_json(images_path)
    root = expect_dict(images_path, images_doc, "top level")
    parse_coco(images_path, {**root, "annotations": []})  # its images and categories
    return {"images": root["images"], "categories": root["categories"], "annotations": results}


def _results_location(exc: AnnotationFormatError, data: object) -> AnnotationFormatError:
    """Errors of a results list name ``[i].bbox``, as in the file, not ``annotations[i]``."""
    if isinstance(data, list) and exc.location.startswith("annotations["):
        return AnnotationFormatError(exc.path, exc.location[len("annotations") :], exc.reason)
    return exc


# YOLO


def _plan_yolo(
    project: object, path: Path, explicit: list[str] | None, progress: Progress
) -> tuple[_Plan, str, dict[str, Any]]:
    from labeler.core.formats import find_annotation_files

    files = [path] if path.is_file() else find_annotation_files(path, "yolo")
    files = [f for f in files if f.name.lower() not in _YOLO_NOT_LABELS]
    if not files:
        raise PredictionImportError(
            _("{path}: no YOLO label files (*.txt) found").format(path=path)
        )
    resolver = ClassListResolver(explicit)
    plan = _new_plan(project)
    progress.start(len(files), _("reading predictions"))
    for file in files:
        progress.check()
        classes, source = resolver.classes_for(file)
        if classes is None:
            raise PredictionImportError(
                _(
                    "{file}: no class list found ({CLASS_FILE_NAMES} beside the labels); "
                    "give --yolo-classes a,b,c in the model's class order"
                ).format(file=file, CLASS_FILE_NAMES=", ".join(CLASS_FILE_NAMES))
            )
        _require_confidence(file)
        record = plan.images.find(file.stem)
        if record is None:
            plan.images_in_files += 1
            plan.problems(file)["unmatched_images"].append(file.stem)
            progress.advance()
            continue
        def image_size(_stem: str, size: tuple[int, int] = (record.width, record.height)) -> (
            tuple[int, int] | None
        ):
            return size

        parsed = parse_yolo(file, image_size, classes, source)
        for image in parsed.images:
            _add_image(plan, file, image)
        plan.problems(file)["warnings"].extend(parsed.warnings)
        progress.advance()
    settings = {"source": "import", "format": "yolo", "folder": path.name}
    return plan, folder_sha256(path, files), settings


def _require_confidence(file: Path) -> None:
    """Every line of a predictions label file has 6 fields: class, box and confidence."""
    text = decode_text(file, read_bytes(file))
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if fields and len(fields) != 6:
            polygon = len(fields) >= 8 and len(fields) % 2 == 0
            hint = (
                _("; polygons (segmentation) with a confidence are not imported: save boxes")
                if polygon
                else ""
            )
            raise AnnotationFormatError(
                file,
                f"line {number}",
                ngettext(
                    "{n_fields} field; predictions need 6 (class x_center y_center width "
                    "height confidence, as Ultralytics writes with save_conf=True){hint}",
                    "{n_fields} fields; predictions need 6 (class x_center y_center width "
                    "height confidence, as Ultralytics writes with save_conf=True){hint}",
                    len(fields),
                ).format(n_fields=len(fields), hint=hint),
            )


def folder_sha256(root: Path, files: list[Path]) -> str:
    """SHA-256 over each label file's path (relative to ``root``) and content, sorted."""
    digest = hashlib.sha256()
    base = root if root.is_dir() else root.parent
    for file in sorted(files, key=lambda f: f.relative_to(base).as_posix()):
        digest.update(file.relative_to(base).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()
