"""The class picker, legend and class manager, and the Classes menu with the real names.

Clicking a class (or pressing its number) makes it the class of the next shape
and, when a shape is selected, changes that shape's class. Below the list, a QA lead
adds, renames, recolours, reorders and merges classes: each edit is a core command
run through :meth:`Workspace.execute`, so Ctrl+Z undoes it. Names are shown as
plain text (Korean, ``[/]``, ``<b>``: never markup, never a mnemonic).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QColorDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.app.workspace import Workspace
from labeler.core.class_commands import (
    AddClass,
    MergeClasses,
    RecolourClass,
    RenameClass,
    ReorderClasses,
    moved_order,
)
from labeler.core.commands import Command
from labeler.core.domain import GeometryKind, LabelClass
from labeler.core.events import Change, Entity

# How a class is drawn, for people (the stored kind stays the GeometryKind value).
_KIND_NAMES = {
    GeometryKind.BOX: QT_TRANSLATE_NOOP("ClassPanel", "box"),
    GeometryKind.POLYGON: QT_TRANSLATE_NOOP("ClassPanel", "polygon"),
    GeometryKind.TAG: QT_TRANSLATE_NOOP("ClassPanel", "tag"),
}


def kind_name(kind: GeometryKind) -> str:
    """A class kind as the user's language says it ("box", "박스")."""
    known = _KIND_NAMES.get(kind)
    return QCoreApplication.translate("ClassPanel", known) if known else kind.value


