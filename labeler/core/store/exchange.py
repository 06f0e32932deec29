"""Moving work between projects by global ids: the store side of vendor work packages.

Rows travel as plain dicts ("records") that name everything by a global id, never
by a row id: people by name (+ organization), images by SHA-256, classes by name,
guideline versions by number + content hash, annotations and reviews by their
``uid``. :meth:`ExchangeStore.exchange_records` writes records out;
:meth:`ExchangeStore.check_records` validates untrusted records against this
project without writing anything; :meth:`ExchangeStore.merge_records` then adds
what is new in one transaction. Rows whose uid is already here are kept (only a
vendor's own annotation left unchanged here since the export takes the vendor's
newer edit), so merging twice changes nothing and nobody else's work is overwritten.
:meth:`ExchangeStore.record_package_export` keeps what a package's export granted
(:mod:`labeler.core.store.exchange_grant`), which ``check_records`` then holds its
records to; a vendor's records name nobody outside the vendor.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from labeler.core.domain import ExampleKind, ExampleShape
from labeler.core.events import Change, Entity
from labeler.core.geometry import geometry_from_dict, geometry_to_dict
from labeler.core.i18n import _
from labeler.core.store.exchange_checks import MergePlan, PackageError, RecordChecks
from labeler.core.store.exchange_grant import GRANT_ENTITY, GrantCheck, GrantError, PackageGrant
from labeler.core.store.rows import (
    example_from_row,
    geometry_columns,
    geometry_from_row,
    now_iso,
)
from labeler.core.store.schema import APPLICATION_ID

__all__ = ["ExchangeStore", "MergePlan", "PackageError", "PackageGrant", "read_meta_readonly"]


_SCOPE_CHUNK = 500  # image ids per query when reading one package's rows


class ExchangeStore(RecordChecks):
    """Records out, untrusted records checked, new records merged in."""

    def project_id(self) -> str:
        """The project's global id (kept by its work packages)."""
        return str(self._db.scalar("SELECT value FROM meta WHERE key = 'project_id'") or "")

    def record_package_export(self, grant: PackageGrant) -> None:
        """Remember what an exported package may bring back (an audit event, trusted later)."""
        with self.transaction():
            self._log("export", GRANT_ENTITY, None, after=grant.to_dict())

    def package_grant(self, package_id: str) -> PackageGrant | None:
        """What this project's export of package ``package_id`` granted; None if never exported."""
        value = self._db.scalar(
            "SELECT after FROM events WHERE entity = ? AND action = 'export' "
            "AND json_extract(after, '$.package_id') = ? ORDER BY id DESC LIMIT 1",
            (GRANT_ENTITY, package_id),
        )
        return PackageGrant.from_dict(json.loads(str(value))) if value is not None else None

    def check_answer_times(self, answers: list[tuple[str, str, str]], grant: PackageGrant) -> None:
        """Refuse new ``(sha256, person, answered_at)`` answers dated outside the package's window.

        Answers already here (carried out and back) keep their older times.
        """
        window = GrantCheck(self._db, grant, now_iso())
        try:
            for i, (sha, person, at) in enumerate(answers):
                known = self._db.scalar(
                    "SELECT 1 FROM answers w JOIN images i ON i.id = w.image_id "
                    "JOIN people p ON p.id = w.person_id WHERE i.sha256 = ? AND p.name = ?",
                    (sha, person),
                )
                if not known:
                    window.check_time(at, f"answers[{i}].answered_at")
        except GrantError as exc:
            raise PackageError(str(exc)) from exc

    # Writing records out

    def exchange_records(
        self, image_ids: set[int] | None = None, organization: str | None = None
    ) -> dict[str, Any]:
        """The project's work as records; optionally only some images and one organization.

        With ``organization``, only that organization's people and their live work
        are included (no one else's labels or names), with the guideline in force and the
        older versions their work was made under.
        Without it, everything is included, deleted annotations too.
        """
        people = self._db.query("SELECT * FROM people ORDER BY id")
        if organization is not None:
            people = [p for p in people if p["organization"] == organization]
        names = {p["id"]: p["name"] for p in people}
        images = _ShaById(self._db)
        if image_ids is None:
            every = self._db.query("SELECT id, sha256 FROM images")
            images.update((r["id"], r["sha256"]) for r in every)
            wanted = set(images)
        else:  # a package's images; an example image outside them is read when met
            wanted = set(image_ids)
            shas = self._scoped_rows("SELECT id, sha256 FROM images", "id", "id", sorted(wanted))
            images.update((r["id"], r["sha256"]) for r in shas)
        scope = None if image_ids is None else sorted(wanted)  # SQL reads only these images
        versions = self._exchange_versions(
            None if organization is None else (names, wanted), scope
        )
        version_keys = {v["id"]: [v["number"], v["content_hash"]] for v in versions}
        annotations = self._exchange_annotations(
            names, images, wanted, version_keys, organization is not None, scope
        )
        uids = {a["uid"] for a in annotations}
        if organization is not None:  # nothing may point at work outside the package
            for annotation in annotations:
                if annotation["replaces"] not in uids:
                    annotation["replaces"] = None
        return {
            "people": [
                {"name": p["name"], "role": p["role"], "organization": p["organization"]}
                for p in people
            ],
            "guidelines": [
                self._exchange_version(v, images, anonymous=organization is not None)
                for v in versions
            ],
            "annotations": annotations,
            "reviews": self._exchange_reviews(names, images, wanted, version_keys, uids, scope),
            "acknowledgements": [
                {
                    "person": names[r["person_id"]],
                    "guideline": version_keys[r["version_id"]],
                    "at": r["at"],
                }
                for r in self._db.query("SELECT * FROM acknowledgements ORDER BY at")
                if r["person_id"] in names and r["version_id"] in version_keys
            ],
            "assignments": [
                {
                    "image": images[r["image_id"]],
                    "person": names[r["person_id"]],
                    "task": r["task"],
                    "blind": bool(r["blind"]),
                    "hide_prelabels": bool(r["hide_prelabels"]),
                    "batch": r["batch"],
                    "created_at": r["created_at"],
                    "done_at": r["done_at"],
                }
                for r in self._scoped_rows("SELECT * FROM assignments", "image_id", "id", scope)
                if r["person_id"] in names and r["image_id"] in wanted
            ],
        }

    def _scoped_rows(
        self, sql: str, image_column: str, order: str, scope: list[int] | None
    ) -> list[sqlite3.Row]:
        """Rows of ``sql`` (no ORDER BY), ordered by ``order``.

        With a ``scope`` (a package's sorted image ids) only the rows whose
        ``image_column`` is one of them are read, through the column's index, a few
        hundred images per query: a 1,000-image package of a million-image project
        reads its own work, not the whole project.
        """
        joiner = " AND " if " WHERE " in sql else " WHERE "
        if scope is None:
            return self._db.query(f"{sql} ORDER BY {order}")
        found: list[sqlite3.Row] = []
        for start in range(0, len(scope), _SCOPE_CHUNK):
            ids = scope[start : start + _SCOPE_CHUNK]
            marks = ",".join("?" * len(ids))
            found += self._db.query(f"{sql}{joiner}{image_column} IN ({marks})", tuple(ids))
        key = order.rsplit(".", 1)[-1]
        return sorted(found, key=lambda row: row[key])

    def _exchange_versions(
        self, people_images: tuple[dict[int, str], set[int]] | None, scope: list[int] | None
    ) -> list[Any]:
        """Every published version, or (with a scope) the one in force and those its work cites."""
        sql = "SELECT * FROM guideline_versions WHERE published_at IS NOT NULL ORDER BY number"
        rows = self._db.query(sql)
        if people_images is None or not rows:
            return rows
        people, images = people_images
        cited = {rows[-1]["id"]}
        made = self._scoped_rows(
            "SELECT DISTINCT annotator_id AS person, image_id, guideline_version_id AS version "
            "FROM annotations WHERE deleted_at IS NULL", "image_id", "person", scope,
        )
        reviewed = self._db.query(
            "SELECT DISTINCT reviewer_id AS person, guideline_version_id AS version FROM reviews"
        )
        for row in made:
            if row["person"] in people and row["image_id"] in images:
                cited.add(row["version"])
        cited |= {row["version"] for row in reviewed if row["person"] in people}
        return [r for r in rows if r["id"] in cited]

    def _exchange_version(
        self, row: Any, images: dict[int, str], anonymous: bool
    ) -> dict[str, Any]:
        """A published version with its rules and examples.

        ``anonymous`` (a vendor's package): example shapes are the guideline's own,
        with nobody's name on them.
        """
        examples = self._db.query(
            "SELECT * FROM guideline_examples WHERE version_id = ? ORDER BY id", (row["id"],)
        )
        rules = self._db.query(
            "SELECT class_name, text FROM guideline_rules WHERE version_id = ?", (row["id"],)
        )
        return {
            "number": row["number"],
            "content_hash": row["content_hash"],
            "text": row["text"],
            "changelog": row["changelog"],
            "created_at": row["created_at"],
            "published_at": row["published_at"],
            "changed_classes": json.loads(row["changed_classes"] or "[]"),
            "rules": {r["class_name"]: r["text"] for r in rules},
            "examples": [
                {
                    "uid": e.uid,
                    "kind": e.kind.value,
                    "class_name": e.class_name,
                    "image": images[e.image_id],
                    "note": e.note,
                    "created_at": e.created_at,
                    "shapes": [
                        {
                            "class": s.class_name,
                            "geometry": geometry_to_dict(s.geometry),
                            "annotator": None if anonymous else s.annotator,
                        }
                        for s in e.shapes
                    ],
                }
                for e in map(example_from_row, examples)
            ],
        }

    def _exchange_annotations(
        self,
        names: dict[int, str],
        images: dict[int, str],
        wanted: set[int],
        versions: dict[int, list[Any]],
        live_only: bool,
        scope: list[int] | None = None,
    ) -> list[dict[str, Any]]:
        rows = self._scoped_rows(
            "SELECT a.*, c.name AS class_name, r.uid AS replaces_uid FROM annotations a "
            "JOIN classes c ON c.id = a.class_id "
            "LEFT JOIN annotations r ON r.id = a.replaces_id", "a.image_id", "a.id", scope,
        )
        predictions = self._predictions_of_annotations(
            {r["prediction_id"] for r in rows if r["prediction_id"] is not None}
            if scope is not None
            else None
        )
        out = []
        for row in rows:
            if row["annotator_id"] not in names or row["image_id"] not in wanted:
                continue
            if live_only and row["deleted_at"] is not None:
                continue
            out.append(
                {
                    "uid": row["uid"],
                    "image": images[row["image_id"]],
                    "class": row["class_name"],
                    "geometry": geometry_to_dict(geometry_from_row(row)),
                    "annotator": names[row["annotator_id"]],
                    "guideline": versions.get(row["guideline_version_id"]),
                    "source": row["source"],
                    "created_at": row["created_at"],
                    "updated_at": row["updated_at"],
                    "seconds_spent": row["seconds_spent"],
                    "replaces": row["replaces_uid"],
                    "deleted_at": row["deleted_at"],
                    "prediction": predictions.get(row["prediction_id"]),
                }
            )
        return out

    def _predictions_of_annotations(
        self, prediction_ids: set[int] | None = None
    ) -> dict[int, dict[str, Any]]:
        """The pre-labels annotations were accepted from, by prediction id, named by content.

        ``prediction_ids``: only these (a package's annotations); default: every one.
        """
        select = "SELECT p.*, c.name AS class_name FROM predictions p JOIN classes c " \
            "ON c.id = p.class_id WHERE "
        if prediction_ids is None:
            rows = self._db.query(
                select + "p.id IN (SELECT prediction_id FROM annotations "
                "WHERE prediction_id IS NOT NULL)"
            )
        else:
            wanted, rows = sorted(prediction_ids), []
            for start in range(0, len(wanted), _SCOPE_CHUNK):
                ids = wanted[start : start + _SCOPE_CHUNK]
                rows += self._db.query(select + f"p.id IN ({','.join('?' * len(ids))})", ids)
        return {
            r["id"]: {
                "class": r["class_name"],
                "geometry": geometry_to_dict(geometry_from_row(r)),
                "score": r["score"],
            }
            for r in rows
        }

    def _exchange_reviews(
        self,
        names: dict[int, str],
        images: dict[int, str],
        wanted: set[int],
        versions: dict[int, list[Any]],
        annotation_uids: set[str],
        scope: list[int] | None = None,
    ) -> list[dict[str, Any]]:
        select = (
            "SELECT r.*, a.uid AS target_uid, f.uid AS fix_uid FROM reviews r "
            "LEFT JOIN annotations a ON r.target_kind = 'annotation' AND a.id = r.target_id "
            "LEFT JOIN annotations f ON f.id = r.fix_annotation_id"
        )
        if scope is None:
            rows = self._db.query(select + " ORDER BY r.id")
        else:  # reviews of the package's annotations, and of its images
            by_id = {r["id"]: r for r in self._scoped_rows(select, "a.image_id", "r.id", scope)}
            by_id.update(
                (r["id"], r)
                for r in self._scoped_rows(
                    select + " WHERE r.target_kind = 'image'", "r.target_id", "r.id", scope
                )
            )
            rows = [by_id[k] for k in sorted(by_id)]
        out = []
        for row in rows:
            if row["reviewer_id"] not in names:
                continue
            if row["target_kind"] == "annotation":
                target = row["target_uid"]
                if target not in annotation_uids:
                    continue
            elif row["target_id"] in wanted:
                target = images[row["target_id"]]
            else:
                continue
            out.append(
                {
                    "uid": row["uid"],
                    "target_kind": row["target_kind"],
                    "target": target,
                    "reviewer": names[row["reviewer_id"]],
                    "decision": row["decision"],
                    "reason": row["reason"],
                    "section": row["section"],
                    "guideline": versions.get(row["guideline_version_id"]),
                    "created_at": row["created_at"],
                    "fix": row["fix_uid"],
                }
            )
        return out

    # Merging checked records

    def merge_records(
        self, plan: MergePlan, package_id: str, vendor: str, file_sha256: str
    ) -> int | None:
        """Add a checked plan in one transaction, recording its provenance; returns the import id.

        An empty plan writes nothing (so importing a package twice changes nothing).
        """
        if plan.empty:
            return None
        with self.transaction():
            now = now_iso()
            cur = self._db.conn.execute(
                "INSERT INTO package_imports(package_id, vendor, file_sha256, imported_at, "
                "summary) VALUES (?, ?, ?, ?, ?)",
                (package_id, vendor, file_sha256, now, json.dumps(plan.counts())),
            )
            import_id = int(cur.lastrowid or 0)
            for person in plan.people:
                self._db.conn.execute(
                    "INSERT INTO people(name, role, organization, created_at) VALUES (?, ?, ?, ?)",
                    (person["name"], person["role"], person["organization"], now),
                )
            self._merge_annotations(plan.annotations, import_id)
            self._merge_updates(plan.updates, import_id)
            self._merge_reviews(plan.reviews, import_id)
            self._merge_acknowledgements(plan.acknowledgements)
            self._merge_assignments(plan.assignments)
            self._log(
                "import",
                "package",
                import_id,
                after={"package_id": package_id, "vendor": vendor, **plan.counts()},
            )
            self._notify(Change(Entity.PACKAGE, "import", (import_id,)))
        return import_id

    def _version_id(self, key: list[Any] | None) -> int | None:
        if key is None:
            return None
        value = self._db.scalar(
            "SELECT id FROM guideline_versions WHERE number = ? AND content_hash = ?",
            (key[0], key[1]),
        )
        return int(value) if value is not None else None

    def _merge_annotations(self, rows: list[dict[str, Any]], import_id: int | None) -> None:
        image_ids: set[int] = set()
        for row in rows:
            image_id = int(
                self._db.scalar("SELECT id FROM images WHERE sha256 = ?", (row["image"],)) or 0
            )
            image_ids.add(image_id)
            self._db.conn.execute(
                "INSERT INTO annotations(uid, image_id, class_id, kind, x1, y1, x2, y2, points, "
                "annotator_id, guideline_version_id, source, created_at, updated_at, "
                "seconds_spent, deleted_at, package_import_id, prediction_id) VALUES (:uid, "
                ":image_id, (SELECT id FROM classes WHERE name = :class), :kind, :x1, :y1, "
                ":x2, :y2, :points, (SELECT id FROM people WHERE name = :annotator), :version, "
                ":source, :created_at, :updated_at, :seconds_spent, :deleted_at, :import_id, "
                ":prediction_id)",
                {
                    "uid": row["uid"],
                    "image_id": image_id,
                    "class": row["class"],
                    **geometry_columns(geometry_from_dict(row["geometry"])),
                    "annotator": row["annotator"],
                    "version": self._version_id(row["guideline"]),
                    "source": row["source"],
                    "created_at": row["created_at"],
                    "updated_at": row["updated_at"],
                    "seconds_spent": float(row.get("seconds_spent") or 0.0),
                    "deleted_at": row.get("deleted_at"),
                    "import_id": import_id,
                    "prediction_id": row.get("prediction_id"),
                },
            )
        for row in rows:
            if row.get("replaces"):
                self._db.conn.execute(
                    "UPDATE annotations SET replaces_id = (SELECT id FROM annotations "
                    "WHERE uid = ?) WHERE uid = ?",
                    (row["replaces"], row["uid"]),
                )
        for image_id in image_ids:
            self._db.conn.execute(
                "UPDATE images SET status = 'in_progress' WHERE id = ? "
                "AND status IN ('new', 'prelabeled')",
                (image_id,),
            )
        if rows:
            self._notify(Change(Entity.ANNOTATION, "create", (), tuple(sorted(image_ids))))

    def _merge_updates(self, rows: list[dict[str, Any]], import_id: int) -> None:
        for row in rows:
            before = self._db.query_one(
                "SELECT id, image_id, class_id, kind, x1, y1, x2, y2, points, deleted_at "
                "FROM annotations WHERE uid = ?",
                (row["uid"],),
            )
            # The plan lists an update only for a uid it found in this project.
            assert before is not None, f"annotation {row['uid']} vanished during the merge"
            self._db.conn.execute(
                "UPDATE annotations SET class_id = (SELECT id FROM classes WHERE name = :class), "
                "kind = :kind, x1 = :x1, y1 = :y1, x2 = :x2, y2 = :y2, points = :points, "
                "updated_at = :updated_at, deleted_at = :deleted_at, "
                "package_import_id = :import_id WHERE uid = :uid",
                {
                    "class": row["class"],
                    **geometry_columns(geometry_from_dict(row["geometry"])),
                    "updated_at": row["updated_at"],
                    "deleted_at": row.get("deleted_at"),
                    "import_id": import_id,
                    "uid": row["uid"],
                },
            )
            self._log(
                "update",
                "annotation",
                before["id"],
                before={"row": dict(before)},
                after={"package_import": import_id},
            )
            self._notify(
                Change(Entity.ANNOTATION, "update", (before["id"],), (before["image_id"],))
            )

    def _merge_reviews(self, rows: list[dict[str, Any]], import_id: int | None) -> None:
        for row in rows:
            if row["target_kind"] == "annotation":
                target = self._db.scalar(
                    "SELECT id FROM annotations WHERE uid = ?", (row["target"],)
                )
            else:
                target = self._db.scalar("SELECT id FROM images WHERE sha256 = ?", (row["target"],))
            cur = self._db.conn.execute(
                "INSERT INTO reviews(uid, target_kind, target_id, reviewer_id, decision, reason,"
                " guideline_version_id, created_at, section, fix_annotation_id, "
                "package_import_id) VALUES (?, ?, ?, (SELECT id FROM people WHERE name = ?), "
                "?, ?, ?, ?, ?, (SELECT id FROM annotations WHERE uid = ?), ?)",
                (
                    row["uid"],
                    row["target_kind"],
                    target,
                    row["reviewer"],
                    row["decision"],
                    row.get("reason"),
                    self._version_id(row.get("guideline")),
                    row["created_at"],
                    row.get("section"),
                    row.get("fix"),
                    import_id,
                ),
            )
            if row["target_kind"] == "annotation":
                self._db.conn.execute(
                    "UPDATE rereview SET resolved_at = ?, review_id = ? WHERE annotation_id = ? "
                    "AND resolved_at IS NULL",
                    (row["created_at"], cur.lastrowid, target),
                )
        if rows:
            self._notify(Change(Entity.REVIEW, "create"))

    def _merge_acknowledgements(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            self._db.conn.execute(
                "INSERT OR IGNORE INTO acknowledgements(person_id, version_id, at) VALUES "
                "((SELECT id FROM people WHERE name = ?), ?, ?)",
                (row["person"], self._version_id(row["guideline"]), row["at"]),
            )

    def _merge_assignments(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            self._db.conn.execute(
                "INSERT INTO assignments(image_id, person_id, task, blind, hide_prelabels, batch,"
                " created_at, done_at) VALUES ((SELECT id FROM images WHERE sha256 = :image), "
                "(SELECT id FROM people WHERE name = :person), :task, :blind, :hide, :batch, "
                ":created_at, :done_at) ON CONFLICT(image_id, person_id, task) DO UPDATE SET "
                "done_at = COALESCE(assignments.done_at, excluded.done_at)",
                {
                    "image": row["image"],
                    "person": row["person"],
                    "task": row["task"],
                    "blind": int(bool(row.get("blind"))),
                    "hide": int(bool(row.get("hide_prelabels"))),
                    "batch": row.get("batch") or "",
                    "created_at": row["created_at"],
                    "done_at": row.get("done_at"),
                },
            )

    # Building a package's project

    def load_guidelines(self, versions: list[dict[str, Any]]) -> None:
        """Copy published versions (number, hash, rules, examples) into this project.

        For building a work package's project from trusted records; versions whose
        number is already here are skipped. Example images must already be here.
        """
        with self.transaction():
            for version in versions:
                if self._db.scalar(
                    "SELECT 1 FROM guideline_versions WHERE number = ?", (version["number"],)
                ):
                    continue
                cur = self._db.conn.execute(
                    "INSERT INTO guideline_versions(number, text, changelog, created_at, "
                    "published_at, content_hash, changed_classes) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        version["number"],
                        version["text"],
                        version["changelog"],
                        version["created_at"],
                        version["published_at"],
                        version["content_hash"],
                        json.dumps(version["changed_classes"]),
                    ),
                )
                self._load_rules_and_examples(int(cur.lastrowid or 0), version)
            self._notify(Change(Entity.GUIDELINE, "publish"))

    def _load_rules_and_examples(self, version_id: int, version: dict[str, Any]) -> None:
        self._db.conn.executemany(
            "INSERT INTO guideline_rules(version_id, class_name, text) VALUES (?, ?, ?)",
            [(version_id, name, text) for name, text in version["rules"].items()],
        )
        for example in version["examples"]:
            image_id = self._db.scalar(
                "SELECT id FROM images WHERE sha256 = ?", (example["image"],)
            )
            shapes = [
                ExampleShape(s["class"], geometry_from_dict(s["geometry"]), s["annotator"])
                for s in example["shapes"]
            ]
            if image_id is None:  # the whole import rolls back (we are in its transaction)
                raise PackageError(
                    _(
                        "guideline v{version}: an edge-case example shows image {image}…, "
                        "which is not in this project"
                    ).format(version=version["number"], image=str(example["image"])[:12])
                )
            self._insert_example(
                version_id,
                ExampleKind(example["kind"]),
                int(image_id),
                shapes,
                example["class_name"],
                example["note"],
                None,
                example["created_at"],
                example["uid"],
            )

    def load_work(self, records: dict[str, Any], organization: str) -> None:
        """Copy trusted records of one organization's work in (building a package)."""
        with self.transaction():
            plan = self.check_records(records, organization)
            if not plan.empty:
                self._merge_annotations(plan.annotations, None)
                self._merge_reviews(plan.reviews, None)
                self._merge_acknowledgements(plan.acknowledgements)
                self._merge_assignments(plan.assignments)


def read_meta_readonly(path: Path) -> dict[str, str]:
    """The ``meta`` table and application id of a project file, read without changing it.

    For untrusted files (a work package's project): opened read-only and immutable, so
    nothing is written, migrated or checkpointed. Raises :class:`PackageError`.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise PackageError(
            _("{path.name}: cannot open ({exc})").format(path=path, exc=exc)
        ) from exc
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise PackageError(_("{path.name}: not a labeler project").format(path=path))
        rows = conn.execute("SELECT key, value FROM meta").fetchall()
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.Error as exc:
        raise PackageError(
            _("{path.name}: not a readable labeler project ({exc})").format(path=path, exc=exc)
        ) from exc
    finally:
        conn.close()
    if check != "ok":
        raise PackageError(
            _("{path.name}: the project file is damaged ({check})").format(
                path=path, check=str(check)[:200]
            )
        )
    return {str(k): str(v) for k, v in rows}


class _ShaById(dict[int, str]):
    """Image id -> SHA-256; an id not read yet is looked up when first asked for."""

    def __init__(self, db: Any) -> None:
        super().__init__()
        self._db = db

    def __missing__(self, image_id: int) -> str:
        sha = self._db.scalar("SELECT sha256 FROM images WHERE id = ?", (image_id,))
        if sha is None:
            raise KeyError(image_id)
        self[image_id] = str(sha)
        return str(sha)
