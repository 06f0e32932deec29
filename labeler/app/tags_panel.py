"""Image-level tags: a check box per tag class; toggling adds or deletes a tag annotation."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from labeler.app.class_panel import color_swatch
from labeler.app.workspace import Workspace
from labeler.core.commands import AddAnnotation, DeleteAnnotation
from labeler.core.events import Change, Entity
from labeler.core.geometry import Tag


class TagsPanel(QWidget):
    """Tags of the current image, undoable like every other edit."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._boxes: dict[int, QCheckBox] = {}
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 6, 8, 6)
        self._layout.setSpacing(4)
        self._empty = QLabel(self.tr("This project has no image-level classes."))
        self._empty.setObjectName("secondaryText")
        self._empty.setWordWrap(True)
        self._build()
        workspace.imageChanged.connect(lambda _id: self.refresh())
        workspace.changed.connect(self._on_change)
        workspace.annotationScopeChanged.connect(lambda _own: self.refresh())

    def _build(self) -> None:
        for box in self._boxes.values():
            box.deleteLater()
        self._boxes = {}
        tags = self.workspace.tag_classes()
        self._layout.removeWidget(self._empty)
        self._empty.setVisible(not tags)
        if not tags:
            self._layout.addWidget(self._empty)
        for label_class in tags:
            box = QCheckBox(label_class.name)
            box.setIcon(color_swatch(label_class.color))
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            box.clicked.connect(
                lambda checked, class_id=label_class.id: self._toggle(class_id, checked)
            )
            self._boxes[label_class.id] = box
            self._layout.addWidget(box)
        self._layout.addStretch(1)
        self.refresh()

    def checkboxes(self) -> dict[int, QCheckBox]:
        """The check box of each tag class, by class id."""
        return dict(self._boxes)

    def checked_class_ids(self) -> set[int]:
        """Tag classes set on the current image."""
        return {class_id for class_id, box in self._boxes.items() if box.isChecked()}

    def refresh(self) -> None:
        """Show the current image's tags."""
        image_id = self.workspace.current_image_id
        present: set[int] = set()
        if image_id is not None and self._boxes:
            present = {
                a.class_id
                for a in self.workspace.annotations(image_id)
                if isinstance(a.geometry, Tag)
            }
        for class_id, box in self._boxes.items():
            box.setEnabled(image_id is not None)
            box.setChecked(class_id in present)

    def _toggle(self, class_id: int, checked: bool) -> None:
        image_id = self.workspace.current_image_id
        if image_id is None:
            return
        person = self.workspace.person.id
        if checked:
            self.workspace.execute(AddAnnotation(image_id, class_id, Tag(), person))
        else:
            for annotation in self.workspace.annotations(image_id):
                if annotation.class_id == class_id and isinstance(annotation.geometry, Tag):
                    self.workspace.execute(DeleteAnnotation(image_id, annotation.id, person))
        self.refresh()

    def _on_change(self, change: Change) -> None:
        if change.entity == Entity.CLASS:
            self._build()
        elif self.workspace.current_image_id in change.image_ids:
            self.refresh()
