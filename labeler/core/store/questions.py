"""Questions: an annotator asks about an image (or one of their shapes), in-house answers.

A question is asked by one person on one image, optionally on one of their own
shapes or a rectangular region, optionally naming the class and the guideline
section it concerns; it is stamped with the guideline version in force. Its state
moves ``open`` -> ``answered`` (a reviewer or QA lead answers) -> ``promoted`` (a
QA lead turns the answer into an edge-case example of the draft guideline, with
the image and the relevant shapes as the guideline's own copy, nobody's name on
them). An image with an open question of a person is *waiting for an answer* for
that person; nothing blocks their other images.

Every write is one transaction with an audit event (entity ``question``) and a
:class:`~labeler.core.events.Change` of :attr:`Entity.QUESTION`. The inverse
writes (withdraw, un-answer, un-promote) exist for the undoable commands in
:mod:`labeler.core.questions`. Questions travel in vendor packages by ``uid``
(:mod:`labeler.core.store.question_exchange`).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from labeler.core.domain import ExampleKind, ExampleShape, GuidelineExample
from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.events import Change, Entity
from labeler.core.geometry import Tag
from labeler.core.i18n import N_, _
from labeler.core.store.base import StoreBase
from labeler.core.store.database import SqlValue
from labeler.core.store.rows import geometry_from_row, now_iso

MAX_QUESTION_TEXT = 4_000
MAX_SECTION = 40
QUESTION_ENTITY = "question"  # the audit log's entity name

Region = tuple[float, float, float, float]


class QuestionError(LabelerError):
    """A question cannot be asked, answered or promoted as requested (the message says why)."""


class QuestionState(StrEnum):
    """Where a question stands."""

    OPEN = "open"
    ANSWERED = "answered"
    PROMOTED = "promoted"


@dataclass(frozen=True)
class Question:
    """One question on an image, its answer and the edge case it became (if any)."""

    id: int
    uid: str
    image_id: int
    asker_id: int
    text: str
    asked_at: str
    state: QuestionState
    annotation_id: int | None = None
    region: Region | None = None
    class_name: str | None = None
    section: str | None = None
    guideline_version_id: int | None = None
    answer: str | None = None
    answerer_id: int | None = None
    answered_at: str | None = None
    example_id: int | None = None
    promoted_at: str | None = None
    package_import_id: int | None = None
    package_id: str | None = None  # the vendor package it came back in

    @property
    def waiting(self) -> bool:
        """True while the asker waits for an answer."""
        return self.state == QuestionState.OPEN


def question_from_row(row: Any) -> Question:
    """A :class:`Question` from a ``questions`` row."""
    region = None
    if row["x1"] is not None:
        region = (float(row["x1"]), float(row["y1"]), float(row["x2"]), float(row["y2"]))
    return Question(
        id=int(row["id"]),
        uid=str(row["uid"]),
        image_id=int(row["image_id"]),
        asker_id=int(row["asker_id"]),
        text=str(row["text"]),
        asked_at=str(row["asked_at"]),
        state=QuestionState(row["state"]),
        annotation_id=row["annotation_id"],
        region=region,
        class_name=row["class_name"],
        section=row["section"],
        guideline_version_id=row["guideline_version_id"],
        answer=row["answer"],
        answerer_id=row["answerer_id"],
        answered_at=row["answered_at"],
        example_id=row["example_id"],
        promoted_at=row["promoted_at"],
        package_import_id=row["package_import_id"],
        package_id=row["package_id"],
    )


def check_question_text(text: object, what: str = N_("a question")) -> str:
    """The stripped text, or :class:`QuestionError` when empty or too long."""
    what = _(what)
    if not isinstance(text, str) or not text.strip():
        raise QuestionError(_("{what} needs some text").format(what=what))
    if len(text) > MAX_QUESTION_TEXT:
        raise QuestionError(
            _("{what} may have at most {MAX_QUESTION_TEXT} characters").format(
                what=what, MAX_QUESTION_TEXT=MAX_QUESTION_TEXT
            )
        )
    return text.strip()


def check_region(region: object, size: tuple[int, int]) -> Region | None:
    """A region ``(x1, y1, x2, y2)`` inside an image of ``size``, or :class:`QuestionError`."""
    if region is None:
        return None
    if not isinstance(region, list | tuple) or len(region) != 4:
        raise QuestionError(_("a region is four numbers x1, y1, x2, y2"))
    values = []
    for value in region:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise QuestionError(_("a region is four numbers x1, y1, x2, y2"))
        if not math.isfinite(float(value)):
            raise QuestionError(_("a region's corners must be finite numbers"))
        values.append(float(value))
    x1, y1, x2, y2 = values
    width, height = size
    if not (0 <= x1 < x2 <= width and 0 <= y1 < y2 <= height):
        raise QuestionError(
            _(
                "the region {x1:g},{y1:g},{x2:g},{y2:g} is not inside the {width}x{height} "
                "image (x1 < x2, y1 < y2)"
            ).format(x1=x1, y1=y1, x2=x2, y2=y2, width=width, height=height)
        )
    return (x1, y1, x2, y2)


class QuestionStore(StoreBase):
    """Asking, answering, promoting and listing questions."""

    # Asking

    def ask_question(
        self,
        image_id: int,
        asker_id: int,
        text: str,
        *,
        annotation_id: int | None = None,
        region: Region | None = None,
        class_name: str | None = None,
        section: str | None = None,
    ) -> Question:
        """Ask a question on an image (optionally on one of the asker's shapes or a region).

        Without ``class_name`` the class of the shape asked about is taken. The
        question is stamped with the guideline version in force.
        """
        with self.transaction():
            size = self._question_image_size(image_id)
            self._question_person(asker_id)
            checked_text = check_question_text(text)
            checked_region = check_region(region, size)
            if annotation_id is not None:
                shape_class = self._own_shape_class(annotation_id, image_id, asker_id)
                class_name = class_name or shape_class
            if class_name is not None and not self._db.scalar(
                "SELECT 1 FROM classes WHERE name = ?", (class_name,)
            ):
                raise UnknownEntityError(
                    _("no class named {class_name!r}").format(class_name=class_name)
                )
            if section is not None and (not section.strip() or len(section) > MAX_SECTION):
                raise QuestionError(
                    _("a section is a short reference (at most {MAX_SECTION})").format(
                        MAX_SECTION=MAX_SECTION
                    )
                )
            return self._insert_question(
                {
                    "uid": uuid.uuid4().hex,
                    "image_id": image_id,
                    "asker_id": asker_id,
                    "annotation_id": annotation_id,
                    "region": checked_region,
                    "text": checked_text,
                    "class_name": class_name,
                    "section": section.strip() if section else None,
                    "guideline_version_id": self._version_in_force_id(),
                    "asked_at": now_iso(),
                }
            )

    def _insert_question(self, values: dict[str, Any], action: str = "ask") -> Question:
        """Insert one question row (``values`` as :meth:`_question_values`); log and notify."""
        region = values.get("region") or (None, None, None, None)
        cur = self._db.conn.execute(
            "INSERT INTO questions(id, uid, image_id, asker_id, annotation_id, x1, y1, x2, y2, "
            "text, class_name, section, guideline_version_id, asked_at, state, answer, "
            "answerer_id, answered_at, example_id, promoted_at, package_import_id, package_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                values.get("id"),
                values["uid"],
                values["image_id"],
                values["asker_id"],
                values.get("annotation_id"),
                *region,
                values["text"],
                values.get("class_name"),
                values.get("section"),
                values.get("guideline_version_id"),
                values["asked_at"],
                values.get("state", QuestionState.OPEN.value),
                values.get("answer"),
                values.get("answerer_id"),
                values.get("answered_at"),
                values.get("example_id"),
                values.get("promoted_at"),
                values.get("package_import_id"),
                values.get("package_id"),
            ),
        )
        question_id = int(cur.lastrowid or 0)
        self._log(
            action,
            QUESTION_ENTITY,
            question_id,
            person_id=values["asker_id"],
            after={
                "uid": values["uid"],
                "image_id": values["image_id"],
                "text": values["text"],
                "class": values.get("class_name"),
                "section": values.get("section"),
                "annotation_id": values.get("annotation_id"),
            },
        )
        self._notify(Change(Entity.QUESTION, "create", (question_id,), (values["image_id"],)))
        return self.question(question_id)

    def withdraw_question(self, question_id: int, person_id: int | None = None) -> dict[str, Any]:
        """Take back an open question (undo of asking); returns its values to ask it again."""
        with self.transaction():
            question = self.question(question_id)
            if question.state != QuestionState.OPEN:
                raise QuestionError(
                    _(
                        "question {question_id} was already {question.state.value}; it "
                        "cannot be withdrawn"
                    ).format(question_id=question_id, question=question)
                )
            values = _question_values(question)
            self._db.conn.execute("DELETE FROM questions WHERE id = ?", (question_id,))
            self._log(
                "withdraw",
                QUESTION_ENTITY,
                question_id,
                person_id=person_id,
                before=values,
            )
            self._notify(Change(Entity.QUESTION, "delete", (question_id,), (question.image_id,)))
        return values

    def restore_question(self, values: dict[str, Any]) -> Question:
        """Put a withdrawn question back with its uid (redo of asking).

        It keeps its id too, unless another question took that id meanwhile.
        """
        with self.transaction():
            if self._db.scalar("SELECT 1 FROM questions WHERE id = ?", (values.get("id"),)):
                values = {k: v for k, v in values.items() if k != "id"}
            return self._insert_question(values, action="restore")

    # Answering

    def answer_question(self, question_id: int, answerer_id: int, text: str) -> Question:
        """Answer a question (a reviewer or QA lead); answering again replaces the answer.

        A promoted question keeps the answer its edge case was made from.
        """
        self.check_can(answerer_id, "review")
        checked = check_question_text(text, N_("an answer"))
        with self.transaction():
            question = self.question(question_id)
            if question.state == QuestionState.PROMOTED:
                raise QuestionError(
                    _(
                        "question {question_id} was promoted to a guideline edge case; its "
                        "answer is part of the guideline now"
                    ).format(question_id=question_id)
                )
            return self._set_answer(
                question, QuestionState.ANSWERED, checked, answerer_id, now_iso(), answerer_id
            )

    def restore_answer(
        self,
        question_id: int,
        answer: str | None,
        answerer_id: int | None,
        answered_at: str | None,
        person_id: int | None = None,
    ) -> Question:
        """Put back an earlier answer, or none (the question opens again): undo of answering."""
        with self.transaction():
            question = self.question(question_id)
            if question.state == QuestionState.PROMOTED:
                raise QuestionError(
                    _("question {question_id} was promoted meanwhile").format(
                        question_id=question_id
                    )
                )
            state = QuestionState.OPEN if answer is None else QuestionState.ANSWERED
            return self._set_answer(question, state, answer, answerer_id, answered_at, person_id)

    def _set_answer(
        self,
        question: Question,
        state: QuestionState,
        answer: str | None,
        answerer_id: int | None,
        answered_at: str | None,
        person_id: int | None,
    ) -> Question:
        self._db.conn.execute(
            "UPDATE questions SET state = ?, answer = ?, answerer_id = ?, answered_at = ? "
            "WHERE id = ?",
            (state.value, answer, answerer_id, answered_at, question.id),
        )
        self._log(
            "answer" if answer is not None else "reopen",
            QUESTION_ENTITY,
            question.id,
            person_id=person_id,
            before={"state": question.state.value, "answer": question.answer},
            after={"state": state.value, "answer": answer},
        )
        self._notify(Change(Entity.QUESTION, "answer", (question.id,), (question.image_id,)))
        return self.question(question.id)

    # Promoting

    def promote_question(
        self, question_id: int, person_id: int, class_name: str | None = None
    ) -> tuple[Question, GuidelineExample]:
        """Make an answered question an edge-case example of the draft guideline.

        The example shows the image with the relevant shapes (the shape asked
        about; else the asker's shapes inside the region; else all the asker's
        shapes on the image) as the guideline's own copy, with nobody's name, in
        the section of ``class_name`` (default: the question's class). Its note is
        the question and the answer. Publishing the draft queues that class's
        older labels for re-review.
        """
        self.check_can(person_id, "edit_guideline")
        with self.transaction():
            question = self.question(question_id)
            if question.state != QuestionState.ANSWERED:
                raise QuestionError(
                    _(
                        "question {question_id} is {question.state.value}; only an answered "
                        "question can be promoted to an edge case"
                    ).format(question_id=question_id, question=question)
                )
            example = self.add_guideline_example(
                question.image_id,
                ExampleKind.EDGE_CASE,
                self.question_shapes(question),
                class_name or question.class_name,
                f"Q: {question.text}\nA: {question.answer}",
                person_id,
            )
            now = now_iso()
            self._db.conn.execute(
                "UPDATE questions SET state = 'promoted', example_id = ?, promoted_at = ? "
                "WHERE id = ?",
                (example.id, now, question_id),
            )
            self._log(
                "promote",
                QUESTION_ENTITY,
                question_id,
                person_id=person_id,
                after={"example_id": example.id, "class": example.class_name},
            )
            self._notify(Change(Entity.QUESTION, "promote", (question_id,), (question.image_id,)))
            return self.question(question_id), example

    def unpromote_question(self, question_id: int, person_id: int | None = None) -> Question:
        """Undo a promotion: remove its example from the draft; the question is answered again."""
        with self.transaction():
            question = self.question(question_id)
            if question.state != QuestionState.PROMOTED or question.example_id is None:
                raise QuestionError(
                    _("question {question_id} is not promoted").format(question_id=question_id)
                )
            if self._db.scalar(
                "SELECT 1 FROM guideline_examples WHERE id = ?", (question.example_id,)
            ):
                self.remove_guideline_example(question.example_id, person_id)
            self._db.conn.execute(
                "UPDATE questions SET state = 'answered', example_id = NULL, promoted_at = NULL "
                "WHERE id = ?",
                (question_id,),
            )
            self._log("unpromote", QUESTION_ENTITY, question_id, person_id=person_id)
            self._notify(Change(Entity.QUESTION, "promote", (question_id,), (question.image_id,)))
            return self.question(question_id)

    def question_shapes(self, question: Question) -> list[ExampleShape]:
        """The shapes a promoted question shows, as the guideline's own (no annotator name)."""
        if question.annotation_id is not None:
            rows = self._db.query(
                "SELECT a.*, c.name AS class_name FROM annotations a JOIN classes c "
                "ON c.id = a.class_id WHERE a.id = ?",
                (question.annotation_id,),
            )
        else:
            rows = self._db.query(
                "SELECT a.*, c.name AS class_name FROM annotations a JOIN classes c "
                "ON c.id = a.class_id WHERE a.image_id = ? AND a.annotator_id = ? "
                "AND a.deleted_at IS NULL ORDER BY a.id",
                (question.image_id, question.asker_id),
            )
        shapes = [ExampleShape(r["class_name"], geometry_from_row(r), None) for r in rows]
        if question.region is not None and question.annotation_id is None:
            shapes = [s for s in shapes if _overlaps(s, question.region)]
        return shapes

    # Reading

    def question(self, question_id: int) -> Question:
        """One question by id."""
        row = self._db.query_one("SELECT * FROM questions WHERE id = ?", (question_id,))
        if row is None:
            raise UnknownEntityError(
                _("no question with id {question_id}").format(question_id=question_id)
            )
        return question_from_row(row)

    def question_by_uid(self, uid: str) -> Question | None:
        """The question with this global id, or None."""
        row = self._db.query_one("SELECT * FROM questions WHERE uid = ?", (uid,))
        return question_from_row(row) if row else None

    def questions(
        self,
        state: QuestionState | str | None = None,
        asker_id: int | None = None,
        image_id: int | None = None,
        limit: int | None = None,
    ) -> list[Question]:
        """Questions, oldest first: the inbox, optionally of one state, asker or image.

        ``limit``: at most that many (a page of the inbox).
        """
        sql = "SELECT * FROM questions WHERE 1 = 1"
        params: list[SqlValue] = []
        if state is not None:
            sql += " AND state = ?"
            params.append(QuestionState(state).value)
        if asker_id is not None:
            sql += " AND asker_id = ?"
            params.append(asker_id)
        if image_id is not None:
            sql += " AND image_id = ?"
            params.append(image_id)
        sql += " ORDER BY asked_at, id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [question_from_row(r) for r in self._db.query(sql, tuple(params))]

    def question_counts(self, asker_id: int | None = None) -> dict[str, int]:
        """How many questions (of one asker) are in each state (every state, zero included)."""
        where, params = ("WHERE asker_id = ?", (asker_id,)) if asker_id is not None else ("", ())
        rows = self._db.query(
            f"SELECT state, COUNT(*) AS n FROM questions {where} GROUP BY state", params
        )
        found = {str(r["state"]): int(r["n"]) for r in rows}
        return {s.value: found.get(s.value, 0) for s in QuestionState}

    def promoted_example_versions(self) -> dict[int, int | None]:
        """Promoted question id -> the number of the version its edge case is in (None: draft).

        A question whose example was removed from the draft since is left out.
        """
        rows = self._db.query(
            "SELECT q.id, g.number FROM questions q JOIN guideline_examples e "
            "ON e.id = q.example_id JOIN guideline_versions g ON g.id = e.version_id "
            "WHERE q.state = 'promoted'"
        )
        return {int(r["id"]): r["number"] for r in rows}

    def questions_by_package(self) -> dict[str, int]:
        """Vendor package id -> how many new questions came back in it (the vendor batches)."""
        rows = self._db.query(
            "SELECT package_id, COUNT(*) AS n FROM questions WHERE package_id IS NOT NULL "
            "GROUP BY package_id"
        )
        return {str(r["package_id"]): int(r["n"]) for r in rows}

    def waiting_image_ids(self, asker_id: int) -> set[int]:
        """Images on which this person waits for an answer (an open question of theirs)."""
        rows = self._db.query(
            "SELECT DISTINCT image_id FROM questions WHERE asker_id = ? AND state = 'open'",
            (asker_id,),
        )
        return {int(r["image_id"]) for r in rows}

    # Checks

    def _question_image_size(self, image_id: int) -> tuple[int, int]:
        row = self._db.query_one("SELECT width, height FROM images WHERE id = ?", (image_id,))
        if row is None:
            raise UnknownEntityError(_("no image with id {image_id}").format(image_id=image_id))
        return int(row["width"]), int(row["height"])

    def _question_person(self, person_id: int) -> None:
        if self._db.scalar("SELECT 1 FROM people WHERE id = ?", (person_id,)) is None:
            raise UnknownEntityError(_("no person with id {person_id}").format(person_id=person_id))

    def _own_shape_class(self, annotation_id: int, image_id: int, asker_id: int) -> str:
        row = self._db.query_one(
            "SELECT a.image_id, a.annotator_id, a.deleted_at, c.name FROM annotations a "
            "JOIN classes c ON c.id = a.class_id WHERE a.id = ?",
            (annotation_id,),
        )
        if row is None or row["deleted_at"] is not None:
            raise UnknownEntityError(
                _("no live annotation with id {annotation_id}").format(annotation_id=annotation_id)
            )
        if row["image_id"] != image_id:
            raise QuestionError(
                _("annotation {annotation_id} is on another image").format(
                    annotation_id=annotation_id
                )
            )
        if row["annotator_id"] != asker_id:
            raise QuestionError(
                _(
                    "annotation {annotation_id} is someone else's; ask about the image or a region"
                ).format(annotation_id=annotation_id)
            )
        return str(row["name"])

    def _version_in_force_id(self) -> int | None:
        value = self._db.scalar(
            "SELECT id FROM guideline_versions WHERE published_at IS NOT NULL "
            "ORDER BY number DESC LIMIT 1"
        )
        return int(value) if value is not None else None


def _question_values(question: Question) -> dict[str, Any]:
    """A question's stored values (what :meth:`QuestionStore.restore_question` takes)."""
    return {
        "id": question.id,
        "uid": question.uid,
        "image_id": question.image_id,
        "asker_id": question.asker_id,
        "annotation_id": question.annotation_id,
        "region": question.region,
        "text": question.text,
        "class_name": question.class_name,
        "section": question.section,
        "guideline_version_id": question.guideline_version_id,
        "asked_at": question.asked_at,
        "package_import_id": question.package_import_id,
        "package_id": question.package_id,
    }


def _overlaps(shape: ExampleShape, region: Region) -> bool:
    if isinstance(shape.geometry, Tag):
        return True
    x1, y1, x2, y2 = shape.geometry.bounds()
    rx1, ry1, rx2, ry2 = region
    return x1 < rx2 and rx1 < x2 and y1 < ry2 and ry1 < y2


__all__ = [
    "Question",
    "QuestionError",
    "QuestionState",
    "QuestionStore",
    "Region",
    "check_question_text",
    "check_region",
    "question_from_row",
]
