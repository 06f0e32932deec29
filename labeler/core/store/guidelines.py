"""Versioned guidelines: drafts, per-class rules, examples, publishing, acknowledgements.

There is at most one draft (``published_at IS NULL``); it is editable. Publishing it
gives it the next number, a content hash (SHA-256 of its text, rules and examples)
and the list of classes it changed; it never changes again. Annotations of those
classes made under an older version go to the re-review queue. A draft starts as a
copy of the version in force (text, rules and examples), so examples carry forward.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from labeler.core.domain import (
    Acknowledgement,
    ExampleKind,
    ExampleShape,
    GuidelineDiff,
    GuidelineExample,
    GuidelineVersion,
    Review,
    ReviewDecision,
)
from labeler.core.errors import AcknowledgementRequiredError, LabelerError, UnknownEntityError
from labeler.core.events import Change, Entity
from labeler.core.geometry import Geometry, geometry_to_dict, validate_geometry
from labeler.core.guideline_text import (
    changed_rule_classes,
    class_sections,
    diff_lines,
    section_numbers,
)
from labeler.core.i18n import _
from labeler.core.store.base import StoreBase
from labeler.core.store.class_names import class_renames, renamed_in_force
from labeler.core.store.database import SqlValue
from labeler.core.store.rows import (
    example_from_row,
    geometry_from_row,
    guideline_from_row,
    now_iso,
    review_from_row,
)


class GuidelineError(LabelerError):
    """A guideline operation is not possible (no draft, published version edited, ...)."""


def _shape_dicts(shapes: list[ExampleShape] | tuple[ExampleShape, ...]) -> list[dict[str, Any]]:
    return [
        {"class": s.class_name, "geometry": geometry_to_dict(s.geometry), "annotator": s.annotator}
        for s in shapes
    ]


class GuidelineStore(StoreBase):
    """Guideline versions and drafts, their rules and examples, and who acknowledged them."""

    # Versions

    def guideline_versions(self, include_draft: bool = False) -> list[GuidelineVersion]:
        """Every published version, oldest first (and the draft last, when asked)."""
        where = "" if include_draft else " WHERE published_at IS NOT NULL"
        rows = self._db.query(
            f"SELECT * FROM guideline_versions{where} ORDER BY number IS NULL, number, id"
        )
        return [guideline_from_row(r) for r in rows]

    def current_guideline(self) -> GuidelineVersion | None:
        """The newest published version (the one in force), or None before the first."""
        row = self._db.query_one(
            "SELECT * FROM guideline_versions WHERE published_at IS NOT NULL "
            "ORDER BY number DESC LIMIT 1"
        )
        return guideline_from_row(row) if row else None

    def guideline_version(self, number: int) -> GuidelineVersion:
        """The published version with this number."""
        row = self._db.query_one("SELECT * FROM guideline_versions WHERE number = ?", (number,))
        if row is None:
            raise UnknownEntityError(_("no guideline version {number}").format(number=number))
        return guideline_from_row(row)

    def guideline_by_id(self, version_id: int) -> GuidelineVersion:
        """A version (or the draft) by id."""
        row = self._db.query_one("SELECT * FROM guideline_versions WHERE id = ?", (version_id,))
        if row is None:
            raise UnknownEntityError(
                _("no guideline version with id {version_id}").format(version_id=version_id)
            )
        return guideline_from_row(row)

    def guideline_rules(self, version_id: int) -> dict[str, str]:
        """The per-class rules of a version: class name -> rule text."""
        rows = self._db.query(
            "SELECT class_name, text FROM guideline_rules WHERE version_id = ? ORDER BY class_name",
            (version_id,),
        )
        return {r["class_name"]: r["text"] for r in rows}

    def changed_classes(self, version_id: int) -> list[str]:
        """The classes a published version changed (their older labels went to re-review)."""
        value = self._db.scalar(
            "SELECT changed_classes FROM guideline_versions WHERE id = ?", (version_id,)
        )
        return list(json.loads(str(value))) if value else []

    def guideline_examples(self, version_id: int) -> list[GuidelineExample]:
        """The example images of a version (or the draft), in the order they were added."""
        rows = self._db.query(
            "SELECT * FROM guideline_examples WHERE version_id = ? ORDER BY id", (version_id,)
        )
        return [example_from_row(r) for r in rows]

    def guideline_sections(self, version_id: int | None = None) -> set[str]:
        """Section numbers (``2.1``, ``3.2``) of a version; default: the one in force."""
        version = (
            self.current_guideline() if version_id is None else self.guideline_by_id(version_id)
        )
        return section_numbers(version.text) if version else set()

    # Drafts

    def draft_guideline(self) -> GuidelineVersion | None:
        """The editable draft of the next version, or None."""
        row = self._db.query_one(
            "SELECT * FROM guideline_versions WHERE published_at IS NULL ORDER BY id LIMIT 1"
        )
        return guideline_from_row(row) if row else None

    def ensure_draft(self, author_id: int | None = None) -> GuidelineVersion:
        """The draft, started as a copy of the version in force if there is none."""
        with self.transaction():
            draft = self.draft_guideline()
            if draft is not None:
                return draft
            current = self.current_guideline()
            cur = self._db.conn.execute(
                "INSERT INTO guideline_versions(number, text, changelog, author_id, created_at) "
                "VALUES (NULL, ?, '', ?, ?)",
                (current.text if current else "", author_id, now_iso()),
            )
            draft_id = int(cur.lastrowid or 0)
            if current is not None:
                self._copy_rules_and_examples(current.id, draft_id)
            self._log("create", "guideline_draft", draft_id, person_id=author_id)
            self._notify(Change(Entity.GUIDELINE, "draft", (draft_id,)))
            return self.guideline_by_id(draft_id)

    def _copy_rules_and_examples(self, source_id: int, target_id: int) -> None:
        self._db.conn.execute(
            "INSERT INTO guideline_rules(version_id, class_name, text) "
            "SELECT ?, class_name, text FROM guideline_rules WHERE version_id = ?",
            (target_id, source_id),
        )
        for example in self.guideline_examples(source_id):
            self._insert_example(
                target_id,
                example.kind,
                example.image_id,
                list(example.shapes),
                example.class_name,
                example.note,
                example.added_by,
                example.created_at,
            )

    def save_draft(
        self,
        text: str,
        changelog: str | None = None,
        author_id: int | None = None,
    ) -> GuidelineVersion:
        """Set the draft's text (and changelog); class rules are re-read from its sections.

        Rules set with :meth:`set_draft_rule` for classes the text has no section for
        are kept.
        """
        if not text.strip():
            raise GuidelineError(_("a guideline version needs some text"))
        with self.transaction():
            draft = self.ensure_draft(author_id)
            old_rules = self.guideline_rules(draft.id)
            names = [c["name"] for c in self._db.query("SELECT name FROM classes")]
            rules = {**old_rules, **class_sections(text, names)}
            self._db.conn.execute(
                "UPDATE guideline_versions SET text = ?, changelog = COALESCE(?, changelog), "
                "author_id = COALESCE(?, author_id) WHERE id = ?",
                (text, changelog, author_id, draft.id),
            )
            self._write_rules(draft.id, rules)
            self._log("update", "guideline_draft", draft.id, person_id=author_id)
            self._notify(Change(Entity.GUIDELINE, "draft", (draft.id,)))
            return self.guideline_by_id(draft.id)

    def set_draft_rule(self, class_name: str, text: str, author_id: int | None = None) -> None:
        """Set (or, with empty text, remove) one class's rule in the draft."""
        with self.transaction():
            if self._db.scalar("SELECT 1 FROM classes WHERE name = ?", (class_name,)) is None:
                raise UnknownEntityError(
                    _("no class named {class_name!r}").format(class_name=class_name)
                )
            draft = self.ensure_draft(author_id)
            rules = self.guideline_rules(draft.id)
            if text.strip():
                rules[class_name] = text.strip()
            else:
                rules.pop(class_name, None)
            self._write_rules(draft.id, rules)
            self._log(
                "rule",
                "guideline_draft",
                draft.id,
                person_id=author_id,
                after={"class": class_name, "text": text},
            )
            self._notify(Change(Entity.GUIDELINE, "draft", (draft.id,)))

    def _write_rules(self, version_id: int, rules: dict[str, str]) -> None:
        self._db.conn.execute("DELETE FROM guideline_rules WHERE version_id = ?", (version_id,))
        self._db.conn.executemany(
            "INSERT INTO guideline_rules(version_id, class_name, text) VALUES (?, ?, ?)",
            [(version_id, name, text) for name, text in sorted(rules.items())],
        )

    # Examples

    def add_guideline_example(
        self,
        image_id: int,
        kind: ExampleKind | str,
        shapes: list[ExampleShape] | None = None,
        class_name: str | None = None,
        note: str = "",
        added_by: int | None = None,
    ) -> GuidelineExample:
        """Add an example image with its shapes to the draft (started if needed)."""
        kind = ExampleKind(kind)
        if added_by is not None:
            self.check_can(added_by, "edit_guideline")
        with self.transaction():
            image = self._db.query_one("SELECT width, height FROM images WHERE id = ?", (image_id,))
            if image is None:
                raise UnknownEntityError(_("no image with id {image_id}").format(image_id=image_id))
            checked = self._checked_example_shapes(shapes or [], (image["width"], image["height"]))
            if class_name is not None and self._class_kind(class_name) is None:
                raise UnknownEntityError(
                    _("no class named {class_name!r}").format(class_name=class_name)
                )
            draft = self.ensure_draft(added_by)
            example_id = self._insert_example(
                draft.id, kind, image_id, checked, class_name, note, added_by, now_iso()
            )
            self._log(
                "create",
                "guideline_example",
                example_id,
                person_id=added_by,
                after={"image_id": image_id, "kind": kind.value, "note": note},
            )
            self._notify(Change(Entity.GUIDELINE, "example", (example_id,), (image_id,)))
        return next(e for e in self.guideline_examples(draft.id) if e.id == example_id)

    def add_edge_case_example(
        self,
        image_id: int,
        note: str,
        added_by: int | None = None,
        shapes: list[ExampleShape] | None = None,
        class_name: str | None = None,
    ) -> GuidelineExample:
        """Turn a disagreement or a review into an edge-case example of the next version.

        Without ``shapes``, the image's live annotations are taken, each with its
        annotator's name, so the example shows how people disagreed.
        """
        if shapes is None:
            rows = self._db.query(
                "SELECT a.*, c.name AS class_name, p.name AS annotator FROM annotations a "
                "JOIN classes c ON c.id = a.class_id JOIN people p ON p.id = a.annotator_id "
                "WHERE a.image_id = ? AND a.deleted_at IS NULL ORDER BY a.id",
                (image_id,),
            )
            shapes = [
                ExampleShape(r["class_name"], geometry_from_row(r), r["annotator"]) for r in rows
            ]
        return self.add_guideline_example(
            image_id, ExampleKind.EDGE_CASE, shapes, class_name, note, added_by
        )

    def remove_guideline_example(self, example_id: int, person_id: int | None = None) -> None:
        """Remove an example from the draft (published versions never change)."""
        with self.transaction():
            row = self._db.query_one(
                "SELECT e.id, v.published_at FROM guideline_examples e JOIN guideline_versions v"
                " ON v.id = e.version_id WHERE e.id = ?",
                (example_id,),
            )
            if row is None:
                raise UnknownEntityError(
                    _("no guideline example with id {example_id}").format(example_id=example_id)
                )
            if row["published_at"] is not None:
                raise GuidelineError(_("examples of a published version cannot be removed"))
            self._db.conn.execute("DELETE FROM guideline_examples WHERE id = ?", (example_id,))
            self._log("delete", "guideline_example", example_id, person_id=person_id)
            self._notify(Change(Entity.GUIDELINE, "example", (example_id,)))

    def _class_kind(self, class_name: str) -> str | None:
        value = self._db.scalar("SELECT kind FROM classes WHERE name = ?", (class_name,))
        return str(value) if value is not None else None

    def _checked_example_shapes(
        self, shapes: list[ExampleShape], size: tuple[int, int]
    ) -> list[ExampleShape]:
        checked: list[ExampleShape] = []
        for shape in shapes:
            if self._class_kind(shape.class_name) is None:
                raise UnknownEntityError(
                    _("no class named {shape.class_name!r}").format(shape=shape)
                )
            geometry: Geometry = validate_geometry(shape.geometry, size)
            checked.append(ExampleShape(shape.class_name, geometry, shape.annotator))
        return checked

    def _insert_example(
        self,
        version_id: int,
        kind: ExampleKind,
        image_id: int,
        shapes: list[ExampleShape],
        class_name: str | None,
        note: str,
        added_by: int | None,
        created_at: str,
        uid: str | None = None,
    ) -> int:
        cur = self._db.conn.execute(
            "INSERT INTO guideline_examples(uid, version_id, kind, class_name, image_id, shapes, "
            "note, added_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                uid or uuid.uuid4().hex,
                version_id,
                kind.value,
                class_name,
                image_id,
                json.dumps(_shape_dicts(shapes), sort_keys=True),
                note,
                added_by,
                created_at,
            ),
        )
        return int(cur.lastrowid or 0)

    # Publishing

    def publish_guideline(
        self,
        text: str,
        changelog: str = "",
        author_id: int | None = None,
        changed_classes: list[str] | None = None,
    ) -> GuidelineVersion:
        """Publish ``text`` as the next version (with the draft's examples, if any).

        ``changed_classes`` defaults to the classes whose rule section changed or that
        gained examples; their annotations made under older versions are queued for
        re-review.
        """
        if not text.strip():
            raise LabelerError(_("a guideline version needs some text"))
        with self.transaction():
            self.save_draft(text, changelog, author_id)
            return self.publish_draft(changelog, changed_classes, author_id)

    def publish_draft(
        self,
        changelog: str | None = None,
        changed_classes: list[str] | None = None,
        author_id: int | None = None,
    ) -> GuidelineVersion:
        """Freeze the draft as the next numbered version; queue affected labels for re-review."""
        if author_id is not None:
            self.check_can(author_id, "edit_guideline")
        with self.transaction():
            draft = self.draft_guideline()
            if draft is None:
                raise GuidelineError(_("there is no draft to publish; save a draft first"))
            if not draft.text.strip():
                raise GuidelineError(_("a guideline version needs some text"))
            previous = self.current_guideline()
            changed = self._resolve_changed_classes(draft, previous, changed_classes)
            number = (
                int(self._db.scalar("SELECT COALESCE(MAX(number), 0) FROM guideline_versions") or 0)
                + 1
            )
            now = now_iso()
            content_hash = self.guideline_content_hash(draft.id)
            self._db.conn.execute(
                "UPDATE guideline_versions SET number = ?, published_at = ?, content_hash = ?, "
                "changelog = COALESCE(?, changelog), author_id = COALESCE(?, author_id), "
                "changed_classes = ? WHERE id = ?",
                (number, now, content_hash, changelog, author_id, json.dumps(changed), draft.id),
            )
            queued = self._queue_rereview(draft.id, number, changed, now)
            self._log(
                "publish",
                "guideline",
                draft.id,
                person_id=author_id,
                after={
                    "number": number,
                    "changelog": changelog,
                    "hash": content_hash,
                    "changed_classes": changed,
                    "rereview": len(queued),
                },
            )
            self._notify(Change(Entity.GUIDELINE, "publish", (draft.id,)))
            if queued:
                self._notify(Change(Entity.REREVIEW, "create", tuple(queued)))
            return self.guideline_by_id(draft.id)

    def _resolve_changed_classes(
        self,
        draft: GuidelineVersion,
        previous: GuidelineVersion | None,
        given: list[str] | None,
    ) -> list[str]:
        known = {r["name"] for r in self._db.query("SELECT name FROM classes")}
        if given is not None:
            unknown = sorted(set(given) - known)
            if unknown:
                raise UnknownEntityError(
                    _("no class named {names}").format(names=", ".join(map(repr, unknown)))
                )
            return sorted(set(given))
        if previous is None:
            return []
        old_rules, old_list = renamed_in_force(  # a class rename alone changes no class
            self.guideline_rules(previous.id),
            self.guideline_examples(previous.id),
            class_renames(self._db),
        )
        changed = set(changed_rule_classes(old_rules, self.guideline_rules(draft.id)))
        old_examples = {_example_key(e) for e in old_list}
        for example in self.guideline_examples(draft.id):
            if _example_key(example) not in old_examples:
                if example.class_name:
                    changed.add(example.class_name)
                else:
                    changed |= {s.class_name for s in example.shapes}
        return sorted(changed & known)

    def _queue_rereview(
        self, version_id: int, number: int, classes: list[str], now: str
    ) -> list[int]:
        if not classes:
            return []
        marks = ",".join("?" * len(classes))
        rows = self._db.query(
            "SELECT a.id FROM annotations a JOIN classes c ON c.id = a.class_id "
            "LEFT JOIN guideline_versions g ON g.id = a.guideline_version_id "
            f"WHERE a.deleted_at IS NULL AND c.name IN ({marks}) "
            "AND (g.number IS NULL OR g.number < ?) ORDER BY a.id",
            (*classes, number),
        )
        ids = [int(r["id"]) for r in rows]
        self._db.conn.executemany(
            "INSERT INTO rereview(annotation_id, version_id, queued_at) VALUES (?, ?, ?) "
            "ON CONFLICT(annotation_id) DO UPDATE SET version_id = excluded.version_id, "
            "queued_at = excluded.queued_at, resolved_at = NULL, review_id = NULL",
            [(i, version_id, now) for i in ids],
        )
        return ids

    def guideline_content_hash(self, version_id: int) -> str:
        """SHA-256 of a version's text, per-class rules and examples (images by content)."""
        version = self.guideline_by_id(version_id)
        examples = self._db.query(
            "SELECT e.kind, e.class_name, e.shapes, e.note, i.sha256 FROM guideline_examples e "
            "JOIN images i ON i.id = e.image_id WHERE e.version_id = ? ORDER BY e.id",
            (version_id,),
        )
        content = {
            "text": version.text,
            "rules": self.guideline_rules(version_id),
            "examples": [
                [r["kind"], r["class_name"], r["sha256"], json.loads(r["shapes"]), r["note"]]
                for r in examples
            ],
        }
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    # Diff

    def guideline_diff(self, old_number: int | None, new_number: int | None) -> GuidelineDiff:
        """Text and per-class rule differences between two versions (None: the draft)."""
        old, new = self._version_or_draft(old_number), self._version_or_draft(new_number)
        old_name, new_name = _version_name(old), _version_name(new)
        old_rules, new_rules = self.guideline_rules(old.id), self.guideline_rules(new.id)
        rules = {
            name: tuple(
                diff_lines(
                    old_rules.get(name, ""),
                    new_rules.get(name, ""),
                    f"{old_name}/{name}",
                    f"{new_name}/{name}",
                )
            )
            for name in changed_rule_classes(old_rules, new_rules)
        }
        old_examples = {_example_key(e) for e in self.guideline_examples(old.id)}
        new_examples = {_example_key(e) for e in self.guideline_examples(new.id)}
        changed = tuple(self.changed_classes(new.id)) if new.is_published else tuple(sorted(rules))
        return GuidelineDiff(
            old.number,
            new.number,
            tuple(diff_lines(old.text, new.text, old_name, new_name)),
            rules,
            changed,
            len(new_examples - old_examples),
            len(old_examples - new_examples),
        )

    def _version_or_draft(self, number: int | None) -> GuidelineVersion:
        if number is not None:
            return self.guideline_version(number)
        draft = self.draft_guideline()
        if draft is None:
            raise GuidelineError(_("there is no draft"))
        return draft

    # Acknowledgements

    def acknowledge(self, person_id: int, version_id: int | None = None) -> Acknowledgement:
        """Record that a person has read a published version (default: the one in force)."""
        with self.transaction():
            if self._db.scalar("SELECT 1 FROM people WHERE id = ?", (person_id,)) is None:
                raise UnknownEntityError(
                    _("no person with id {person_id}").format(person_id=person_id)
                )
            version = (
                self.current_guideline() if version_id is None else self.guideline_by_id(version_id)
            )
            if version is None or not version.is_published:
                raise GuidelineError(_("only a published guideline version can be acknowledged"))
            row = self._db.query_one(
                "SELECT at FROM acknowledgements WHERE person_id = ? AND version_id = ?",
                (person_id, version.id),
            )
            if row is not None:
                return Acknowledgement(person_id, version.id, row["at"])
            now = now_iso()
            self._db.conn.execute(
                "INSERT INTO acknowledgements(person_id, version_id, at) VALUES (?, ?, ?)",
                (person_id, version.id, now),
            )
            self._log(
                "acknowledge",
                "guideline",
                version.id,
                person_id=person_id,
                after={"number": version.number},
            )
            self._notify(Change(Entity.ACKNOWLEDGEMENT, "create", (version.id,)))
            return Acknowledgement(person_id, version.id, now)

    def needs_acknowledgement(self, person_id: int) -> GuidelineVersion | None:
        """The version in force if the person has not acknowledged it yet, else None."""
        current = self.current_guideline()
        if current is None:
            return None
        done = self._db.scalar(
            "SELECT 1 FROM acknowledgements WHERE person_id = ? AND version_id = ?",
            (person_id, current.id),
        )
        return None if done else current

    def require_acknowledgement(self, person_id: int) -> None:
        """Raise :class:`AcknowledgementRequiredError` unless the version in force is read."""
        pending = self.needs_acknowledgement(person_id)
        if pending is not None:
            raise AcknowledgementRequiredError(pending.number, pending.id)

    # Who labels through this connection: every label-changing command applied on it
    # needs this person's acknowledgement of the version in force (None: no check, as for
    # the CLI, scripts and background jobs). The app sets it for the signed-in person.
    labeling_person_id: int | None = None

    def check_labeling(self) -> None:
        """Refuse a label change (:class:`AcknowledgementRequiredError`) on this connection.

        Called by :meth:`labeler.core.commands.Command.apply` inside the command's
        transaction; passes when no labeling person is set or they read the version.
        """
        if self.labeling_person_id is not None:
            self.require_acknowledgement(self.labeling_person_id)

    def acknowledgements(self, version_id: int | None = None) -> list[Acknowledgement]:
        """Acknowledgements, oldest first, optionally of one version."""
        sql = "SELECT * FROM acknowledgements"
        params: tuple[SqlValue, ...] = ()
        if version_id is not None:
            sql, params = sql + " WHERE version_id = ?", (version_id,)
        rows = self._db.query(sql + " ORDER BY at, person_id", params)
        return [Acknowledgement(r["person_id"], r["version_id"], r["at"]) for r in rows]

    # Reviews

    def add_review(
        self,
        target_kind: str,
        target_id: int,
        reviewer_id: int,
        decision: ReviewDecision | str,
        reason: str | None = None,
        *,
        section: str | None = None,
        fix_annotation_id: int | None = None,
    ) -> Review:
        """Record a reviewer's decision, stamped with the guideline version in force.

        ``section`` names the guideline section the decision rests on (it must exist
        in the version in force). A review of an annotation resolves its re-review.
        """
        if target_kind not in ("annotation", "image"):
            raise LabelerError(
                _("cannot review a {target_kind!r}: use 'annotation' or 'image'").format(
                    target_kind=target_kind
                )
            )
        decision = ReviewDecision(decision)
        with self.transaction():
            version_id = self._check_review(target_kind, target_id, section)
            now = now_iso()
            cur = self._db.conn.execute(
                "INSERT INTO reviews(target_kind, target_id, reviewer_id, decision, reason, "
                "guideline_version_id, created_at, section, fix_annotation_id) VALUES (:kind, "
                ":target, :reviewer, :decision, :reason, :version, :now, :section, :fix)",
                {
                    "kind": target_kind,
                    "target": target_id,
                    "reviewer": reviewer_id,
                    "decision": decision.value,
                    "reason": reason,
                    "version": version_id,
                    "now": now,
                    "section": section,
                    "fix": fix_annotation_id,
                },
            )
            review_id = int(cur.lastrowid or 0)
            if target_kind == "annotation":
                self._db.conn.execute(
                    "UPDATE rereview SET resolved_at = ?, review_id = ? "
                    "WHERE annotation_id = ? AND resolved_at IS NULL",
                    (now, review_id, target_id),
                )
            self._log(
                "create",
                "review",
                review_id,
                person_id=reviewer_id,
                after={
                    "target": f"{target_kind}:{target_id}",
                    "decision": decision.value,
                    "reason": reason,
                    "section": section,
                },
            )
            self._notify(Change(Entity.REVIEW, "create", (review_id,)))
        return Review(
            review_id, target_kind, target_id, reviewer_id, decision, reason, version_id, now
        )

    def _check_review(self, target_kind: str, target_id: int, section: str | None) -> int | None:
        """The id of the version in force, after checking the target and the section."""
        current = self.current_guideline()
        if section is not None and section not in self.guideline_sections():
            message = (
                _("the guideline in force has no section {section!r} (version {number})")
                if current
                else _("the guideline in force has no section {section!r}")
            )
            raise GuidelineError(
                message.format(section=section, number=current.number if current else None)
            )
        table = "annotations" if target_kind == "annotation" else "images"
        if self._db.scalar(f"SELECT 1 FROM {table} WHERE id = ?", (target_id,)) is None:
            raise UnknownEntityError(
                (
                    _("no annotation with id {target_id}")
                    if target_kind == "annotation"
                    else _("no image with id {target_id}")
                ).format(target_id=target_id)
            )
        return current.id if current else None

    def reviews(self, target_kind: str | None = None, target_id: int | None = None) -> list[Review]:
        """Reviews, optionally of one target."""
        sql = "SELECT * FROM reviews WHERE 1 = 1"
        params: list[SqlValue] = []
        if target_kind is not None:
            sql += " AND target_kind = ?"
            params.append(target_kind)
        if target_id is not None:
            sql += " AND target_id = ?"
            params.append(target_id)
        return [review_from_row(r) for r in self._db.query(sql + " ORDER BY id", tuple(params))]

    def review_details(self, review_id: int) -> dict[str, Any]:
        """A review with its guideline section, fix link and version number."""
        row = self._db.query_one(
            "SELECT r.*, g.number AS guideline_number FROM reviews r LEFT JOIN "
            "guideline_versions g ON g.id = r.guideline_version_id WHERE r.id = ?",
            (review_id,),
        )
        if row is None:
            raise UnknownEntityError(_("no review with id {review_id}").format(review_id=review_id))
        return dict(row)


def _example_key(example: GuidelineExample) -> tuple[Any, ...]:
    shapes = json.dumps(_shape_dicts(example.shapes), sort_keys=True)
    return (example.kind.value, example.class_name, example.image_id, shapes, example.note)


def _version_name(version: GuidelineVersion) -> str:
    return f"v{version.number}" if version.number is not None else "draft"