def color_swatch(color: str, size: int = 14) -> QIcon:
    """A small rounded square of a class colour."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(QColor(color).darker(140), 1))
    painter.setBrush(QColor(color))
    painter.drawRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), 3, 3)
    painter.end()
    return QIcon(pixmap)


class LegendWidget(QWidget):
    """Solid outline = annotation, dashed outline with score = pre-label."""

    def sizeHint(self) -> QSize:
        """One line of legend."""
        return QSize(220, 22)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the two samples with their captions."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        color = self.palette().text().color()
        solid = QPen(QColor("#56B4E9"), 2)
        dashed = QPen(QColor("#56B4E9"), 1.6, Qt.PenStyle.CustomDashLine)
        dashed.setDashPattern([4.0, 3.0])
        x = 4
        for pen, caption in (
            (solid, self.tr("annotation")),
            (dashed, self.tr("pre-label (score)")),
        ):
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(x, 5, 18, 12))
            painter.setPen(color)
            painter.drawText(x + 24, 16, caption)
            x += 24 + painter.fontMetrics().horizontalAdvance(caption) + 16
        painter.end()


def plain_html(text: str) -> str:
    """User text for a Qt label or tooltip that would read ``<b>`` as markup: shown literally."""
    return f"<p>{html.escape(text)}</p>"


def menu_text(text: str) -> str:
    """User text for a menu entry: ``&`` stays an ampersand instead of marking a shortcut."""
    return text.replace("&", "&&")


class ClassPanel(QWidget):
    """Classes with number keys and, for a QA lead, the class manager.

    ``classPicked(class_id)`` on a click of a drawn class. The manager's edits go
    through :meth:`Workspace.execute` (one undo step each); the ``ask_*`` methods
    open the dialogs the buttons use, the others take their input directly (tests,
    the Classes menu).
    """

    classPicked = Signal(int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        person = workspace.person
        self.can_edit = workspace.project.can(person.id, "edit_guideline")
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setIconSize(QSize(14, 14))
        self.list.itemClicked.connect(self._on_clicked)
        if self.can_edit:  # drag a class to another place: one undoable reorder
            self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
            self.list.model().rowsMoved.connect(lambda *_: QTimer.singleShot(0, self._reorder))
        hint = QLabel(self.tr("Keys 1-9 pick a class · it applies to the selected shape too"))
        hint.setObjectName("secondaryText")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.list, 1)
        self.buttons = self._build_buttons()
        if self.can_edit:
            layout.addLayout(self._button_row())
        layout.addWidget(LegendWidget())
        layout.addWidget(hint)
        self._fill()
        workspace.activeClassChanged.connect(self._show_active)
        workspace.changed.connect(self._on_change)

    def _build_buttons(self) -> dict[str, QPushButton]:
        buttons: dict[str, QPushButton] = {}
        for name, text, tip, slot in (
            ("add", self.tr("Add…"), self.tr("Add a class"), self.ask_add),
            ("rename", self.tr("Rename…"), self.tr("Rename the selected class"), self.ask_rename),
            (
                "colour",
                self.tr("Colour…"),
                self.tr("Recolour the selected class"),
                self.ask_recolour,
            ),
            ("up", "▲", self.tr("Move the selected class up"), lambda: self._move_selected(-1)),
            ("down", "▼", self.tr("Move the selected class down"), lambda: self._move_selected(1)),
            (
                "merge",
                self.tr("Merge…"),
                self.tr("Merge the selected class into another"),
                self.ask_merge,
            ),
        ):
            button = QPushButton(text)
            button.setObjectName(f"class_{name}")
            button.setToolTip(tip)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _checked=False, run=slot: run())
            buttons[name] = button
        return buttons

    def _button_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(3)
        for button in self.buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        return row

    # What is shown

    def _fill(self) -> None:
        selected = self.selected_class_id()
        self.list.clear()
        number = 0
        for label_class in self.workspace.classes():
            drawn = label_class.kind != GeometryKind.TAG
            number += drawn
            key = f"{number}" if drawn and number <= 9 else " "
            suffix = "" if drawn else "   " + self.tr("(image tag)")
            item = QListWidgetItem(
                color_swatch(label_class.color), f"{key}   {label_class.name}{suffix}"
            )
            item.setData(Qt.ItemDataRole.UserRole, label_class.id)
            item.setToolTip(plain_html(f"{label_class.name} ({kind_name(label_class.kind)})"))
            self.list.addItem(item)
        rows = max(1, self.list.count())
        self.list.setMaximumHeight(rows * 24 + 8)
        if selected is not None:
            self.select_class(selected)
        elif self.workspace.active_class_id is not None:
            self._show_active(self.workspace.active_class_id)

    def class_names(self) -> list[str]:
        """The names the list shows, in order (as stored: literally)."""
        return [c.name for c in self.workspace.classes()]

    def selected_class_id(self) -> int | None:
        """The class selected in the list, if any."""
        item = self.list.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return value if isinstance(value, int) else None

    def select_class(self, class_id: int) -> None:
        """Select a class in the list (what the manager's buttons act on)."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == class_id:
                self.list.setCurrentItem(item)
                return

    def _show_active(self, class_id: int) -> None:
        self.select_class(class_id)

    def _on_clicked(self, item: QListWidgetItem) -> None:
        class_id = item.data(Qt.ItemDataRole.UserRole)
        label_class = self.workspace.label_class(class_id) if isinstance(class_id, int) else None
        if label_class is not None and label_class.kind != GeometryKind.TAG:
            self.classPicked.emit(class_id)

    def _on_change(self, change: Change) -> None:
        if change.entity == Entity.CLASS:
            drawn = self.workspace.drawable_classes()
            active = self.workspace.active_class_id
            if drawn and all(c.id != active for c in drawn):  # merged away: the next shape
                self.workspace.set_active_class(drawn[0].id)  # needs a class that exists
            self._fill()

    # Edits (each one undo step)

    def _execute(self, command: Command) -> bool:
        return self.workspace.execute(command) is not None

    def add_class(self, name: str, kind: GeometryKind, color: str | None = None) -> bool:
        """Add a class at the end; False if refused (the reason is shown)."""
        return self._execute(AddClass(name, kind, color, self.workspace.person.id))

    def rename_class(self, class_id: int, name: str) -> bool:
        """Rename a class; False if refused."""
        return self._execute(RenameClass(class_id, name, self.workspace.person.id))

    def recolour_class(self, class_id: int, color: str) -> bool:
        """Give a class another colour (#RRGGBB); False if refused."""
        return self._execute(RecolourClass(class_id, color, self.workspace.person.id))

    def move_class(self, class_id: int, steps: int) -> bool:
        """Move a class up (negative) or down the list; False if it cannot move."""
        order = moved_order([c.id for c in self.workspace.classes()], class_id, steps)
        if order is None:
            return False
        return self._execute(ReorderClasses(order, self.workspace.person.id))

    def merge_class(self, source_id: int, target_id: int) -> bool:
        """Merge one class into another of the same kind; False if refused."""
        source = self.workspace.label_class(source_id)
        target = self.workspace.label_class(target_id)
        text = (
            self.tr("Merge {source} into {target}").format(source=source.name, target=target.name)
            if source and target
            else self.tr("Merge classes")
        )
        # One UPDATE of the moved rows (about 2 s per 50,000 shapes on a loaded 2-core
        # machine, benchmarks/class_edits.py): a rare setup edit, shown as busy.
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return self._execute(MergeClasses(source_id, target_id, self.workspace.person.id, text))
        finally:
            QApplication.restoreOverrideCursor()

    def _reorder(self) -> None:
        """After a drag in the list: the order it shows becomes the classes' order."""
        shown = [
            self.list.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.list.count())
        ]
        order = tuple(i for i in shown if isinstance(i, int))
        if list(order) == [c.id for c in self.workspace.classes()]:
            return
        if not self._execute(ReorderClasses(order, self.workspace.person.id)):
            self._fill()  # refused: show the order as it is

    def _move_selected(self, steps: int) -> None:
        class_id = self.selected_class_id()
        if class_id is not None:
            self.move_class(class_id, steps)

    # Dialogs

    def _selected(self) -> LabelClass | None:
        class_id = self.selected_class_id()
        found = self.workspace.label_class(class_id) if class_id is not None else None
        if found is None:
            self.workspace.errorRaised.emit(self.tr("Select a class in the Classes list first"))
        return found

    def ask_add(self) -> None:
        """Ask for a name and a kind, then add the class."""
        name, ok = QInputDialog.getText(
            self, self.tr("Add class"), self.tr("Name of the new class:")
        )
        if not ok or not name.strip():
            return
        kinds = (GeometryKind.BOX, GeometryKind.POLYGON, GeometryKind.TAG)
        names = [kind_name(k) for k in kinds]
        chosen, ok = QInputDialog.getItem(
            self, self.tr("Add class"), self.tr("Drawn as:"), names, 0, False
        )
        if ok and chosen in names:
            self.add_class(name, kinds[names.index(chosen)])

    def ask_rename(self) -> None:
        """Ask for the selected class's new name."""
        label_class = self._selected()
        if label_class is None:
            return
        name, ok = QInputDialog.getText(
            self,
            self.tr("Rename class"),
            "<p>"
            + self.tr("New name for {name}:").format(name=html.escape(label_class.name))
            + "</p>",
            text=label_class.name,
        )
        if ok and name.strip() and name.strip() != label_class.name:
            self.rename_class(label_class.id, name)

    def ask_recolour(self) -> None:
        """Pick the selected class's colour with the colour dialog."""
        label_class = self._selected()
        if label_class is None:
            return
        color = QColorDialog.getColor(QColor(label_class.color), self, self.tr("Class colour"))
        if color.isValid():
            self.recolour_class(label_class.id, color.name())

    def ask_merge(self) -> None:
        """Ask which class of the same kind the selected one merges into."""
        source = self._selected()
        if source is None:
            return
        targets = [c for c in self.workspace.classes() if c.kind == source.kind and c != source]
        if not targets:
            self.workspace.errorRaised.emit(
                self.tr("No other {kind} class to merge {name!r} into").format(
                    kind=kind_name(source.kind), name=source.name
                )
            )
            return
        name, ok = QInputDialog.getItem(
            self,
            self.tr("Merge classes"),
            "<p>"
            + self.tr("Move every shape and pre-label of {name} to:").format(
                name=html.escape(source.name)
            )
            + "</p>",
            [c.name for c in targets],
            0,
            False,
        )
        target = next((c for c in targets if c.name == name), None)
        if ok and target is not None:
            self.merge_class(source.id, target.id)


