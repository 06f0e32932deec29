"""Guideline acknowledgement: nobody labels or reviews under a version they have not read.

The rule is the core's: while ``Workspace.require_acknowledgement`` is on, the core
refuses every label change of the signed-in person under a version they have not
acknowledged (``AcknowledgementRequiredError``); the workspace reports the refusal
and fires ``acknowledgementNeeded``, and :class:`GuidelineUi` then offers the version
to read. :class:`AcknowledgeDialog` shows the
version's changelog and text and records the acknowledgement (with its time) in
the core. :class:`GuidelineUi` keeps "Guideline vN" in the status bar and offers
the acknowledgement and the version comparison from the Guideline menu.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from labeler.app.workspace import Workspace
from labeler.core.domain import GuidelineVersion, Person
from labeler.core.errors import LabelerError
from labeler.core.events import Change, Entity
from labeler.core.store import Project

if TYPE_CHECKING:
    from labeler.app.status_bar import WorkspaceStatusBar

_GUIDELINE_ENTITIES = frozenset({Entity.GUIDELINE, Entity.ACKNOWLEDGEMENT})


def version_label(version: GuidelineVersion | None) -> str:
    """'v3', 'draft', or 'none' (no version published yet)."""
    if version is None:
        return QCoreApplication.translate("acknowledge", "none")
    if version.number is None:
        return QCoreApplication.translate("acknowledge", "draft")
    return f"v{version.number}"


class AcknowledgeDialog(QDialog):
    """Shows a version's changelog and text; "I have read it" records the acknowledgement."""

    def __init__(
        self, project: Project, person: Person, version: GuidelineVersion, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.person = person
        self.version = version
        self.acknowledged = False
        name = version_label(version)
        self.setWindowTitle(self.tr("Guideline {version} — please read").format(version=name))
        self.resize(640, 620)
        published = (version.published_at or "")[:16].replace("T", " ")
        intro = QLabel(
            self.tr(
                "{guideline} is in force (published {published} UTC). "
                "Read it before you label or review: your work is stamped with this version."
            ).format(
                guideline="<b>{}</b>".format(self.tr("Guideline {version}").format(version=name)),
                published=published,
            )
        )
        intro.setWordWrap(True)
        changes = html.escape(version.changelog or "—")
        self.changelog = QLabel("<b>{}</b> {}".format(self.tr("What changed:"), changes))
        self.changelog.setWordWrap(True)
        self.changelog.setTextFormat(Qt.TextFormat.RichText)
        self.text_browser = QTextBrowser()
        self.text_browser.setOpenLinks(False)
        self.text_browser.setMarkdown(version.text)
        self.error = QLabel()
        self.error.setObjectName("saveError")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.acknowledge_button = buttons.addButton(
            self.tr("I have read {version}").format(version=name),
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.later_button = buttons.addButton(
            self.tr("Later"), QDialogButtonBox.ButtonRole.RejectRole
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.changelog)
        layout.addWidget(self.text_browser, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def accept(self) -> None:
        """Record the acknowledgement (a refusal by the core is shown, not raised)."""
        try:
            self.project.acknowledge(self.person.id, self.version.id)
        except LabelerError as exc:
            self.error.setText(str(exc))
            return
        self.acknowledged = True
        super().accept()


class GuidelineUi(QObject):
    """The window's guideline status, its acknowledgement prompt and the Guideline menu."""

    def __init__(
        self, window: QWidget, workspace: Workspace, status: WorkspaceStatusBar, menu: QMenu
    ) -> None:
        super().__init__(window)
        self.window = window  # the parent of the dialogs
        self.workspace = workspace
        self.status = status
        self.dialog: AcknowledgeDialog | None = None
        self.acknowledge_action = QAction(self.tr("Acknowledge guideline…"), window)
        self.acknowledge_action.triggered.connect(lambda _checked=False: self.prompt(force=True))
        self.compare_action = QAction(self.tr("Compare guideline versions…"), window)
        self.compare_action.triggered.connect(lambda _checked=False: self.show_diff())
        menu.addAction(self.acknowledge_action)
        menu.addAction(self.compare_action)
        self.workspace.changed.connect(self._on_change)
        self.workspace.acknowledgementNeeded.connect(lambda _refusal: self.prompt())
        self.refresh()

    def pending(self) -> GuidelineVersion | None:
        """The version in force if the signed-in person has not acknowledged it."""
        return self.workspace.project.needs_acknowledgement(self.workspace.person.id)

    def refresh(self) -> None:
        """Show the version in force (and whether it is acknowledged) in the status bar."""
        project = self.workspace.project
        current = project.current_guideline()
        pending = self.pending()
        if current is None:
            self.status.set_guideline(
                self.tr("Guideline: none"), True, self.tr("No version published yet")
            )
            return
        name = version_label(current)
        if pending is None:
            tip = self.tr("Guideline {version} is in force; you acknowledged it")
            shown = self.tr("Guideline {version}")
            self.status.set_guideline(shown.format(version=name), True, tip.format(version=name))
        else:
            tip = self.tr(
                "Guideline {version} is in force; read and acknowledge it before labeling"
            )
            shown = self.tr("Guideline {version} · not acknowledged")
            self.status.set_guideline(shown.format(version=name), False, tip.format(version=name))

    def require(self) -> None:
        """Refuse edits until the version in force is acknowledged; ask now if it is not."""
        self.workspace.require_acknowledgement = True
        self.prompt()

    def prompt(self, force: bool = False) -> AcknowledgeDialog | None:
        """Open the acknowledgement dialog (window-modal) if a version awaits it."""
        version = self.pending()
        if version is None and force:
            version = self.workspace.project.current_guideline()
        if version is None:
            if force:
                self.status.showMessage(self.tr("No guideline version is published yet"), 6000)
            return None
        if self.dialog is not None and self.dialog.isVisible():
            return self.dialog
        self.dialog = AcknowledgeDialog(
            self.workspace.project, self.workspace.person, version, self.window
        )
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.destroyed.connect(self._forget_dialog)
        self.dialog.open()
        return self.dialog

    def _forget_dialog(self) -> None:
        self.dialog = None

    def show_diff(self) -> QDialog:
        """Open the comparison of two guideline versions."""
        from labeler.app.guideline_diff import GuidelineDiffDialog

        dialog = GuidelineDiffDialog(self.workspace.project, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _on_change(self, change: Change) -> None:
        if change.entity not in _GUIDELINE_ENTITIES:
            return
        self.refresh()
        if (
            change.entity == Entity.GUIDELINE
            and change.action == "publish"
            and self.workspace.require_acknowledgement
        ):
            self.prompt()
