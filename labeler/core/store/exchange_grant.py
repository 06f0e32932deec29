"""What a work package's export granted, and the checks that hold a vendor's import to it.

When a package is exported the project records a :class:`PackageGrant` in its own
audit log (``events``, entity ``package_export``): the vendor, the export time by the
project's clock, whether it was exported for review, and the images, people (with
roles), annotations and pre-label runs it carried. The package itself is the vendor's
to edit, so nothing in it can widen that grant. At import, :class:`GrantCheck` holds
every row that would be merged to it:

- new people only with a granted role (annotators; reviewers too in a package
  exported for review), never a role change of someone already here;
- reviews only from reviewers of a review package, only of what the package was
  for (annotations it carried, the vendor's new annotations in it, its images), a
  fix only as the reviewer's own annotation replacing the reviewed one;
- work only on the images the package carried, edits only of annotations it carried;
- timestamps inside the export-to-import window (give or take :data:`CLOCK_SKEW`),
  ``seconds_spent`` at most the time the package was out (per annotation and per
  person), and a pre-label source only with a pre-label the package carried.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from labeler.core.domain import AnnotationSource, AssignmentTask, ReviewDecision, Role
from labeler.core.errors import LabelerError
from labeler.core.geometry import geometry_to_dict
from labeler.core.i18n import _
from labeler.core.store.database import Database
from labeler.core.store.rows import geometry_from_row

if TYPE_CHECKING:
    from labeler.core.store.exchange_checks import MergePlan

CLOCK_SKEW = timedelta(minutes=5)  # vendor clocks may be this far off the project's
SECONDS_SLACK = 1.0  # rounding of recorded durations
GRANT_ENTITY = "package_export"
_PRELABEL_SOURCES = {AnnotationSource.PRELABEL_ACCEPTED.value, AnnotationSource.PRELABEL_EDITED}
_REVIEWING_ROLES = {Role.REVIEWER.value, Role.QA_LEAD.value}


class GrantError(LabelerError):
    """A package holds something its export did not grant (the message names the field)."""


def compress_ids(ids: set[int] | frozenset[int]) -> str:
    """Sorted ids as ranges: ``{1, 2, 3, 7}`` -> ``"1-3,7"``."""
    parts: list[str] = []
    ordered = sorted(ids)
    start = previous = None
    for value in [*ordered, None]:
        if value is not None and previous is not None and value == previous + 1:
            previous = value
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = value
    return ",".join(parts)


def expand_ids(text: str) -> frozenset[int]:
    """The inverse of :func:`compress_ids`."""
    ids: set[int] = set()
    for part in filter(None, text.split(",")):
        low, _, high = part.partition("-")
        ids.update(range(int(low), int(high or low) + 1))
    return frozenset(ids)


@dataclass(frozen=True)
class PackageGrant:
    """What one exported package may bring back (recorded in the project, not the package)."""

    package_id: str
    vendor: str
    exported_at: str
    for_review: bool
    image_ids: frozenset[int]
    people: dict[str, str]  # name -> role, as exported
    annotations: frozenset[str]  # uids carried
    prelabel_runs: dict[int, int] = field(default_factory=dict)  # image id -> run carried

    @property
    def roles(self) -> frozenset[str]:
        """The roles a person the vendor adds may have."""
        granted = {Role.ANNOTATOR.value}
        if self.for_review:
            granted.add(Role.REVIEWER.value)
        return frozenset(granted)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form stored in the audit log."""
        runs: dict[int, set[int]] = defaultdict(set)
        for image_id, run_id in self.prelabel_runs.items():
            runs[run_id].add(image_id)
        return {
            "package_id": self.package_id,
            "vendor": self.vendor,
            "exported_at": self.exported_at,
            "for_review": self.for_review,
            "images": compress_ids(self.image_ids),
            "people": self.people,
            "annotations": sorted(self.annotations),
            "prelabel_runs": {str(run): compress_ids(ids) for run, ids in sorted(runs.items())},
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> PackageGrant:
        """Read a grant back from the audit log."""
        runs = {
            image_id: int(run)
            for run, ids in raw.get("prelabel_runs", {}).items()
            for image_id in expand_ids(ids)
        }
        return cls(
            str(raw["package_id"]),
            str(raw["vendor"]),
            str(raw["exported_at"]),
            bool(raw["for_review"]),
            expand_ids(raw["images"]),
            {str(k): str(v) for k, v in raw["people"].items()},
            frozenset(raw["annotations"]),
            runs,
        )


def parse_time(value: str) -> datetime:
    """An ISO 8601 timestamp as an aware datetime (naive ones are taken as UTC)."""
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _fail(where: str, message: str) -> GrantError:
    return GrantError(f"{where}: {message}")


class GrantCheck:
    """Holds the rows a merge would add to what the package's export granted."""

    def __init__(self, db: Database, grant: PackageGrant, imported_at: str) -> None:
        self._db = db
        self.grant = grant
        self.exported = parse_time(grant.exported_at)
        self.imported = parse_time(imported_at)
        self.out_seconds = max((self.imported - self.exported).total_seconds(), 0.0)
        self._image_ids = {r["sha256"]: r["id"] for r in db.query("SELECT id, sha256 FROM images")}
        self.roles: dict[str, str] = {}

    def check(self, records: dict[str, Any], plan: MergePlan) -> None:
        """Raise :class:`GrantError` naming the first row and field the grant does not allow."""
        self._check_people(records.get("people", []))
        new = {a["uid"]: a for a in plan.annotations}
        fixes = {r.get("fix"): r for r in plan.reviews if r.get("fix")}
        for i, row in enumerate(records.get("annotations", [])):
            if row["uid"] in new:
                new[row["uid"]].update(self._checked_new(row, f"annotations[{i}]", fixes))
        updated = {a["uid"] for a in plan.updates}
        for i, row in enumerate(records.get("annotations", [])):
            if row["uid"] in updated:
                self._check_update(row, f"annotations[{i}]")
        self._check_totals(records.get("annotations", []), new)
        self._check_reviews(records.get("reviews", []), plan.reviews, new)
        acknowledged = {id(a) for a in plan.acknowledgements}  # the very row objects
        for i, row in enumerate(records.get("acknowledgements", [])):
            if id(row) in acknowledged:
                self.check_time(row.get("at"), f"acknowledgements[{i}].at")
        self._check_assignments(records.get("assignments", []), plan.assignments)

    # People

    def _check_people(self, rows: list[dict[str, Any]]) -> None:
        for i, row in enumerate(rows):
            name, role = row["name"], row["role"]
            role_value = self._db.scalar("SELECT role FROM people WHERE name = ?", (name,))
            existing = None if role_value is None else str(role_value)
            if existing is not None and existing != role:
                raise _fail(
                    f"people[{i}].role",
                    _(
                        "{name!r} is {existing!r} in this project, not {role!r}; a package "
                        "cannot change anyone's role"
                    ).format(name=name, existing=existing, role=role),
                )
            if existing is None and role not in self.grant.roles:
                allowed = " and ".join(sorted(f"{r}s" for r in self.grant.roles))
                kind = _("for review") if self.grant.for_review else _("for annotation")
                raise _fail(
                    f"people[{i}].role",
                    _(
                        "{name!r} is a new {role!r}; a package exported {kind} may only add "
                        "{allowed}"
                    ).format(name=name, role=role, kind=kind, allowed=allowed),
                )
            self.roles[name] = existing or role

    # Annotations

    def _checked_new(
        self, row: dict[str, Any], where: str, fixes: dict[Any, dict[str, Any]]
    ) -> dict[str, Any]:
        """Check a new annotation; returns what the merge adds to it (its prediction)."""
        image_id = self._image_ids.get(row["image"])
        if image_id not in self.grant.image_ids:
            raise _fail(where + ".image", _("an image this package did not carry"))
        for key in ("created_at", "updated_at", "deleted_at"):
            if row.get(key) is not None:
                self.check_time(row[key], f"{where}.{key}")
        created = parse_time(row["created_at"])
        for key in ("updated_at", "deleted_at"):
            if row.get(key) is not None and parse_time(row[key]) < created:
                raise _fail(
                    f"{where}.{key}", _("{row} is before its created_at").format(row=row[key])
                )
        self._check_seconds(row.get("seconds_spent") or 0.0, where + ".seconds_spent")
        if row.get("replaces") and row["uid"] not in fixes:
            raise _fail(
                where + ".replaces",
                _("only a reviewer's fix, with its review, may replace an annotation"),
            )
        if row.get("source") in _PRELABEL_SOURCES:
            return {"prediction_id": self._carried_prediction(row, image_id, where)}
        if row.get("prediction") is not None:
            raise _fail(
                where + ".prediction",
                _("a {source!r} annotation names a pre-label").format(source=row.get("source")),
            )
        return {"prediction_id": None}

    def _carried_prediction(self, row: dict[str, Any], image_id: int, where: str) -> int:
        run_id = self.grant.prelabel_runs.get(image_id)
        if run_id is None:
            raise _fail(
                where + ".source",
                _("{row!r}, but the package carried no pre-labels for that image").format(
                    row=row["source"]
                ),
            )
        claimed = row.get("prediction")
        if not isinstance(claimed, dict):
            raise _fail(
                where + ".source", _("{row!r} but it names no pre-label").format(row=row["source"])
            )
        for candidate in self._db.query(
            "SELECT p.*, c.name AS class_name FROM predictions p JOIN classes c "
            "ON c.id = p.class_id WHERE p.run_id = ? AND p.image_id = ?",
            (run_id, image_id),
        ):
            if (
                claimed.get("class") == candidate["class_name"]
                and claimed.get("geometry") == geometry_to_dict(geometry_from_row(candidate))
                and claimed.get("score") == candidate["score"]
            ):
                return int(candidate["id"])
        raise _fail(where + ".prediction", _("names a pre-label the package did not carry"))

    def _check_update(self, row: dict[str, Any], where: str) -> None:
        if row["uid"] not in self.grant.annotations:
            raise _fail(where, _("edits an annotation the package did not carry"))
        self.check_time(row.get("updated_at"), where + ".updated_at")
        if row.get("deleted_at") is not None:
            self.check_time(row["deleted_at"], where + ".deleted_at")

    def _check_totals(self, rows: list[dict[str, Any]], new: dict[str, Any]) -> None:
        totals: dict[str, float] = defaultdict(float)
        for row in rows:
            if row["uid"] in new:
                totals[row["annotator"]] += float(row.get("seconds_spent") or 0.0)
        for person, total in sorted(totals.items()):
            if total > self.out_seconds + SECONDS_SLACK:
                raise _fail(
                    "annotations.seconds_spent",
                    _(
                        "{person!r} claims {total:.0f} s in all, but the package was out "
                        "only {self.out_seconds:.0f} s"
                    ).format(person=person, total=total, self=self),
                )

    # Reviews

    def _check_reviews(
        self, rows: list[dict[str, Any]], planned: list[dict[str, Any]], new: dict[str, Any]
    ) -> None:
        planned_ids = {id(p) for p in planned}  # the plan holds these very row objects
        for i, row in enumerate(rows):
            if id(row) not in planned_ids:
                continue
            where = f"reviews[{i}]"
            reviewer = row["reviewer"]
            if not self.grant.for_review:
                raise _fail(
                    where, _("the package was not exported for review; it cannot bring reviews")
                )
            if self.roles.get(reviewer) not in _REVIEWING_ROLES:
                raise _fail(
                    where + ".reviewer",
                    _("{reviewer!r} is {source!r}; only reviewers review").format(
                        reviewer=reviewer, source=self.roles.get(reviewer)
                    ),
                )
            self._check_target(row, where, new)
            self._check_fix(row, where, new)
            self.check_time(row.get("created_at"), where + ".created_at")

    def _check_target(self, row: dict[str, Any], where: str, new: dict[str, Any]) -> None:
        target = row["target"]
        if row["target_kind"] == "annotation":
            if target not in self.grant.annotations and target not in new:
                raise _fail(where + ".target", _("an annotation the package did not carry"))
        elif self._image_ids.get(target) not in self.grant.image_ids:
            raise _fail(where + ".target", _("an image the package did not carry"))

    def _check_fix(self, row: dict[str, Any], where: str, new: dict[str, Any]) -> None:
        fix = row.get("fix")
        if (row["decision"] == ReviewDecision.FIX.value) != (fix is not None):
            raise _fail(where + ".fix", _("a fix review needs its fix, and only a fix has one"))
        if fix is None:
            return
        made = new.get(fix)
        if made is None:
            raise _fail(where + ".fix", _("the fix is not a new annotation of this package"))
        if made["annotator"] != row["reviewer"]:
            raise _fail(
                where + ".fix",
                _("the fix is attributed to {made!r}, not to its reviewer").format(
                    made=made["annotator"]
                ),
            )
        if row["target_kind"] != "annotation" or made.get("replaces") != row["target"]:
            raise _fail(where + ".fix", _("the fix does not replace the annotation reviewed"))

    # Assignments

    def _check_assignments(self, rows: list[dict[str, Any]], planned: list[dict[str, Any]]) -> None:
        planned_ids = {id(p) for p in planned}
        for i, row in enumerate(rows):
            if id(row) not in planned_ids:
                continue
            where = f"assignments[{i}]"
            if self._image_ids.get(row["image"]) not in self.grant.image_ids:
                raise _fail(where + ".image", _("an image the package did not carry"))
            if row["task"] == AssignmentTask.REVIEW.value and not self.grant.for_review:
                raise _fail(
                    where + ".task", _("a review task in a package not exported for review")
                )
            existing = self._db.scalar(
                "SELECT 1 FROM assignments s JOIN people p ON p.id = s.person_id "
                "JOIN images i ON i.id = s.image_id WHERE p.name = ? AND i.sha256 = ? "
                "AND s.task = ?",
                (row["person"], row["image"], row["task"]),
            )
            if existing is None:
                self.check_time(row.get("created_at"), where + ".created_at")
            if row.get("done_at") is not None:
                self.check_time(row["done_at"], where + ".done_at")

    # Plausibility

    def check_time(self, value: Any, where: str) -> None:
        """Refuse a timestamp outside the export-to-import window (give or take the skew)."""
        try:
            moment = parse_time(str(value))
        except ValueError as exc:
            raise _fail(
                where, _("not a timestamp ({value!r})").format(value=str(value)[:40])
            ) from exc
        if moment < self.exported - CLOCK_SKEW:
            raise _fail(
                where,
                _("{value} is before the package was exported ({self.grant.exported_at})").format(
                    value=value, self=self
                ),
            )
        if moment > self.imported + CLOCK_SKEW:
            raise _fail(
                where,
                _("{value} is in the future (imported at {imported})").format(
                    value=value, imported=self.imported.isoformat(timespec="milliseconds")
                ),
            )

    def _check_seconds(self, value: Any, where: str) -> None:
        if float(value) > self.out_seconds + SECONDS_SLACK:
            raise _fail(
                where,
                _("{value:.0f} s, but the package was out only {self.out_seconds:.0f} s").format(
                    value=float(value), self=self
                ),
            )
