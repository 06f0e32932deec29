"""People and label classes of a project."""

from __future__ import annotations

from labeler.core.domain import GeometryKind, LabelClass, Person, Role
from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.events import Change, Entity
from labeler.core.i18n import _
from labeler.core.store.base import StoreBase
from labeler.core.store.rows import class_from_row, now_iso, person_from_row

# Distinct, colour-blind-friendly defaults (Okabe-Ito, then Tableau).
CLASS_PALETTE = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#4E79A7",
    "#F28E2B",
    "#59A14F",
    "#B07AA1",
    "#76B7B2",
    "#EDC948",
    "#FF9DA7",
)


class CatalogStore(StoreBase):
    """Who works on the project and which classes they label."""

    # People

    def add_person(
        self, name: str, role: Role | str = Role.ANNOTATOR, organization: str | None = None
    ) -> Person:
        """Add a person; names are unique within a project."""
        name = name.strip()
        if not name:
            raise LabelerError(_("a person needs a non-empty name"))
        role = Role(role)
        with self.transaction():
            if self.person_by_name(name) is not None:
                raise LabelerError(_("a person named {name!r} already exists").format(name=name))
            cur = self._db.conn.execute(
                "INSERT INTO people(name, role, organization, created_at) VALUES (?, ?, ?, ?)",
                (name, role.value, organization, now_iso()),
            )
            person_id = int(cur.lastrowid or 0)
            after = {"name": name, "role": role.value, "organization": organization}
            self._log("create", "person", person_id, after=after)
            self._notify(Change(Entity.PERSON, "create", (person_id,)))
        return Person(person_id, name, role, organization)

    def ensure_person(
        self, name: str, role: Role | str = Role.ANNOTATOR, organization: str | None = None
    ) -> Person:
        """The person of that name, added with ``role`` if absent."""
        with self.transaction():
            found = self.person_by_name(name.strip())
            return found if found is not None else self.add_person(name, role, organization)

    def people(self) -> list[Person]:
        """Everyone, by name."""
        return [person_from_row(r) for r in self._db.query("SELECT * FROM people ORDER BY name")]

    def person(self, person_id: int) -> Person:
        """The person with this id."""
        row = self._db.query_one("SELECT * FROM people WHERE id = ?", (person_id,))
        if row is None:
            raise UnknownEntityError(_("no person with id {person_id}").format(person_id=person_id))
        return person_from_row(row)

    def person_by_name(self, name: str) -> Person | None:
        """The person with this exact name, or None."""
        row = self._db.query_one("SELECT * FROM people WHERE name = ?", (name,))
        return person_from_row(row) if row else None

    # Classes

    def add_class(
        self, name: str, kind: GeometryKind | str = GeometryKind.BOX, color: str | None = None
    ) -> LabelClass:
        """Add a label class; names are unique, colours default to a distinct palette."""
        name = name.strip()
        if not name:
            raise LabelerError(_("a class needs a non-empty name"))
        kind = GeometryKind(kind)
        with self.transaction():
            if self.class_by_name(name) is not None:
                raise LabelerError(_("a class named {name!r} already exists").format(name=name))
            position = int(self._db.scalar("SELECT COUNT(*) FROM classes") or 0)
            color = color or CLASS_PALETTE[position % len(CLASS_PALETTE)]
            cur = self._db.conn.execute(
                "INSERT INTO classes(name, color, kind, position) VALUES (?, ?, ?, ?)",
                (name, color, kind.value, position),
            )
            class_id = int(cur.lastrowid or 0)
            self._log(
                "create",
                "class",
                class_id,
                after={"name": name, "kind": kind.value, "color": color},
            )
            self._notify(Change(Entity.CLASS, "create", (class_id,)))
        return LabelClass(class_id, name, color, kind)

    def ensure_class(self, name: str, kind: GeometryKind | str = GeometryKind.BOX) -> LabelClass:
        """The class of that name, added with ``kind`` if absent."""
        with self.transaction():
            found = self.class_by_name(name.strip())
            return found if found is not None else self.add_class(name, kind)

    def classes(self) -> list[LabelClass]:
        """All classes in their display order."""
        rows = self._db.query("SELECT * FROM classes ORDER BY position, id")
        return [class_from_row(r) for r in rows]

    def label_class(self, class_id: int) -> LabelClass:
        """The class with this id."""
        row = self._db.query_one("SELECT * FROM classes WHERE id = ?", (class_id,))
        if row is None:
            raise UnknownEntityError(_("no class with id {class_id}").format(class_id=class_id))
        return class_from_row(row)

    def class_by_name(self, name: str) -> LabelClass | None:
        """The class with this exact name, or None."""
        row = self._db.query_one("SELECT * FROM classes WHERE name = ?", (name,))
        return class_from_row(row) if row else None
