"""Sign-in: pick who you are (or add yourself with a role); remembered per project."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.core.domain import Person, Role
from labeler.core.errors import LabelerError
from labeler.core.store import Project

ROLE_LABELS = {
    Role.ANNOTATOR: QT_TRANSLATE_NOOP("SignInDialog", "Annotator"),
    Role.REVIEWER: QT_TRANSLATE_NOOP("SignInDialog", "Reviewer"),
    Role.QA_LEAD: QT_TRANSLATE_NOOP("SignInDialog", "QA lead"),
}


def role_label(role: Role) -> str:
    """A role's name in the user's language."""
    return QCoreApplication.translate("SignInDialog", ROLE_LABELS[role])


def _settings_key(project: Project) -> str:
    project_id = project.meta().get("project_id") or str(project.path.resolve())
    return f"signin/{project_id}"


def remembered_person(project: Project, settings: QSettings | None = None) -> Person | None:
    """The person who last signed in to this project on this computer, if still there."""
    name = (settings or QSettings()).value(_settings_key(project))
    return project.person_by_name(name) if isinstance(name, str) and name else None


def remember_person(project: Project, person: Person, settings: QSettings | None = None) -> None:
    """Remember who signed in to this project."""
    (settings or QSettings()).setValue(_settings_key(project), person.name)


class SignInDialog(QDialog):
    """Choose an existing person, or create one with a role and organization."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.person: Person | None = None
        self.setWindowTitle(self.tr("Sign in"))
        self.setMinimumWidth(420)
        name = project.meta().get("name") or project.path.stem
        title = QLabel(self.tr("Who is working on <b>{project}</b>?").format(project=escape(name)))
        self.people = QListWidget()
        self.people.itemDoubleClicked.connect(lambda _item: self.accept())
        remembered = remembered_person(project)
        for person in project.people():
            text = f"{person.name} — {role_label(person.role)}"
            if person.organization:
                text += f" · {person.organization}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            self.people.addItem(item)
            if remembered is not None and person.id == remembered.id:
                self.people.setCurrentItem(item)
        if self.people.currentItem() is None and self.people.count():
            self.people.setCurrentRow(0)
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText(self.tr("Your name (leave empty to pick from the list)"))
        self.new_role = QComboBox()
        for role in ROLE_LABELS:
            self.new_role.addItem(role_label(role), role)
        self.new_org = QLineEdit()
        self.new_org.setPlaceholderText(self.tr("optional, e.g. a vendor"))
        new_box = QGroupBox(self.tr("New person"))
        form = QFormLayout(new_box)
        form.addRow(self.tr("Name"), self.new_name)
        form.addRow(self.tr("Role"), self.new_role)
        form.addRow(self.tr("Organization"), self.new_org)
        self.error = QLabel()
        self.error.setObjectName("saveError")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Sign in"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.people, 1)
        layout.addWidget(new_box)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        if not self.people.count():
            self.new_name.setFocus()

    def accept(self) -> None:
        """Sign in as the chosen or newly created person (errors are shown, not raised)."""
        try:
            self.person = self._chosen()
        except LabelerError as exc:
            self.error.setText(str(exc))
            return
        if self.person is None:
            self.error.setText(self.tr("Pick a person from the list or type a new name."))
            return
        remember_person(self.project, self.person)
        super().accept()

    def _chosen(self) -> Person | None:
        name = self.new_name.text().strip()
        if name:
            existing = self.project.person_by_name(name)
            if existing is not None:
                return existing
            org = self.new_org.text().strip() or None
            return self.project.add_person(name, self.new_role.currentData(), org)
        item = self.people.currentItem()
        if item is None:
            return None
        return self.project.person(int(item.data(Qt.ItemDataRole.UserRole)))
