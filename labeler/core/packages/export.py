"""Exporting a vendor work package: the images, classes, guideline and assignments it needs.

The package's project is a new file built with the store API (never a copy of the
live project): the classes, the vendor's own people, the selected images (copied,
named by content hash), the guideline version in force with its examples and the
vendor's assignments and earlier work on those images. Nobody else's labels or
names go in (guideline examples keep their shapes but no one's name).

Before the package is written the project records what the export granted (a
:class:`~labeler.core.store.exchange_grant.PackageGrant`: images, people and roles,
annotations and pre-labels carried, export time, for review or not); import holds the
package to it, since the package itself is the vendor's to edit.
"""

from __future__ import annotations

import fnmatch
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from labeler.core.domain import AssignmentTask, ImageRecord, ImageStatus
from labeler.core.errors import LabelerError
from labeler.core.i18n import _
from labeler.core.images import ImageProbe
from labeler.core.packages.archive import (
    PACKAGE_SUFFIX,
    PROJECT_FILE,
    Manifest,
    copy_verified,
    write_archive,
)
from labeler.core.packages.question_travel import copy_questions
from labeler.core.scratch import scratch_space
from labeler.core.store import SCHEMA_VERSION, Project
from labeler.core.store.exchange import PackageError, PackageGrant
from labeler.core.store.rows import now_iso

# Meta keys of a package's project.
META_PACKAGE_ID = "package_id"
META_PACKAGE_OF = "package_of"
META_VENDOR = "package_vendor"


@dataclass(frozen=True)
class ExportSummary:
    """What went into a package."""

    path: Path
    package_id: str
    vendor: str
    images: int
    people: int
    annotations: int
    assignments: int
    guideline: int | None
    predictions: int
    for_review: bool = False  # the vendor's reviewers may review in it

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {**self.__dict__, "path": str(self.path)}


def _parse_ids(text: str) -> set[int]:
    ids: set[int] = set()
    for part in text.split(","):
        low, _sep, high = part.partition("-")
        try:
            ids.update(range(int(low), int(high or low) + 1))
        except ValueError as exc:
            raise LabelerError(
                _("bad image ids {text!r}: use ids:1,2,5-9").format(text=text)
            ) from exc
    return ids


QUERY_PAGE = 5_000  # image records read at a time while a query looks for its images


def select_images(project: Project, query: str) -> list[ImageRecord]:
    """Images matching a query: space-separated terms that must all hold.

    Terms: ``all``, ``status:S`` (new, prelabeled, in_progress, done, needs_review,
    rejected), ``name:GLOB`` (file name), ``path:GLOB`` (stored path), ``ids:1,2,5-9``,
    ``assigned:NAME`` (open annotate assignments of that person), ``unassigned`` (no
    annotate assignment) and ``limit:N``. Images are read a page at a time in id
    order, and the scan stops at the limit: ``limit:1000`` of a million images reads
    about a thousand records.
    """
    keep, limit = _image_filters(project, query)
    chosen: list[ImageRecord] = []
    after = 0
    while limit is None or len(chosen) < limit:
        page = project.images_after(after, QUERY_PAGE)
        if not page:
            break
        chosen += [i for i in page if all(test(i) for test in keep)]
        after = page[-1].id
    return chosen[:limit] if limit is not None else chosen


def _image_filters(
    project: Project, query: str
) -> tuple[list[Callable[[ImageRecord], bool]], int | None]:
    """The query's tests of one image, and its limit (unknown terms are refused)."""
    keep: list[Callable[[ImageRecord], bool]] = []
    limit: int | None = None
    for term in query.split():
        key, _sep, value = term.partition(":")
        if term == "all":
            continue
        if term == "unassigned":
            taken = {a.image_id for a in project.assignments(task=AssignmentTask.ANNOTATE)}
            keep.append(partial(_outside, taken))
        elif key == "status" and value in {s.value for s in ImageStatus}:
            keep.append(partial(_has_status, value))
        elif key == "name" and value:
            keep.append(partial(_name_matches, value))
        elif key == "path" and value:
            keep.append(partial(_path_matches, value))
        elif key == "ids" and value:
            wanted = _parse_ids(value)
            keep.append(partial(_inside, wanted))
        elif key == "assigned" and value:
            person = project.person_by_name(value)
            if person is None:
                raise LabelerError(_("no person named {value!r}").format(value=value))
            mine = {a.image_id for a in project.assignments_for(person.id, AssignmentTask.ANNOTATE)}
            keep.append(partial(_inside, mine))
        elif key == "limit" and value.isdigit():
            limit = int(value)
        else:
            raise LabelerError(
                _(
                    "unknown image query term {term!r}; use all, status:S, name:GLOB, "
                    "path:GLOB, ids:1,2,5-9, assigned:NAME, unassigned, limit:N"
                ).format(term=term)
            )
    return keep, limit


