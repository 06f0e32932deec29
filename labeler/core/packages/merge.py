"""Importing a vendor's package: validate everything first, then merge in one transaction.

Order: the zip (members, sizes, names), the manifest (format, schema, project id),
the extracted files (image hashes), the inner project (identity, integrity), every
row (people of the vendor only, known images/classes/guideline versions, valid
shapes), every row against what this project's export of the package granted
(roles, reviews, images and annotations carried, the export-to-import window; see
:mod:`labeler.core.store.exchange_grant`), and only then one write transaction.
A refused package leaves the project file byte-for-byte unchanged; a package whose
work is already here changes nothing.
"""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labeler.core.errors import LabelerError
from labeler.core.i18n import _
from labeler.core.packages.archive import (
    DEFAULT_LIMITS,
    PROJECT_FILE,
    Manifest,
    PackageLimits,
    extract,
    open_archive,
)
from labeler.core.packages.export import META_PACKAGE_ID, META_PACKAGE_OF, META_VENDOR
from labeler.core.packages.question_travel import (
    QUESTIONS,
    check_questions,
    merge_questions,
    read_questions,
)
from labeler.core.scratch import scratch_space
from labeler.core.store import SCHEMA_VERSION, Project
from labeler.core.store.exchange import PackageError, read_meta_readonly

ANSWERS = "answers"  # the package's answers, read beside its records (checked on their own)


@dataclass
class ImportSummary:
    """What importing a package did."""

    package: str
    package_id: str
    vendor: str
    import_id: int | None
    added: dict[str, int] = field(default_factory=dict)
    answers: int = 0  # the vendor's new answers ("done", with or without objects)
    questions: int = 0  # the vendor's new questions

    @property
    def changed(self) -> bool:
        """False when everything in the package was already in the project."""
        return self.import_id is not None or self.answers > 0 or self.questions > 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "package": self.package,
            "package_id": self.package_id,
            "vendor": self.vendor,
            "import_id": self.import_id,
            "changed": self.changed,
            **self.added,
        }


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _check_manifest(project: Project, manifest: Manifest, name: str) -> None:
    if manifest.schema_version != SCHEMA_VERSION:
        raise PackageError(
            _(
                "{name}: written with project schema {manifest.schema_version}; this labeler "
                "uses schema {SCHEMA_VERSION}. Use the same labeler version on both sides."
            ).format(name=name, manifest=manifest, SCHEMA_VERSION=SCHEMA_VERSION)
        )
    if manifest.project_id != project.project_id():
        raise PackageError(
            _(
                "{name}: the package belongs to project {manifest.project_name!r} "
                "({manifest.project_id}), not to this one ({project_id})"
            ).format(name=name, manifest=manifest, project_id=project.project_id())
        )


def read_package_records(
    project: Project, package: Path, limits: PackageLimits = DEFAULT_LIMITS
) -> tuple[Manifest, dict[str, Any]]:
    """Check a package against ``project`` and read its work as records; writes nothing."""
    archive, manifest = open_archive(package, limits)
    with archive:
        _check_manifest(project, manifest, package.name)
        with scratch_space(Path(tempfile.gettempdir()), "package_import") as folder:
            extract(archive, folder, limits)
            inner_path = folder / PROJECT_FILE
            meta = read_meta_readonly(inner_path)
            expected = {
                META_PACKAGE_ID: manifest.package_id,
                META_PACKAGE_OF: manifest.project_id,
                META_VENDOR: manifest.vendor,
                "schema_version": str(SCHEMA_VERSION),
            }
            for key, value in expected.items():
                if meta.get(key) != value:
                    raise PackageError(
                        _(
                            "{package.name}: the project inside does not match its manifest ({key})"
                        ).format(package=package, key=key)
                    )
            try:
                with Project.open(inner_path) as inner:
                    records = inner.exchange_records()
                    records[ANSWERS] = inner.exchange_answers()  # the vendor's "done"
                    records[QUESTIONS] = read_questions(inner)
            except (LabelerError, sqlite3.Error, ValueError, KeyError, TypeError) as exc:
                raise PackageError(
                    _("{package.name}: its project cannot be read ({exc})").format(
                        package=package, exc=exc
                    )
                ) from exc
    return manifest, records


def import_package(
    project: Project, package: Path | str, limits: PackageLimits = DEFAULT_LIMITS
) -> ImportSummary:
    """Merge a vendor's annotations, reviews, acknowledgements and assignments.

    Refuses (with :class:`PackageError`, the project untouched) a package from another
    project or schema, a damaged or malicious file, or any invalid row. Rows already
    here are kept, except the vendor's own annotations left unchanged here since the
    export, which take the vendor's newer edit; other differences count as conflicts
    and this project's version wins. Importing the same package twice changes nothing.
    """
    package = Path(package)
    if not package.is_file():
        raise PackageError(_("{package}: no such package file").format(package=package))
    manifest, records = read_package_records(project, package, limits)
    grant = project.package_grant(manifest.package_id)
    if grant is None:
        raise PackageError(
            _(
                "{package.name}: refused, this project has no record of exporting package "
                "{manifest.package_id}; import a package into the project it was exported "
                "from"
            ).format(package=package, manifest=manifest)
        )
    if grant.vendor != manifest.vendor:
        raise PackageError(
            _(
                "{package.name}: refused, manifest vendor {manifest.vendor!r} is not the "
                "vendor it was exported for ({grant.vendor!r})"
            ).format(package=package, manifest=manifest, grant=grant)
        )
    answers = records.pop(ANSWERS, [])
    questions = records.pop(QUESTIONS, [])
    try:
        plan = project.check_records(records, grant.vendor, since=grant.exported_at, grant=grant)
        vendor_people = set(grant.people) | {p["name"] for p in plan.people}
        checked = project.check_vendor_answers(answers, vendor_people, grant.image_ids)
        project.check_answer_times(checked, grant)
        new_questions = check_questions(project, questions, records, grant, vendor_people)
    except PackageError as exc:
        raise PackageError(
            _("{package.name}: refused, {exc}").format(package=package, exc=exc)
        ) from exc
    try:
        import_id = project.merge_records(
            plan, manifest.package_id, manifest.vendor, _file_sha256(package)
        )
    except sqlite3.IntegrityError as exc:  # the transaction was rolled back
        raise PackageError(
            _("{package.name}: refused, its rows conflict ({exc})").format(package=package, exc=exc)
        ) from exc
    answered = project.merge_vendor_answers(checked)
    asked = merge_questions(project, new_questions, import_id, manifest.package_id)
    return ImportSummary(
        str(package),
        manifest.package_id,
        manifest.vendor,
        import_id,
        {**plan.counts(), "answers": answered, "questions": asked},
        answered,
        asked,
    )
