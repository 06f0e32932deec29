"""Questions in vendor packages: out with their answers, back as the vendor's new questions.

A question travels as a record naming everything by a global id (the question's
``uid``, the image's SHA-256, the asker's name, the shape's annotation ``uid``, the
guideline version's number and content hash). The answer goes out with its text
and time but never the in-house answerer's name.

Coming back, the package is the vendor's to edit, so every question record is
checked before anything is written (:meth:`QuestionExchangeStore.check_vendor_questions`):
a question already here must be the same question (asker, image, text, time) and
may carry no other answer than the one given here; a new question must be asked by
one of the vendor's people, on an image the package carried, open, unanswered, and
dated inside the package's export-to-import window. Merging the checked questions
again changes nothing (idempotent by ``uid``).
"""

from __future__ import annotations

import re
from typing import Any

from labeler.core.events import Change, Entity
from labeler.core.i18n import _
from labeler.core.store.base import StoreBase
from labeler.core.store.exchange_checks import PackageError
from labeler.core.store.exchange_grant import GrantCheck, GrantError, PackageGrant
from labeler.core.store.questions import (
    MAX_SECTION,
    QUESTION_ENTITY,
    QuestionError,
    QuestionState,
    check_question_text,
    check_region,
    question_from_row,
)
from labeler.core.store.rows import now_iso

_UID = re.compile(r"^[0-9a-f]{32}$")
_SHA = re.compile(r"^[0-9a-f]{64}$")
MAX_QUESTIONS = 100_000
_FIELDS = {
    "uid",
    "image",
    "asker",
    "annotation",
    "region",
    "text",
    "class_name",
    "section",
    "guideline",
    "asked_at",
    "state",
    "answer",
    "answered_at",
    "promoted_at",
}


class QuestionRecordError(PackageError):
    """A question in a vendor package is malformed, foreign or was changed after it was asked."""