class ClassesMenu(QObject):
    """The Classes menu: one entry per drawn class, by its real name, kept current.

    The first nine reuse the number-key actions (``class.1`` ... ``class.9``, whose
    keys the user may have changed); further classes get entries of their own.
    Choosing one calls ``pick(number)``, as the key does. A QA lead also finds the
    manager's add, rename and merge there.
    """

    def __init__(
        self,
        menu: QMenu,
        workspace: Workspace,
        key_actions: Sequence[QAction],
        pick: Callable[[int], None],
        panel: ClassPanel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or menu)
        self.menu = menu
        self.workspace = workspace
        self.key_actions = list(key_actions)
        self.pick = pick
        self._extra: list[QAction] = []
        self._after_keys = menu.addSeparator()
        if panel.can_edit:
            for text, slot in (
                (self.tr("Add class…"), panel.ask_add),
                (self.tr("Rename selected class…"), panel.ask_rename),
                (self.tr("Merge selected class into…"), panel.ask_merge),
            ):
                action = menu.addAction(text)
                action.triggered.connect(lambda _checked=False, run=slot: run())
        self.refresh()
        workspace.changed.connect(self._on_change)

    def entries(self) -> list[str]:
        """The class entries' texts as shown (``&&`` read back as ``&``), in order."""
        actions = [a for a in self.key_actions if a.isVisible()] + self._extra
        return [a.text().replace("&&", "&") for a in actions]

    def refresh(self) -> None:
        """Retitle the entries with the classes as they are now."""
        classes = self.workspace.drawable_classes()
        for action in self._extra:
            self.menu.removeAction(action)
            action.deleteLater()
        self._extra = []
        for number, action in enumerate(self.key_actions, start=1):
            label_class = classes[number - 1] if number <= len(classes) else None
            action.setVisible(label_class is not None)
            if label_class is not None:
                self._show(action, label_class)
        for number, label_class in enumerate(classes[len(self.key_actions) :], start=10):
            action = QAction(self.menu)
            self._show(action, label_class)
            action.triggered.connect(lambda _checked=False, n=number: self.pick(n))
            self.menu.insertAction(self._after_keys, action)
            self._extra.append(action)

    @staticmethod
    def _show(action: QAction, label_class: LabelClass) -> None:
        action.setText(menu_text(label_class.name))
        action.setIcon(color_swatch(label_class.color))
        action.setIconVisibleInMenu(True)
        action.setToolTip(plain_html(f"{label_class.name} ({kind_name(label_class.kind)})"))

    def _on_change(self, change: Change) -> None:
        if change.entity == Entity.CLASS:
            self.refresh()