def _inside(ids: set[int], image: ImageRecord) -> bool:
    return image.id in ids


def _outside(ids: set[int], image: ImageRecord) -> bool:
    return image.id not in ids


def _has_status(status: str, image: ImageRecord) -> bool:
    return image.status.value == status


def _name_matches(glob: str, image: ImageRecord) -> bool:
    return fnmatch.fnmatch(PurePosixPath(image.path).name, glob)


def _path_matches(glob: str, image: ImageRecord) -> bool:
    return fnmatch.fnmatch(image.path, glob)


def export_package(
    project: Project,
    destination: Path | str,
    vendor: str,
    images: list[ImageRecord],
    *,
    blind: bool = False,
    with_prelabels: bool = False,
    for_review: bool | None = None,
) -> ExportSummary:
    """Write a work package for ``vendor`` holding ``images``; refuses to overwrite a file.

    ``for_review``: the vendor's reviewers may review in it (new reviewers may be added
    and their reviews come back); by default, when it carries review assignments.
    Otherwise the package brings back annotator work only.
    """
    destination, vendor = Path(destination), vendor.strip()
    _check_request(destination, vendor, images)
    records = project.exchange_records({i.id for i in images}, organization=vendor)
    _in_image_order(records, images)
    if for_review is None:
        for_review = any(a["task"] == AssignmentTask.REVIEW for a in records["assignments"])
    if blind:
        for assignment in records["assignments"]:
            assignment["blind"] = True
            assignment["hide_prelabels"] = not with_prelabels
    package_id = uuid.uuid4().hex
    with scratch_space(destination.parent, "package_export") as work:
        inner_path = work / "build" / PROJECT_FILE
        inner_path.parent.mkdir()
        files = _copy_images(project, images, records, inner_path.parent / "images")
        with Project.create(inner_path, name=f"{project.meta().get('name')} ({vendor})") as inner:
            predictions, carried_runs = _fill(
                project, inner, records, files, vendor, package_id, images if with_prelabels else []
            )
            snapshot = work / "snapshot.labeler"
            inner.backup(snapshot)
        current = project.current_guideline()
        guideline = [current.number, current.content_hash] if current else None
        now = now_iso()
        project.record_package_export(
            PackageGrant(
                package_id,
                vendor,
                now,
                for_review,
                frozenset(i.id for i in images),
                {p["name"]: p["role"] for p in records["people"]},
                frozenset(a["uid"] for a in records["annotations"]),
                carried_runs,
            )
        )
        manifest = Manifest(
            package_id,
            project.project_id(),
            project.meta().get("name", ""),
            SCHEMA_VERSION,
            vendor,
            now,
            now,
            blind,
            with_prelabels,
            guideline,
        )
        write_archive(
            destination, manifest, snapshot, {path.name: path for _, path in files.values()}
        )
    return ExportSummary(
        destination,
        package_id,
        vendor,
        len(images),
        len(records["people"]),
        len(records["annotations"]),
        len(records["assignments"]),
        current.number if current else None,
        predictions,
        for_review,
    )


def _in_image_order(records: dict[str, Any], images: list[ImageRecord]) -> None:
    """List the assignments in the order of ``images`` (the package's order of work).

    Assignments added to a batch later (gold images, :mod:`labeler.core.gold_mix`) then
    sit among the others in the package, not after them.
    """
    position = {i.sha256: n for n, i in enumerate(images)}
    records["assignments"].sort(key=lambda a: position.get(a["image"], len(position)))


def _check_request(destination: Path, vendor: str, images: list[ImageRecord]) -> None:
    if not vendor:
        raise LabelerError(_("name the vendor the package is for (--for)"))
    if destination.suffix != PACKAGE_SUFFIX:
        raise LabelerError(
            _("{destination}: a package file name ends in {PACKAGE_SUFFIX}").format(
                destination=destination, PACKAGE_SUFFIX=PACKAGE_SUFFIX
            )
        )
    if destination.exists():
        raise LabelerError(
            _("{destination}: a file already exists there; choose another name").format(
                destination=destination
            )
        )
    if not images:
        raise LabelerError(_("the image query matched no images; nothing to export"))


