"""Checking untrusted exchange records against a project, without writing anything.

Every row of a vendor work package is validated here before anything is merged:
types, sizes and formats of every field; people only of the package's vendor (and
nobody who is someone else in this project); images, classes and guideline
versions that this project already has; shapes valid on their image; and, for a
package, only what its export granted (see :mod:`labeler.core.store.exchange_grant`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from labeler.core.domain import AnnotationSource, AssignmentTask, GeometryKind, ReviewDecision, Role
from labeler.core.errors import GeometryError, LabelerError
from labeler.core.geometry import Tag, geometry_from_dict, geometry_to_dict, validate_geometry
from labeler.core.i18n import _
from labeler.core.store.base import StoreBase
from labeler.core.store.class_names import current_class_names
from labeler.core.store.exchange_grant import GrantCheck, GrantError, PackageGrant
from labeler.core.store.rows import geometry_from_row, now_iso

MAX_ROWS = 200_000  # per kind of record
MAX_NAME = 200
MAX_NOTE = 4_000
_UID = re.compile(r"^[0-9a-f]{32}$")
_SHA = re.compile(r"^[0-9a-f]{64}$")
_TIME = re.compile(r"^[0-9T:.+\-Z ]{10,40}$")


class PackageError(LabelerError):
    """A work package is refused; the project was left unchanged."""


@dataclass
class MergePlan:
    """What merging a set of records would add (computed without writing)."""

    people: list[dict[str, Any]] = field(default_factory=list)
    annotations: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    acknowledgements: list[dict[str, Any]] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    already_present: int = 0
    conflicts: int = 0
    organization: str = ""
    since: str | None = None

    @property
    def empty(self) -> bool:
        """True when merging would change nothing."""
        return not (
            self.updates
            or self.people
            or self.annotations
            or self.reviews
            or self.acknowledgements
            or self.assignments
        )

    def counts(self) -> dict[str, int]:
        """How many rows of each kind would be added."""
        return {
            "people": len(self.people),
            "annotations": len(self.annotations),
            "reviews": len(self.reviews),
            "acknowledgements": len(self.acknowledgements),
            "assignments": len(self.assignments),
            "updated": len(self.updates),
            "already_present": self.already_present,
            "conflicts": self.conflicts,
        }


def _fail(where: str, message: str) -> PackageError:
    return PackageError(f"{where}: {message}")


def _text(value: Any, where: str, limit: int = MAX_NAME, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise _fail(where, _("expected text of at most {limit} characters").format(limit=limit))
    return value


def _match(value: Any, pattern: re.Pattern[str], where: str, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not pattern.match(value):
        raise _fail(where, _("malformed value {value!r}").format(value=str(value)[:80]))
    return value


def _number(value: Any, where: str, low: float = 0.0, high: float = 1e9) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(where, _("expected a number"))
    if not math.isfinite(float(value)) or not low <= float(value) <= high:
        raise _fail(where, _("number out of range [{low:g}, {high:g}]").format(low=low, high=high))
    return float(value)


def _rows(records: dict[str, Any], key: str) -> list[dict[str, Any]]:
    rows = records.get(key, [])
    if not isinstance(rows, list) or len(rows) > MAX_ROWS:
        raise _fail(key, _("expected a list of at most {MAX_ROWS} rows").format(MAX_ROWS=MAX_ROWS))
    if not all(isinstance(r, dict) for r in rows):
        raise _fail(key, _("every row must be an object"))
    return rows


class RecordChecks(StoreBase):
    """Validation of untrusted records and planning of a merge (read-only)."""

    # Checking untrusted records

    def check_records(
        self,
        records: dict[str, Any],
        organization: str,
        since: str | None = None,
        grant: PackageGrant | None = None,
    ) -> MergePlan:
        """Validate every record against this project and plan the merge; writes nothing.

        Raises :class:`PackageError` naming the first bad row. Only people of
        ``organization`` may appear; images, classes and guideline versions must
        already be in this project. With ``since`` (when the package was exported), an
        annotation of that organization that is unchanged here since then takes the
        package's newer edit; any other difference is a conflict and this project's
        version is kept. With ``grant`` (what the package's export allowed, see
        :mod:`labeler.core.store.exchange_grant`), every row to be merged must keep to
        it and to what was possible between the export and now.
        """
        if not isinstance(records, dict):
            raise PackageError(_("records: expected an object"))
        records = current_class_names(self._db, records)  # old and merged class names
        try:
            plan = self._check_records(records, organization, since)
            if grant is not None:
                GrantCheck(self._db, grant, now_iso()).check(records, plan)
        except GrantError as exc:
            raise PackageError(str(exc)) from exc
        except (TypeError, KeyError, ValueError, AttributeError) as exc:
            raise PackageError(
                _("malformed records ({type}: {exc})").format(type=type(exc).__name__, exc=exc)
            ) from exc
        return plan

    def _check_records(
        self, records: dict[str, Any], organization: str, since: str | None
    ) -> MergePlan:
        plan = MergePlan(organization=organization, since=since)
        people = self._check_people(_rows(records, "people"), organization, plan)
        versions = self._known_versions()
        images = {
            r["sha256"]: (r["width"], r["height"])
            for r in self._db.query("SELECT sha256, width, height FROM images")
        }
        classes = {r["name"]: r["kind"] for r in self._db.query("SELECT name, kind FROM classes")}
        annotation_uids = self._check_annotations(
            _rows(records, "annotations"), people, images, classes, versions, plan
        )
        self._check_reviews(
            _rows(records, "reviews"), people, images, versions, annotation_uids, plan
        )
        self._check_acknowledgements(_rows(records, "acknowledgements"), people, versions, plan)
        self._check_assignments(_rows(records, "assignments"), people, images, plan)
        return plan

    def _known_versions(self) -> dict[tuple[int, str], int]:
        rows = self._db.query(
            "SELECT id, number, content_hash FROM guideline_versions WHERE published_at IS NOT NULL"
        )
        return {(r["number"], r["content_hash"]): r["id"] for r in rows}

    def _check_people(
        self, rows: list[dict[str, Any]], organization: str, plan: MergePlan
    ) -> set[str]:
        names: set[str] = set()
        for i, row in enumerate(rows):
            where = f"people[{i}]"
            name = _text(row.get("name"), where + ".name")
            if not name or not name.strip() or name in names:
                raise _fail(where, _("a person needs a unique, non-empty name"))
            if row.get("organization") != organization:
                raise _fail(
                    where,
                    _(
                        "{name!r} is not from {organization!r}; a package may only hold its "
                        "vendor's people"
                    ).format(name=name, organization=organization),
                )
            if row.get("role") not in {r.value for r in Role}:
                raise _fail(
                    where, _("unknown role {value!r}").format(value=str(row.get("role"))[:40])
                )
            existing = self._db.query_one("SELECT organization FROM people WHERE name = ?", (name,))
            if existing is None:
                plan.people.append(
                    {"name": name, "role": row["role"], "organization": organization}
                )
            elif existing["organization"] != organization:
                raise _fail(
                    where,
                    _("{name!r} is someone else in this project ({existing})").format(
                        name=name, existing=existing["organization"] or _("in-house")
                    ),
                )
            names.add(name)
        return names

    def _check_version(self, value: Any, versions: dict[tuple[int, str], int], where: str) -> None:
        if value is None:
            return
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not isinstance(value[0], int)
            or not isinstance(value[1], str)
            or (value[0], value[1]) not in versions
        ):
            raise _fail(
                where,
                _("names a guideline version this project does not have ({value})").format(
                    value=str(value)[:100]
                ),
            )

    def _check_annotations(
        self,
        rows: list[dict[str, Any]],
        people: set[str],
        images: dict[str, tuple[int, int]],
        classes: dict[str, str],
        versions: dict[tuple[int, str], int],
        plan: MergePlan,
    ) -> set[str]:
        uids: set[str] = set()
        for i, row in enumerate(rows):
            where = f"annotations[{i}]"
            uid = _match(row.get("uid"), _UID, where + ".uid")
            if uid in uids:
                raise _fail(where, _("uid appears twice"))
            uids.add(str(uid))
            checked = self._checked_annotation(row, where, people, images, classes, versions)
            existing = self._db.query_one(
                "SELECT a.*, c.name AS class_name, p.name AS annotator, p.organization "
                "FROM annotations a JOIN classes c ON c.id = a.class_id "
                "JOIN people p ON p.id = a.annotator_id WHERE a.uid = ?",
                (uid,),
            )
            if existing is None:
                plan.annotations.append(checked)
            else:
                self._plan_existing(checked, existing, plan)
        for i, row in enumerate(rows):
            replaces = _match(row.get("replaces"), _UID, f"annotations[{i}].replaces", True)
            if (
                replaces
                and replaces not in uids
                and not self._db.scalar("SELECT 1 FROM annotations WHERE uid = ?", (replaces,))
            ):
                raise _fail(f"annotations[{i}]", _("replaces an annotation that is nowhere"))
        return uids

    @staticmethod
    def _plan_existing(checked: dict[str, Any], existing: Any, plan: MergePlan) -> None:
        """An annotation already here: unchanged, the vendor's own newer edit, or a conflict."""
        same = (
            checked["class"] == existing["class_name"]
            and checked["geometry"] == geometry_to_dict(geometry_from_row(existing))
            and checked.get("deleted_at") == existing["deleted_at"]
        )
        own_newer = (
            existing["organization"] == plan.organization
            and checked["annotator"] == existing["annotator"]
            and plan.since is not None
            and existing["updated_at"] <= plan.since
            and checked["updated_at"] > existing["updated_at"]
        )
        if same:
            plan.already_present += 1
        elif own_newer:
            plan.updates.append(checked)
        else:
            plan.conflicts += 1

    def _checked_annotation(
        self,
        row: dict[str, Any],
        where: str,
        people: set[str],
        images: dict[str, tuple[int, int]],
        classes: dict[str, str],
        versions: dict[tuple[int, str], int],
    ) -> dict[str, Any]:
        if row.get("annotator") not in people:
            raise _fail(where, _("made by someone who is not in the package"))
        size = images.get(str(_match(row.get("image"), _SHA, where + ".image")))
        if size is None:
            raise _fail(where, _("on an image this project does not have"))
        kind = classes.get(str(_text(row.get("class"), where + ".class")))
        if kind is None:
            raise _fail(
                where, _("class {value!r} is not in this project").format(value=row.get("class"))
            )
        try:
            geometry = validate_geometry(geometry_from_dict(row.get("geometry") or {}), size)
        except (GeometryError, AttributeError) as exc:
            raise _fail(where + ".geometry", str(exc)) from exc
        if (kind == GeometryKind.TAG.value) != isinstance(geometry, Tag):
            raise _fail(
                where,
                _("a {geometry.kind} cannot carry a {kind} class").format(
                    geometry=geometry, kind=kind
                ),
            )
        if row.get("source") not in {s.value for s in AnnotationSource}:
            raise _fail(where, _("unknown source"))
        self._check_version(row.get("guideline"), versions, where)
        for key in ("created_at", "updated_at"):
            _match(row.get(key), _TIME, f"{where}.{key}")
        _match(row.get("deleted_at"), _TIME, where + ".deleted_at", optional=True)
        _number(row.get("seconds_spent", 0.0), where + ".seconds_spent", 0.0, 1e7)
        return {**row, "geometry": geometry_to_dict(geometry)}

    def _check_reviews(
        self,
        rows: list[dict[str, Any]],
        people: set[str],
        images: dict[str, Any],
        versions: dict[tuple[int, str], int],
        annotation_uids: set[str],
        plan: MergePlan,
    ) -> None:
        seen: set[str] = set()
        for i, row in enumerate(rows):
            where = f"reviews[{i}]"
            uid = str(_match(row.get("uid"), _UID, where + ".uid"))
            if uid in seen:
                raise _fail(where, _("uid appears twice"))
            seen.add(uid)
            if self._db.scalar("SELECT 1 FROM reviews WHERE uid = ?", (uid,)):
                plan.already_present += 1
                continue
            if row.get("reviewer") not in people:
                raise _fail(where, _("made by someone who is not in the package"))
            if row.get("decision") not in {d.value for d in ReviewDecision}:
                raise _fail(where, _("unknown decision"))
            target = row.get("target")
            if row.get("target_kind") == "annotation":
                known = target in annotation_uids or self._db.scalar(
                    "SELECT 1 FROM annotations WHERE uid = ?", (str(target),)
                )
            elif row.get("target_kind") == "image":
                known = target in images
            else:
                raise _fail(where, _("unknown target kind"))
            fix = _match(row.get("fix"), _UID, where + ".fix", optional=True)
            if not known or (fix is not None and fix not in annotation_uids):
                raise _fail(where, _("reviews something that is not in the package or project"))
            _text(row.get("reason"), where + ".reason", MAX_NOTE, optional=True)
            _text(row.get("section"), where + ".section", 40, optional=True)
            _match(row.get("created_at"), _TIME, where + ".created_at")
            self._check_version(row.get("guideline"), versions, where)
            plan.reviews.append(row)

    def _check_acknowledgements(
        self,
        rows: list[dict[str, Any]],
        people: set[str],
        versions: dict[tuple[int, str], int],
        plan: MergePlan,
    ) -> None:
        for i, row in enumerate(rows):
            where = f"acknowledgements[{i}]"
            if row.get("person") not in people:
                raise _fail(where, _("by someone who is not in the package"))
            self._check_version(row.get("guideline"), versions, where)
            if row.get("guideline") is None:
                raise _fail(where, _("names no guideline version"))
            _match(row.get("at"), _TIME, where + ".at")
            version_id = versions[(row["guideline"][0], row["guideline"][1])]
            if not self._db.scalar(
                "SELECT 1 FROM acknowledgements a JOIN people p ON p.id = a.person_id "
                "WHERE p.name = ? AND a.version_id = ?",
                (row["person"], version_id),
            ):
                plan.acknowledgements.append(row)

    def _check_assignments(
        self,
        rows: list[dict[str, Any]],
        people: set[str],
        images: dict[str, Any],
        plan: MergePlan,
    ) -> None:
        for i, row in enumerate(rows):
            where = f"assignments[{i}]"
            if row.get("person") not in people or row.get("image") not in images:
                raise _fail(where, _("names a person or image that is not in the package"))
            if row.get("task") not in {t.value for t in AssignmentTask}:
                raise _fail(where, _("unknown task"))
            _match(row.get("created_at"), _TIME, where + ".created_at")
            _match(row.get("done_at"), _TIME, where + ".done_at", optional=True)
            _text(row.get("batch", ""), where + ".batch")
            existing = self._db.query_one(
                "SELECT s.done_at FROM assignments s JOIN people p ON p.id = s.person_id "
                "JOIN images i ON i.id = s.image_id WHERE p.name = ? AND i.sha256 = ? "
                "AND s.task = ?",
                (row["person"], row["image"], row["task"]),
            )
            if existing is None or (existing["done_at"] is None and row.get("done_at")):
                plan.assignments.append(row)
