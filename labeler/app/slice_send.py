"""Send a slice to work from the app: assignments for in-house people, or a vendor package.

:class:`SendToWorkDialog` asks where the slice's images go (people, blind or not;
or a vendor and the package file) and why; :func:`send_slice` does it on a worker
with its own project connection through the same core functions as ``labeler
slice send`` (:func:`labeler.core.slices.send_to_people`, :func:`send_to_vendor`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from labeler.core.errors import LabelerError
from labeler.core.progress import Progress
from labeler.core.store import Project


@dataclass(frozen=True)
class SendRequest:
    """Where a slice goes and why."""

    slice_name: str
    note: str
    people: list[str] = field(default_factory=list)  # in-house assignments when given
    vendor: str | None = None  # else a package for this vendor
    package: Path | None = None
    blind: bool = False
    with_prelabels: bool = False


def send_slice(path: Path, request: SendRequest, sent_by: int, progress: Progress) -> str:
    """Send the slice (on a worker); returns what was done, in one sentence."""
    from labeler.core.slices import send_to_people, send_to_vendor

    with Project.open(path) as project:
        if request.people:
            work, made = send_to_people(
                project, request.slice_name, request.people, request.note,
                blind=request.blind, hide_prelabels=not request.with_prelabels, sent_by=sent_by,
            )  # fmt: skip
            return QCoreApplication.translate(
                "slice_send", "Assigned {images} images to {target}: {made} new assignments"
            ).format(images=work.images, target=work.target, made=made)
        if request.vendor is None or request.package is None:
            raise LabelerError(
                QCoreApplication.translate(
                    "slice_send", "choose people, or a vendor and the package file to write"
                )
            )
        work, summary = send_to_vendor(
            project, request.slice_name, request.vendor, request.package, request.note,
            blind=request.blind, with_prelabels=request.with_prelabels, sent_by=sent_by,
        )  # fmt: skip
        return QCoreApplication.translate(
            "slice_send", "Wrote {path} for {vendor}: {images} images"
        ).format(path=summary.path, vendor=summary.vendor, images=summary.images)


class SendToWorkDialog(QDialog):
    """People (checkable) or a vendor package, blind or not, and a note of why."""

    def __init__(self, project: Project, slice_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Send slice {name} to work").format(name=repr(slice_name)))
        self.slice_name = slice_name
        self.to_people = QRadioButton(self.tr("Assign to people in-house"))
        self.to_vendor = QRadioButton(self.tr("Write a package for a vendor"))
        self.to_people.setChecked(True)
        self.people = QListWidget()
        for person in project.people():
            item = QListWidgetItem(
                person.name + (f" ({person.organization})" if person.organization else "")
            )
            item.setData(Qt.ItemDataRole.UserRole, person.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.people.addItem(item)
        self.vendor = QComboBox()
        for organization in sorted({p.organization for p in project.people() if p.organization}):
            self.vendor.addItem(organization)
        self.package = QLineEdit(str(project.path.parent / f"{_safe(slice_name)}.lbpkg"))
        self.blind = QCheckBox(self.tr("Blind (annotators do not see each other's labels)"))
        self.with_prelabels = QCheckBox(self.tr("Show or include the model's pre-labels"))
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("Why, e.g. false negatives of run 3, class dent"))
        self.problem = QLabel()
        self.problem.setObjectName("secondaryText")
        form = QFormLayout()
        form.addRow(self.to_people)
        form.addRow(self.people)
        form.addRow(self.to_vendor)
        form.addRow(self.tr("Vendor"), self.vendor)
        form.addRow(self.tr("Package"), self.package)
        form.addRow(self.blind)
        form.addRow(self.with_prelabels)
        form.addRow(self.tr("Note"), self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept_if_complete)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def check_person(self, name: str) -> bool:
        """Tick one person (by name); False when not listed."""
        for row in range(self.people.count()):
            item = self.people.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == name:
                item.setCheckState(Qt.CheckState.Checked)
                return True
        return False

    def request(self) -> SendRequest | None:
        """What the dialog asks for, or None (and a reason shown) while incomplete."""
        note = self.note.text().strip()
        if not note:
            self.problem.setText(self.tr("Say why in the note: it travels with the work."))
            return None
        blind, with_prelabels = self.blind.isChecked(), self.with_prelabels.isChecked()
        if self.to_people.isChecked():
            people = [
                str(self.people.item(r).data(Qt.ItemDataRole.UserRole))
                for r in range(self.people.count())
                if self.people.item(r).checkState() == Qt.CheckState.Checked
            ]
            if not people:
                self.problem.setText(self.tr("Tick at least one person."))
                return None
            return SendRequest(
                self.slice_name, note, people, blind=blind, with_prelabels=with_prelabels
            )
        if not self.vendor.currentText() or not self.package.text().strip():
            self.problem.setText(self.tr("Choose a vendor and the package file to write."))
            return None
        package = Path(self.package.text().strip())
        vendor = self.vendor.currentText()
        return SendRequest(
            self.slice_name, note, [], vendor, package, blind=blind, with_prelabels=with_prelabels
        )

    def _accept_if_complete(self) -> None:
        if self.request() is not None:
            self.accept()


def _safe(name: str) -> str:
    """A file name from a slice name (letters, digits, '-' and '_'; Korean kept)."""
    kept = "".join(c if c.isalnum() or c in "-_" else "_" for c in name).strip("_")
    return kept or "slice"
