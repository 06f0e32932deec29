"""Editing the class list of a live project: add, rename, recolour, reorder, merge, remove.

Each edit is one transaction with one audit event (entity ``class``) and a
``Change(Entity.CLASS, ...)``; :mod:`labeler.core.class_commands` wraps them as
undoable commands.

Names are stored and shown literally: Korean names and names such as ``[/]`` or
``<b>`` are legal. A name must be non-empty after trimming, a single line of at most
:data:`MAX_NAME_LENGTH` characters, and unlike every other class's name *ignoring
case* (guideline sections match class names case-insensitively).

Renames and merges keep every old name as an *alias* of the class that now carries
the work (table ``class_aliases``), so a vendor package exported before the edit
comes back onto the right class (:func:`.class_names.current_class_names`). A name that is an alias
of another class cannot be given to a class: packages still out would land on it.

The guideline: published versions never change. A rename carries the class's rules,
examples and rule headings into the draft of the next version (the draft is started
from the version in force when that version mentions the class). A merge moves the
source's examples to the target and appends the source's rule to the target's; the
draft text keeps the old section for its author to fold in.

A merge of ``A`` into ``B`` moves every annotation (deleted ones too) and prediction
of ``A`` to ``B``, the ``annotation_counts`` rows follow through their triggers, and
``A``'s row is then deleted: nothing points at it any more, its name stays as an alias
of ``B``. Reviews and re-reviews point at annotations, so they follow them. The
returned :class:`MergeRecord` lists exactly what moved, so the merge can be split
back. Only classes of the same kind merge (a box class's shapes are not polygons).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from labeler.core.domain import GeometryKind, LabelClass
from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.events import Change, Entity
from labeler.core.i18n import _
from labeler.core.store.assignments import AssignmentStore
from labeler.core.store.catalog import CLASS_PALETTE, CatalogStore
from labeler.core.store.class_names import (
    rename_in_headings,
    rename_shapes,
)
from labeler.core.store.guidelines import GuidelineStore
from labeler.core.store.rows import class_from_row, now_iso

MAX_NAME_LENGTH = 200
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class ClassEditError(LabelerError):
    """A class edit is not possible (bad or taken name, bad colour, kinds differ, in use)."""


@dataclass(frozen=True)
class ClassAlias:
    """A name that now means class ``class_id`` (an old name, or a class merged into it)."""

    name: str
    class_id: int
    reason: str
    at: str


@dataclass(frozen=True)
class ClassRecord:
    """A class row as stored, enough to bring the class back exactly (same id, same place)."""

    id: int
    name: str
    color: str
    kind: GeometryKind
    position: int


@dataclass(frozen=True)
class ClassUsage:
    """What refers to a class: why it cannot simply be removed."""

    class_id: int
    annotations: int
    deleted_annotations: int
    predictions: int
    draft_rules: int
    draft_examples: int

    @property
    def in_use(self) -> bool:
        """True when anything at all refers to the class."""
        return any(
            (
                self.annotations,
                self.deleted_annotations,
                self.predictions,
                self.draft_rules,
                self.draft_examples,
            )
        )


@dataclass(frozen=True)
class DraftExampleChange:
    """One draft example a merge relabelled: its class name and shapes before and after."""

    example_id: int
    class_name_before: str | None
    shapes_before: str
    class_name_after: str | None
    shapes_after: str


@dataclass(frozen=True)
class MergeRecord:
    """Exactly what a merge of ``source`` into ``target_id`` moved (its undo moves it back)."""

    source: ClassRecord
    target_id: int
    annotation_ids: tuple[int, ...]
    prediction_ids: tuple[int, ...]
    source_aliases: tuple[ClassAlias, ...]
    source_rule: str | None
    target_rule: str | None
    merged_rule: str | None
    draft_examples: tuple[DraftExampleChange, ...]
    image_ids: tuple[int, ...] = ()  # the images the moved annotations are on


class ClassEditStore(CatalogStore, GuidelineStore, AssignmentStore):
    """The class list after a project is created: every edit validated, logged, undoable."""

    # Reading

    def class_record(self, class_id: int) -> ClassRecord:
        """The stored row of a class."""
        row = self._db.query_one("SELECT * FROM classes WHERE id = ?", (class_id,))
        if row is None:
            raise UnknownEntityError(_("no class with id {class_id}").format(class_id=class_id))
        return ClassRecord(
            row["id"], row["name"], row["color"], GeometryKind(row["kind"]), row["position"]
        )

    def class_aliases(self, class_id: int | None = None) -> list[ClassAlias]:
        """Old names and merged names, by name (optionally those of one class)."""
        sql, params = "SELECT * FROM class_aliases", ()
        if class_id is not None:
            sql, params = sql + " WHERE class_id = ?", (class_id,)
        rows = self._db.query(sql + " ORDER BY name", params)
        return [ClassAlias(r["name"], r["class_id"], r["reason"], r["at"]) for r in rows]

    def resolve_class(self, name: str) -> LabelClass | None:
        """The class called ``name`` now, else the class an old or merged ``name`` became."""
        found = self.class_by_name(name)
        if found is not None:
            return found
        row = self._db.query_one(
            "SELECT c.* FROM class_aliases a JOIN classes c ON c.id = a.class_id WHERE a.name = ?",
            (name,),
        )
        return class_from_row(row) if row else None

    def class_ids_by_name(self) -> dict[str, int]:
        """Every name that means a class now: its name, its earlier names, merged names.

        What a model's (or a file's) class names are mapped through, so a rename or a
        merge does not make the next pre-labels vanish.
        """
        ids = {alias.name: alias.class_id for alias in self.class_aliases()}
        ids.update({c.name: c.id for c in self.classes()})
        return ids

    def class_usage(self, class_id: int) -> ClassUsage:
        """How many annotations, predictions and draft guideline entries use a class."""
        name = self.class_record(class_id).name
        live, deleted = self._db.query_one(
            "SELECT COALESCE(SUM(deleted_at IS NULL), 0), COALESCE(SUM(deleted_at IS NOT NULL), 0)"
            " FROM annotations WHERE class_id = ?",
            (class_id,),
        ) or (0, 0)
        predictions = self._db.scalar(
            "SELECT COUNT(*) FROM predictions WHERE class_id = ?", (class_id,)
        )
        draft = self.draft_guideline()
        rules = examples = 0
        if draft is not None:
            rules = int(name in self.guideline_rules(draft.id))
            examples = sum(
                1
                for e in self.guideline_examples(draft.id)
                if e.class_name == name or any(s.class_name == name for s in e.shapes)
            )
        return ClassUsage(class_id, int(live), int(deleted), int(predictions or 0), rules, examples)

    # Checks

    def checked_class_name(self, name: str, for_class_id: int | None = None) -> str:
        """``name`` trimmed, or :class:`ClassEditError` saying why no class may have it."""
        if not isinstance(name, str) or not name.strip():
            raise ClassEditError(_("a class needs a non-empty name"))
        name = name.strip()
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
            raise ClassEditError(
                _("a class name is one line of text, without control characters: {name!r}").format(
                    name=name
                )
            )
        if len(name) > MAX_NAME_LENGTH:
            raise ClassEditError(
                _("a class name has at most {MAX_NAME_LENGTH} characters ({length} given)").format(
                    MAX_NAME_LENGTH=MAX_NAME_LENGTH, length=len(name)
                )
            )
        for row in self._db.query("SELECT id, name FROM classes"):
            if row["id"] != for_class_id and row["name"].casefold() == name.casefold():
                same = "" if row["name"] == name else _(" (names may not differ only in case)")
                raise ClassEditError(
                    _("a class named {row!r} already exists{same}").format(
                        row=row["name"], same=same
                    )
                )
        alias = self._db.query_one(
            "SELECT a.class_id, c.name FROM class_aliases a JOIN classes c ON c.id = a.class_id "
            "WHERE a.name = ?",
            (name,),
        )
        if alias is not None and alias["class_id"] != for_class_id:
            raise ClassEditError(
                _(
                    "{name!r} is an earlier name of the class {alias!r}: work packages "
                    "exported before the change still use it; choose another name"
                ).format(name=name, alias=alias["name"])
            )
        return name

    def _check_editor(self, person_id: int | None) -> None:
        if person_id is not None:
            self.check_can(person_id, "edit_guideline")

    @staticmethod
    def _checked_color(color: str) -> str:
        if not isinstance(color, str) or not _COLOR.match(color.strip()):
            raise ClassEditError(
                _("a class colour is #RRGGBB (like #E69F00), not {color!r}").format(color=color)
            )
        return color.strip().upper()

    # Add and remove

    def create_class(
        self,
        name: str,
        kind: GeometryKind | str = GeometryKind.BOX,
        color: str | None = None,
        person_id: int | None = None,
    ) -> LabelClass:
        """Add a class at the end of the list, after checking its name and colour."""
        self._check_editor(person_id)
        try:
            kind = GeometryKind(kind)
        except ValueError:
            kinds = ", ".join(k.value for k in GeometryKind)
            raise ClassEditError(
                _("a class kind is one of {kinds}, not {kind!r}").format(kinds=kinds, kind=kind)
            ) from None
        with self.transaction():
            name = self.checked_class_name(name)
            position = int(self._db.scalar("SELECT COALESCE(MAX(position), -1) + 1 FROM classes"))
            count = int(self._db.scalar("SELECT COUNT(*) FROM classes") or 0)
            palette = CLASS_PALETTE[count % len(CLASS_PALETTE)]
            color = self._checked_color(color) if color else palette
            cur = self._db.conn.execute(
                "INSERT INTO classes(name, color, kind, position) VALUES (?, ?, ?, ?)",
                (name, color, kind.value, position),
            )
            class_id = int(cur.lastrowid or 0)
            after = {"name": name, "kind": kind.value, "color": color, "position": position}
            self._log("create", "class", class_id, person_id=person_id, after=after)
            self._notify(Change(Entity.CLASS, "create", (class_id,)))
        return LabelClass(class_id, name, color, kind)

    def remove_unused_class(self, class_id: int, person_id: int | None = None) -> ClassRecord:
        """Delete a class nothing uses (no annotation, prediction, draft rule or example)."""
        self._check_editor(person_id)
        with self.transaction():
            record = self.class_record(class_id)
            usage = self.class_usage(class_id)
            if usage.in_use:
                raise ClassEditError(
                    _(
                        "class {record.name!r} is in use ({usage.annotations} annotations, "
                        "{usage.deleted_annotations} deleted, {usage.predictions} "
                        "pre-labels, {n_draft} guideline draft entries); merge it into "
                        "another class instead"
                    ).format(
                        record=record,
                        usage=usage,
                        n_draft=usage.draft_rules + usage.draft_examples,
                    )
                )
            self._db.conn.execute("DELETE FROM class_aliases WHERE class_id = ?", (class_id,))
            self._db.conn.execute("DELETE FROM annotation_counts WHERE class_id = ?", (class_id,))
            self._db.conn.execute("DELETE FROM classes WHERE id = ?", (class_id,))
            self._log("delete", "class", class_id, person_id=person_id, before=_record_dict(record))
            self._notify(Change(Entity.CLASS, "delete", (class_id,)))
        return record

    def restore_class(self, record: ClassRecord, person_id: int | None = None) -> LabelClass:
        """Bring a removed class back with its id, name, colour, kind and place."""
        self._check_editor(person_id)
        with self.transaction():
            self.checked_class_name(record.name, record.id)
            self._db.conn.execute(
                "INSERT INTO classes(id, name, color, kind, position) VALUES (?, ?, ?, ?, ?)",
                (record.id, record.name, record.color, record.kind.value, record.position),
            )
            self._db.conn.execute("DELETE FROM class_aliases WHERE name = ?", (record.name,))
            self._log(
                "restore", "class", record.id, person_id=person_id, after=_record_dict(record)
            )
            self._notify(Change(Entity.CLASS, "create", (record.id,)))
        return LabelClass(record.id, record.name, record.color, record.kind)

    # Rename, recolour, reorder

    def rename_class(
        self, class_id: int, new_name: str, person_id: int | None = None
    ) -> LabelClass:
        """Rename a class; its old name becomes an alias and its draft guideline entries follow."""
        self._check_editor(person_id)
        with self.transaction():
            record = self.class_record(class_id)
            new_name = self.checked_class_name(new_name, class_id)
            if new_name == record.name:
                return self.label_class(class_id)
            self._start_draft_if_mentioned(record.name, person_id)
            self._db.conn.execute("UPDATE classes SET name = ? WHERE id = ?", (new_name, class_id))
            self._db.conn.execute("DELETE FROM class_aliases WHERE name = ?", (new_name,))
            self._db.conn.execute(
                "INSERT INTO class_aliases(name, class_id, reason, at) VALUES (?, ?, 'rename', ?) "
                "ON CONFLICT(name) DO UPDATE SET class_id = excluded.class_id, "
                "reason = excluded.reason, at = excluded.at",
                (record.name, class_id, now_iso()),
            )
            self._rename_in_draft(record.name, new_name)
            self._log(
                "rename",
                "class",
                class_id,
                person_id=person_id,
                before={"name": record.name},
                after={"name": new_name},
            )
            self._notify(Change(Entity.CLASS, "rename", (class_id,)))
        return self.label_class(class_id)

    def set_class_aliases(self, class_id: int, aliases: Sequence[ClassAlias]) -> None:
        """Make ``aliases`` exactly the aliases of a class (an undo restores them so)."""
        with self.transaction():
            self.class_record(class_id)
            self._db.conn.execute("DELETE FROM class_aliases WHERE class_id = ?", (class_id,))
            self._db.conn.executemany(
                "INSERT INTO class_aliases(name, class_id, reason, at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET class_id = excluded.class_id, "
                "reason = excluded.reason, at = excluded.at",
                [(a.name, class_id, a.reason, a.at) for a in aliases],
            )

    def recolour_class(self, class_id: int, color: str, person_id: int | None = None) -> str:
        """Give a class a new colour (#RRGGBB); returns the old one."""
        self._check_editor(person_id)
        color = self._checked_color(color)
        with self.transaction():
            old = self.class_record(class_id).color
            self._db.conn.execute("UPDATE classes SET color = ? WHERE id = ?", (color, class_id))
            self._log(
                "recolour",
                "class",
                class_id,
                person_id=person_id,
                before={"color": old},
                after={"color": color},
            )
            self._notify(Change(Entity.CLASS, "recolour", (class_id,)))
        return old

    def reorder_classes(self, order: Sequence[int], person_id: int | None = None) -> list[int]:
        """Put the classes in ``order`` (every class id once); returns the order before."""
        self._check_editor(person_id)
        with self.transaction():
            before = [c.id for c in self.classes()]
            if sorted(order) != sorted(before):
                raise ClassEditError(
                    _(
                        "a new class order must name every class exactly once (classes "
                        "{current}, given {given})"
                    ).format(current=sorted(before), given=list(order))
                )
            self._db.conn.executemany(
                "UPDATE classes SET position = ? WHERE id = ?",
                [(position, class_id) for position, class_id in enumerate(order)],
            )
            self._log(
                "reorder",
                "class",
                None,
                person_id=person_id,
                before={"order": before},
                after={"order": list(order)},
            )
            self._notify(Change(Entity.CLASS, "reorder", tuple(order)))
        return before

    # Merge

    def merge_classes(
        self, source_id: int, target_id: int, person_id: int | None = None
    ) -> MergeRecord:
        """Move everything of class ``source_id`` to ``target_id`` and retire the source."""
        self._check_editor(person_id)
        with self.transaction():
            source, target = self.class_record(source_id), self.class_record(target_id)
            if source_id == target_id:
                raise ClassEditError(
                    _("cannot merge class {source.name!r} into itself").format(source=source)
                )
            if source.kind != target.kind:
                raise ClassEditError(
                    _(
                        "cannot merge {source.kind.value} class {source.name!r} into "
                        "{target.kind.value} class {target.name!r}: their shapes are of "
                        "different kinds; merge classes of the same kind"
                    ).format(source=source, target=target)
                )
            moved = self._tuples(
                "SELECT id, image_id FROM annotations WHERE class_id = ? ORDER BY id", (source_id,)
            )
            annotation_ids = tuple(int(r[0]) for r in moved)
            image_ids = tuple(sorted({int(r[1]) for r in moved}))
            prediction_ids = self._ids("SELECT id FROM predictions WHERE class_id = ?", source_id)
            aliases = tuple(self.class_aliases(source_id))
            self._start_draft_if_mentioned(source.name, person_id)
            rules, examples = self._merge_in_draft(source.name, target.name)
            conn = self._db.conn
            conn.execute(
                "UPDATE annotations SET class_id = ? WHERE class_id = ?", (target_id, source_id)
            )
            conn.execute(
                "UPDATE predictions SET class_id = ? WHERE class_id = ?", (target_id, source_id)
            )
            conn.execute(
                "UPDATE class_aliases SET class_id = ? WHERE class_id = ?", (target_id, source_id)
            )
            conn.execute("DELETE FROM annotation_counts WHERE class_id = ? AND n = 0", (source_id,))
            conn.execute("DELETE FROM classes WHERE id = ?", (source_id,))
            conn.execute(
                "INSERT INTO class_aliases(name, class_id, reason, at) VALUES (?, ?, 'merge', ?)",
                (source.name, target_id, now_iso()),
            )
            record = MergeRecord(
                source,
                target_id,
                annotation_ids,
                prediction_ids,
                aliases,
                *rules,
                examples,
                image_ids,
            )
            self._log(
                "merge",
                "class",
                source_id,
                person_id=person_id,
                before=_record_dict(source),
                after={
                    "into": target_id,
                    "into_name": target.name,
                    "annotations": len(annotation_ids),
                    "predictions": len(prediction_ids),
                },
            )
            self._notify_moved(record, (source_id, target_id), "merge")
        return record

    def split_merged_class(self, record: MergeRecord, person_id: int | None = None) -> LabelClass:
        """Undo a merge: the source class comes back and takes back exactly what moved.

        Annotations and predictions relabelled again since the merge stay where they are.
        """
        self._check_editor(person_id)
        source = record.source
        with self.transaction():
            self.class_record(record.target_id)
            self._db.conn.execute(
                "DELETE FROM class_aliases WHERE name = ? AND reason = 'merge'", (source.name,)
            )
            self.checked_class_name(source.name, source.id)
            conn = self._db.conn
            conn.execute(
                "INSERT INTO classes(id, name, color, kind, position) VALUES (?, ?, ?, ?, ?)",
                (source.id, source.name, source.color, source.kind.value, source.position),
            )
            for table, ids in (
                ("annotations", record.annotation_ids),
                ("predictions", record.prediction_ids),
            ):
                conn.execute(
                    f"UPDATE {table} SET class_id = ? WHERE class_id = ? "
                    "AND id IN (SELECT value FROM json_each(?))",
                    (source.id, record.target_id, json.dumps(ids)),
                )
            conn.executemany(
                "UPDATE class_aliases SET class_id = ? WHERE name = ? AND class_id = ?",
                [(source.id, a.name, record.target_id) for a in record.source_aliases],
            )
            self._split_in_draft(record)
            self._log(
                "split",
                "class",
                source.id,
                person_id=person_id,
                after={**_record_dict(source), "from": record.target_id},
            )
            self._notify(Change(Entity.CLASS, "create", (source.id,)))
            self._notify_moved(record, (record.target_id, source.id), "split")
        return LabelClass(source.id, source.name, source.color, source.kind)

    # Helpers

    def _ids(self, sql: str, class_id: int) -> tuple[int, ...]:
        return tuple(int(r[0]) for r in self._tuples(sql + " ORDER BY id", (class_id,)))

    def _notify_moved(self, record: MergeRecord, classes: tuple[int, int], action: str) -> None:
        self._notify(Change(Entity.CLASS, action, classes))
        if record.annotation_ids:
            change = Change(Entity.ANNOTATION, "update", record.annotation_ids, record.image_ids)
            self._notify(change)

    def _start_draft_if_mentioned(self, name: str, person_id: int | None) -> None:
        """Start the next draft when the version in force mentions class ``name``.

        Rules, examples or a heading: the edit then shows in the draft (published text
        never changes).
        """
        if self.draft_guideline() is not None:
            return
        current = self.current_guideline()
        if current is None:
            return
        mentioned = (
            name in self.guideline_rules(current.id)
            or any(
                e.class_name == name or any(s.class_name == name for s in e.shapes)
                for e in self.guideline_examples(current.id)
            )
            or rename_in_headings(current.text, name, "\0") != current.text
        )
        if mentioned:
            self.ensure_draft(person_id)

    def _rename_in_draft(self, old: str, new: str) -> None:
        draft = self.draft_guideline()
        if draft is None:
            return
        conn = self._db.conn
        conn.execute(
            "UPDATE guideline_versions SET text = ? WHERE id = ?",
            (rename_in_headings(draft.text, old, new), draft.id),
        )
        rules = self.guideline_rules(draft.id)
        if old in rules:  # a stale rule under the new name (no class had it) gives way
            conn.execute(
                "DELETE FROM guideline_rules WHERE version_id = ? AND class_name = ?",
                (draft.id, new),
            )
        for name, text in rules.items():
            renamed = rename_in_headings(text, old, new)
            if name == old or renamed != text:
                conn.execute(
                    "UPDATE guideline_rules SET class_name = ?, text = ? "
                    "WHERE version_id = ? AND class_name = ?",
                    (new if name == old else name, renamed, draft.id, name),
                )
        for row in self._db.query(
            "SELECT id, class_name, shapes FROM guideline_examples WHERE version_id = ?",
            (draft.id,),
        ):
            conn.execute(
                "UPDATE guideline_examples SET class_name = ?, shapes = ? WHERE id = ?",
                (
                    new if row["class_name"] == old else row["class_name"],
                    rename_shapes(row["shapes"], old, new),
                    row["id"],
                ),
            )
        self._notify(Change(Entity.GUIDELINE, "draft", (draft.id,)))

    def _merge_in_draft(
        self, source: str, target: str
    ) -> tuple[tuple[str | None, str | None, str | None], tuple[DraftExampleChange, ...]]:
        """Move the source's draft rule and examples to the target; what changed, for undo."""
        draft = self.draft_guideline()
        if draft is None:
            return (None, None, None), ()
        rules = self.guideline_rules(draft.id)
        source_rule, target_rule = rules.get(source), rules.get(target)
        merged = target_rule
        if source_rule is not None:
            merged = source_rule if target_rule is None else f"{target_rule}\n\n{source_rule}"
            rules.pop(source)
            rules[target] = merged
            self._write_rules(draft.id, rules)
        changes = []
        for row in self._db.query(
            "SELECT id, class_name, shapes FROM guideline_examples WHERE version_id = ?",
            (draft.id,),
        ):
            name = target if row["class_name"] == source else row["class_name"]
            shapes = rename_shapes(row["shapes"], source, target)
            if name != row["class_name"] or shapes != row["shapes"]:
                changes.append(
                    DraftExampleChange(row["id"], row["class_name"], row["shapes"], name, shapes)
                )
                self._db.conn.execute(
                    "UPDATE guideline_examples SET class_name = ?, shapes = ? WHERE id = ?",
                    (name, shapes, row["id"]),
                )
        if source_rule is not None or changes:
            self._notify(Change(Entity.GUIDELINE, "draft", (draft.id,)))
        return (source_rule, target_rule, merged), tuple(changes)

    def _split_in_draft(self, record: MergeRecord) -> None:
        """Give the source back its draft rule and examples, where nobody edited them since."""
        draft = self.draft_guideline()
        if draft is None:
            return
        target = self.class_record(record.target_id).name
        rules = self.guideline_rules(draft.id)
        if record.source_rule is not None and rules.get(target) == record.merged_rule:
            rules[record.source.name] = record.source_rule
            if record.target_rule is None:
                rules.pop(target, None)
            else:
                rules[target] = record.target_rule
            self._write_rules(draft.id, rules)
        for change in record.draft_examples:
            self._db.conn.execute(
                "UPDATE guideline_examples SET class_name = ?, shapes = ? WHERE id = ? "
                "AND version_id = ? AND class_name IS ? AND shapes = ?",
                (
                    change.class_name_before,
                    change.shapes_before,
                    change.example_id,
                    draft.id,
                    change.class_name_after,
                    change.shapes_after,
                ),
            )
        self._notify(Change(Entity.GUIDELINE, "draft", (draft.id,)))


def _record_dict(record: ClassRecord) -> dict[str, Any]:
    return {
        "name": record.name,
        "color": record.color,
        "kind": record.kind.value,
        "position": record.position,
    }
