"""The guideline side panel: the current guideline version's rules for the selected class."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from labeler.app.workspace import Workspace
from labeler.core.events import Change, Entity
from labeler.core.guideline_text import class_sections


class GuidelinePanel(QWidget):
    """Shows the rule section of one class, or the whole guideline when it has none."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.class_id: int | None = None
        self.title = QLabel()
        self.title.setObjectName("panelTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # class names are never markup
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.browser, 1)
        workspace.changed.connect(self._on_change)
        workspace.activeClassChanged.connect(self.show_class)
        self.show_class(workspace.active_class_id)

    def show_class(self, class_id: int | None) -> None:
        """Show the guideline for ``class_id`` (None: the whole text)."""
        self.class_id = class_id
        guideline = self.workspace.project.current_guideline()
        if guideline is None:
            self.title.setText(self.tr("Guideline"))
            self.browser.setPlainText(
                self.tr(
                    "No guideline has been published for this project yet.\n\n"
                    "A QA lead publishes one; it then shows here, per class."
                )
            )
            return
        label_class = self.workspace.label_class(class_id) if class_id is not None else None
        version = f"v{guideline.number}" if guideline.number is not None else self.tr("draft")
        text = guideline.text
        if label_class is not None:  # a renamed class keeps its section under its old name
            project = self.workspace.project
            names = [label_class.name, *(a.name for a in project.class_aliases(label_class.id))]
            sections = class_sections(text, names)
            section = next((sections[name] for name in names if name in sections), None)
            if section:
                text = section
                self.title.setText(
                    self.tr("Guideline {version} · {name}").format(
                        version=version, name=label_class.name
                    )
                )
            else:
                self.title.setText(
                    self.tr("Guideline {version} (no section for {name})").format(
                        version=version, name=label_class.name
                    )
                )
        else:
            self.title.setText(self.tr("Guideline {version}").format(version=version))
        self.browser.setMarkdown(text)

    def _on_change(self, change: Change) -> None:
        if change.entity in (Entity.GUIDELINE, Entity.CLASS):
            self.show_class(self.class_id)