def _copy_images(
    project: Project, images: list[ImageRecord], records: dict[str, Any], folder: Path
) -> dict[str, tuple[ImageRecord, Path]]:
    """Copy the selected images and the guideline's example images, by content hash."""
    folder.mkdir()
    wanted = {i.sha256: i for i in images}
    for version in records["guidelines"]:
        for example in version["examples"]:
            record = project.image_by_sha256(example["image"])
            if record is not None:
                wanted.setdefault(record.sha256, record)
    files: dict[str, tuple[ImageRecord, Path]] = {}
    for sha, record in wanted.items():
        source = project.image_path(record)
        suffix = source.suffix.lower() if source.suffix.lower() else ".jpg"
        target = folder / f"{sha}{suffix}"
        copy_verified(source, target, sha)
        files[sha] = (record, target)
    return files


def _fill(
    project: Project,
    inner: Project,
    records: dict[str, Any],
    files: dict[str, tuple[ImageRecord, Path]],
    vendor: str,
    package_id: str,
    prelabel_images: list[ImageRecord],
) -> tuple[int, dict[int, int]]:
    """Fill the package's project; returns the pre-labels copied and their runs by image."""
    with inner.transaction():
        inner.set_meta(META_PACKAGE_ID, package_id)
        inner.set_meta(META_PACKAGE_OF, project.project_id())
        inner.set_meta(META_VENDOR, vendor)
        for label_class in project.classes():
            inner.add_class(label_class.name, label_class.kind, label_class.color)
        for person in records["people"]:
            inner.add_person(person["name"], person["role"], vendor)
        inner.add_images(
            ImageProbe(path, r.sha256, r.width, r.height, r.orientation, r.file_size, "")
            for r, path in files.values()
        )
        inner.load_guidelines(records["guidelines"])
        inner.load_work(records, vendor)
        _copy_answers(project, inner, records, files)
        people = {p["name"] for p in records["people"]}
        copy_questions(project, inner, {r.id for r, _ in files.values()}, people)
        return _copy_prelabels(project, inner, prelabel_images)


def _copy_answers(
    project: Project,
    inner: Project,
    records: dict[str, Any],
    files: dict[str, tuple[ImageRecord, Path]],
) -> None:
    """The vendor's people's answers on the package's images: their own "done" travels."""
    names = {p["name"] for p in records["people"]}
    rows = project.exchange_answers({r.id for r, _ in files.values()}, names)
    inner.merge_vendor_answers([(r["image"], r["person"], r["answered_at"]) for r in rows])


def _copy_prelabels(
    project: Project, inner: Project, images: list[ImageRecord]
) -> tuple[int, dict[int, int]]:
    """Copy each image's newest model predictions, one inner run per source run.

    Returns how many were copied and, by image id, the run they came from.
    """
    runs: dict[int, int] = {}
    carried: dict[int, int] = {}
    classes = {c.id: c.name for c in project.classes()}
    inner_classes = {c.name: c.id for c in inner.classes()}
    count = 0
    latest = dict(project.latest_predictions_by_image([i.id for i in images]))
    for image in images:
        found = latest.get(image.id)
        inner_image = inner.image_by_sha256(image.sha256)
        if found is None or inner_image is None:
            continue
        run_id = found[0].run_id if found else project.latest_run_for_image(image.id)
        # ``latest`` lists only images a run covered, so a run is always found.
        assert run_id is not None, f"image {image.id} is in latest_predictions but in no run"
        if run_id not in runs:
            run = project.model_run(run_id)
            runs[run_id] = inner.start_model_run(  # no note: it may hold someone's paths
                run.model_sha256, run.model_name, run.settings, run.provider, None
            ).id
        predictions = [(inner_classes[classes[p.class_id]], p.geometry, p.score) for p in found]
        count += inner.add_predictions(runs[run_id], inner_image.id, predictions)
        carried[image.id] = run_id
    for inner_run in runs.values():
        inner.finish_model_run(inner_run)
    return count, carried


__all__ = ["ExportSummary", "PackageError", "export_package", "select_images"]