class QuestionExchangeStore(StoreBase):
    """Questions as package records, and the checked merge of a vendor's questions."""

    def exchange_questions(
        self, image_ids: set[int] | None = None, people: set[str] | None = None
    ) -> list[dict[str, Any]]:
        """Questions as package records, optionally of some images and askers only."""
        rows = self._db.query(
            "SELECT q.*, i.sha256, p.name AS asker, a.uid AS annotation_uid, g.number, "
            "g.content_hash FROM questions q JOIN images i ON i.id = q.image_id "
            "JOIN people p ON p.id = q.asker_id LEFT JOIN annotations a ON a.id = q.annotation_id "
            "LEFT JOIN guideline_versions g ON g.id = q.guideline_version_id ORDER BY q.id"
        )
        out = []
        for row in rows:
            if image_ids is not None and row["image_id"] not in image_ids:
                continue
            if people is not None and row["asker"] not in people:
                continue
            question = question_from_row(row)
            out.append(
                {
                    "uid": question.uid,
                    "image": row["sha256"],
                    "asker": row["asker"],
                    "annotation": row["annotation_uid"],
                    "region": list(question.region) if question.region else None,
                    "text": question.text,
                    "class_name": question.class_name,
                    "section": question.section,
                    "guideline": [row["number"], row["content_hash"]]
                    if row["number"] is not None
                    else None,
                    "asked_at": question.asked_at,
                    "state": question.state.value,
                    "answer": question.answer,
                    "answered_at": question.answered_at,
                    "promoted_at": question.promoted_at,
                }
            )
        return out

    # Building a package's project (trusted records)

    def load_questions(self, rows: list[dict[str, Any]]) -> int:
        """Copy trusted question records in (building a package); returns how many."""
        added = 0
        with self.transaction():
            for row in rows:
                if self._db.scalar("SELECT 1 FROM questions WHERE uid = ?", (row["uid"],)):
                    continue
                self._insert_record(row, None)
                added += 1
        return added

    def _insert_record(
        self, row: dict[str, Any], import_id: int | None, package_id: str | None = None
    ) -> int:
        region = row.get("region") or [None, None, None, None]
        guideline = row.get("guideline")
        cur = self._db.conn.execute(
            "INSERT INTO questions(uid, image_id, asker_id, annotation_id, x1, y1, x2, y2, text, "
            "class_name, section, guideline_version_id, asked_at, state, answer, answered_at, "
            "promoted_at, package_import_id, package_id) VALUES (:uid, (SELECT id FROM images "
            "WHERE sha256 = :image), (SELECT id FROM people WHERE name = :asker), "
            "(SELECT id FROM annotations "
            "WHERE uid = :annotation), :x1, :y1, :x2, :y2, :text, :class_name, :section, "
            "(SELECT id FROM guideline_versions WHERE number = :number AND content_hash = :hash),"
            " :asked_at, :state, :answer, :answered_at, :promoted_at, :import_id, :package_id)",
            {
                "uid": row["uid"],
                "image": row["image"],
                "asker": row["asker"],
                "annotation": row.get("annotation"),
                "x1": region[0],
                "y1": region[1],
                "x2": region[2],
                "y2": region[3],
                "text": row["text"],
                "class_name": row.get("class_name"),
                "section": row.get("section"),
                "number": guideline[0] if guideline else None,
                "hash": guideline[1] if guideline else None,
                "asked_at": row["asked_at"],
                "state": row.get("state") or QuestionState.OPEN.value,
                "answer": row.get("answer"),
                "answered_at": row.get("answered_at"),
                "promoted_at": row.get("promoted_at"),
                "import_id": import_id,
                "package_id": package_id,
            },
        )
        question_id = int(cur.lastrowid or 0)
        self._notify(Change(Entity.QUESTION, "create", (question_id,)))
        return question_id

    # A vendor's questions coming back (untrusted)

    def check_vendor_questions(
        self,
        rows: object,
        grant: PackageGrant,
        vendor_people: set[str],
        package_annotations: set[str],
    ) -> list[dict[str, Any]]:
        """Check a package's question records; return the new ones to merge. Writes nothing.

        ``vendor_people``: the vendor's people (the package's, granted or new);
        ``package_annotations``: annotation uids the package holds. Raises
        :class:`QuestionRecordError` naming the first bad question.
        """
        if not isinstance(rows, list) or len(rows) > MAX_QUESTIONS:
            raise QuestionRecordError(
                _("questions: expected a list of at most {MAX_QUESTIONS}").format(
                    MAX_QUESTIONS=MAX_QUESTIONS
                )
            )
        window = GrantCheck(self._db, grant, now_iso())
        seen: set[str] = set()
        new: list[dict[str, Any]] = []
        for n, row in enumerate(rows):
            where = f"questions[{n}]"
            try:
                uid = self._check_shape_of_record(row, where, seen)
                existing = self._db.query_one(
                    "SELECT q.*, i.sha256, p.name AS asker FROM questions q JOIN images i "
                    "ON i.id = q.image_id JOIN people p ON p.id = q.asker_id WHERE q.uid = ?",
                    (uid,),
                )
                if existing is not None:
                    self._check_same_question(row, existing, where)
                    continue
                found = self._db.query_one(
                    "SELECT id, width, height FROM images WHERE sha256 = ?", (row["image"],)
                )
                image = (int(found[0]), int(found[1]), int(found[2])) if found else None
                checked = self._check_new_question(
                    row, where, image, grant, vendor_people, package_annotations
                )
                window.check_time(row["asked_at"], where + ".asked_at")
            except GrantError as exc:
                raise QuestionRecordError(str(exc)) from exc
            except QuestionError as exc:
                raise QuestionRecordError(f"{where}: {exc}") from exc
            new.append(checked)
        return new

    @staticmethod
    def _check_shape_of_record(row: object, where: str, seen: set[str]) -> str:
        if not isinstance(row, dict) or not set(row) <= _FIELDS:
            raise QuestionRecordError(
                _("{where}: expected a question record ({FIELDS})").format(
                    where=where, FIELDS=", ".join(sorted(_FIELDS))
                )
            )
        uid = row.get("uid")
        if not isinstance(uid, str) or not _UID.match(uid):
            raise QuestionRecordError(
                _("{where}.uid: malformed value {uid!r}").format(where=where, uid=str(uid)[:80])
            )
        if uid in seen:
            raise QuestionRecordError(
                _("{where}: question {uid} appears twice").format(where=where, uid=uid)
            )
        seen.add(uid)
        if not isinstance(row.get("image"), str) or not _SHA.match(row["image"]):
            raise QuestionRecordError(_("{where}.image: malformed image hash").format(where=where))
        for key in ("asker", "asked_at"):
            if not isinstance(row.get(key), str) or not 0 < len(row[key]) <= 200:
                raise QuestionRecordError(
                    _("{where}.{key}: expected a short text").format(where=where, key=key)
                )
        return uid

    @staticmethod
    def _check_same_question(row: dict[str, Any], existing: Any, where: str) -> None:
        """A question already here: it must be the same, with no answer other than ours."""
        same = (
            row.get("asker") == existing["asker"]
            and row.get("image") == existing["sha256"]
            and row.get("text") == existing["text"]
            and row.get("asked_at") == existing["asked_at"]
        )
        if not same:
            raise QuestionRecordError(
                _(
                    "{where}: question {existing} differs from the one asked here (asker, "
                    "image, text or time were changed); a question cannot be edited after it "
                    "is asked, ask a new one"
                ).format(where=where, existing=existing["uid"])
            )
        answer = row.get("answer")
        if answer is not None and answer != existing["answer"]:
            raise QuestionRecordError(
                _(
                    "{where}: question {existing} carries an answer that was not given here; "
                    "answers are given in the project, not in a package"
                ).format(where=where, existing=existing["uid"])
            )

    def _check_new_question(
        self,
        row: dict[str, Any],
        where: str,
        image: tuple[int, int, int] | None,
        grant: PackageGrant,
        vendor_people: set[str],
        package_annotations: set[str],
    ) -> dict[str, Any]:
        if row["asker"] not in vendor_people:
            raise QuestionRecordError(
                _("{where}: asked by {row!r}, who is not one of {grant.vendor!r}'s people").format(
                    where=where, row=row["asker"], grant=grant
                )
            )
        if image is None or image[0] not in grant.image_ids:
            raise QuestionRecordError(
                _("{where}: on an image the package did not carry").format(where=where)
            )
        if row.get("state", "open") != QuestionState.OPEN.value or any(
            row.get(k) is not None for k in ("answer", "answered_at", "promoted_at")
        ):
            raise QuestionRecordError(
                _(
                    "{where}: a new question arrives answered; answers are given in the "
                    "project, not in a package"
                ).format(where=where)
            )
        annotation = row.get("annotation")
        if annotation is not None and annotation not in package_annotations:
            raise QuestionRecordError(
                _("{where}: asks about a shape that is not in the package").format(where=where)
            )
        class_name = row.get("class_name")
        if class_name is not None and not self._db.scalar(
            "SELECT 1 FROM classes WHERE name = ?", (str(class_name),)
        ):
            raise QuestionRecordError(
                _("{where}: class {class_name!r} is not in this project").format(
                    where=where, class_name=str(class_name)[:80]
                )
            )
        section = row.get("section")
        if section is not None and (not isinstance(section, str) or len(section) > MAX_SECTION):
            raise QuestionRecordError(
                _("{where}.section: expected a short reference").format(where=where)
            )
        guideline = row.get("guideline")
        if guideline is not None and not (
            isinstance(guideline, list)
            and len(guideline) == 2
            and self._db.scalar(
                "SELECT 1 FROM guideline_versions WHERE number = ? AND content_hash = ?",
                (guideline[0], str(guideline[1])),
            )
        ):
            raise QuestionRecordError(
                _("{where}: names a guideline version this project lacks").format(where=where)
            )
        region = check_region(row.get("region"), (image[1], image[2]))
        return {
            **row,
            "text": check_question_text(row.get("text")),
            "region": list(region) if region else None,
            "state": QuestionState.OPEN.value,
        }

    def merge_vendor_questions(
        self, rows: list[dict[str, Any]], import_id: int | None, package_id: str
    ) -> int:
        """Add checked new questions from a package in one transaction; returns how many."""
        added = 0
        with self.transaction():
            for row in rows:
                if self._db.scalar("SELECT 1 FROM questions WHERE uid = ?", (row["uid"],)):
                    continue
                question_id = self._insert_record(row, import_id, package_id)
                asker = self._db.scalar("SELECT id FROM people WHERE name = ?", (row["asker"],))
                self._log(
                    "ask",
                    QUESTION_ENTITY,
                    question_id,
                    person_id=int(asker) if asker is not None else None,
                    after={"uid": row["uid"], "text": row["text"], "package_id": package_id},
                )
                added += 1
        return added
