"""Every command of the workspace declared as data: name, text, default keys, handler.

:data:`ACTIONS` is the single list; :class:`ActionRegistry` turns it into
``QAction`` objects bound to a target's methods, applies the user's own keys
from ``QSettings`` (``shortcuts/<name>``), and :class:`ShortcutsDialog` lists
and edits them (the ``?`` help).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labeler.app.i18n import QT_TRANSLATE_NOOP

SETTINGS_PREFIX = "shortcuts/"


class MenuId(StrEnum):
    """The window's menus, in menu-bar order; the value is the title shown."""

    FILE = QT_TRANSLATE_NOOP("MenuId", "File")
    EDIT = QT_TRANSLATE_NOOP("MenuId", "Edit")
    TOOLS = QT_TRANSLATE_NOOP("MenuId", "Tools")
    PRELABELS = QT_TRANSLATE_NOOP("MenuId", "Pre-labels")
    IMAGE = QT_TRANSLATE_NOOP("MenuId", "Image")
    NAVIGATE = QT_TRANSLATE_NOOP("MenuId", "Navigate")
    VIEW = QT_TRANSLATE_NOOP("MenuId", "View")
    CLASSES = QT_TRANSLATE_NOOP("MenuId", "Classes")
    QA = QT_TRANSLATE_NOOP("MenuId", "QA")
    GUIDELINE = QT_TRANSLATE_NOOP("MenuId", "Guideline")
    HELP = QT_TRANSLATE_NOOP("MenuId", "Help")


@dataclass(frozen=True)
class ActionSpec:
    """One command: stable ``name`` (settings key), menu ``text``, default keys, handler method.

    ``menu`` is where the action lives (the shortcuts dialog lists it under the same
    name); ``handler`` names a method of the target; ``arg`` (if not None) is passed.
    """

    name: str
    text: str
    shortcuts: tuple[str, ...]
    menu: MenuId
    handler: str
    arg: int | None = None
    tip: str = ""

    def shown_text(self) -> str:
        """The text in the user's language (``{number}`` filled from ``arg``)."""
        text = QCoreApplication.translate("actions", self.text)
        return text.format(number=self.arg) if "{number}" in text else text

    def shown_tip(self) -> str:
        """The tip in the user's language."""
        return QCoreApplication.translate("actions", self.tip) if self.tip else ""


def menu_title(menu: MenuId) -> str:
    """A menu's title in the user's language."""
    return QCoreApplication.translate("MenuId", menu.value)


def _class_actions() -> tuple[ActionSpec, ...]:
    return tuple(
        ActionSpec(
            f"class.{n}",
            QT_TRANSLATE_NOOP("actions", "Class {number}"),
            (str(n),),
            MenuId.CLASSES,
            "pick_class_number",
            n,
        )
        for n in range(1, 10)
    )


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "tool.box",
        QT_TRANSLATE_NOOP("actions", "Draw boxes"),
        ("W",),
        MenuId.TOOLS,
        "tool_box",
        tip=QT_TRANSLATE_NOOP("actions", "drag from corner to corner"),
    ),
    ActionSpec(
        "tool.polygon",
        QT_TRANSLATE_NOOP("actions", "Draw polygons"),
        ("P",),
        MenuId.TOOLS,
        "tool_polygon",
        tip=QT_TRANSLATE_NOOP(
            "actions", "click vertices; click the first one, double-click or Enter to close"
        ),
    ),
    ActionSpec(
        "tool.select",
        QT_TRANSLATE_NOOP("actions", "Select and edit"),
        ("V",),
        MenuId.TOOLS,
        "tool_select",
        tip=QT_TRANSLATE_NOOP(
            "actions",
            "drag shapes, corners and vertices; Shift+click deletes a vertex, "
            "double-click an edge inserts one; Esc also returns here",
        ),
    ),
    ActionSpec(
        "tool.ai_polygon",
        QT_TRANSLATE_NOOP("actions", "AI polygon (click to segment)"),
        ("S",),
        MenuId.TOOLS,
        "tool_ai_polygon",
        tip=QT_TRANSLATE_NOOP(
            "actions",
            "click: a positive point; Shift+click or right click: a negative point; drag: a box; "
            "Enter accepts, Esc cancels",
        ),
    ),
    ActionSpec(
        "models.choose",
        QT_TRANSLATE_NOOP("actions", "Choose models…"),
        (),
        MenuId.TOOLS,
        "choose_models",
        tip=QT_TRANSLATE_NOOP(
            "actions",
            "the detection model with its class map, and the segmentation model (per project)",
        ),
    ),
    ActionSpec(
        "image.next",
        QT_TRANSLATE_NOOP("actions", "Next image"),
        ("D", "Right"),
        MenuId.NAVIGATE,
        "next_image",
    ),
    ActionSpec(
        "image.previous",
        QT_TRANSLATE_NOOP("actions", "Previous image"),
        ("A", "Left"),
        MenuId.NAVIGATE,
        "previous_image",
    ),
    ActionSpec(
        "image.done",
        QT_TRANSLATE_NOOP("actions", "Mark image done / not done"),
        ("Space",),
        MenuId.IMAGE,
        "toggle_done",
    ),
    ActionSpec(
        "image.review",
        QT_TRANSLATE_NOOP("actions", "Mark image for review"),
        ("Ctrl+Shift+R",),
        MenuId.IMAGE,
        "mark_review",
    ),
    ActionSpec(
        "question.ask",
        QT_TRANSLATE_NOOP("actions", "Ask a question about this image…"),
        ("Q",),
        MenuId.IMAGE,
        "ask_question",
        tip=QT_TRANSLATE_NOOP(
            "actions", "about the selected shape, or the image; the answer shows on the image"
        ),
    ),
    ActionSpec("edit.undo", QT_TRANSLATE_NOOP("actions", "Undo"), ("Ctrl+Z",), MenuId.EDIT, "undo"),
    ActionSpec(
        "edit.redo",
        QT_TRANSLATE_NOOP("actions", "Redo"),
        ("Ctrl+Shift+Z", "Ctrl+Y"),
        MenuId.EDIT,
        "redo",
    ),
    ActionSpec(
        "edit.delete",
        QT_TRANSLATE_NOOP("actions", "Delete shape / reject pre-label"),
        ("Delete", "Backspace"),
        MenuId.EDIT,
        "delete",
    ),
    ActionSpec(
        "edit.copy",
        QT_TRANSLATE_NOOP("actions", "Copy shape (all if none selected)"),
        ("Ctrl+C",),
        MenuId.EDIT,
        "copy",
    ),
    ActionSpec(
        "edit.paste",
        QT_TRANSLATE_NOOP("actions", "Paste shapes"),
        ("Ctrl+V",),
        MenuId.EDIT,
        "paste",
    ),
    ActionSpec(
        "prelabel.accept",
        QT_TRANSLATE_NOOP("actions", "Accept pre-label (then select the next)"),
        ("Return", "Enter"),
        MenuId.PRELABELS,
        "accept_prelabel",
    ),
    ActionSpec(
        "prelabel.accept_all",
        QT_TRANSLATE_NOOP("actions", "Accept all shown pre-labels"),
        ("Shift+Return", "Shift+Enter"),
        MenuId.PRELABELS,
        "accept_all_prelabels",
    ),
    ActionSpec(
        "prelabel.reject",
        QT_TRANSLATE_NOOP("actions", "Reject pre-label"),
        ("R",),
        MenuId.PRELABELS,
        "reject_prelabel",
    ),
    ActionSpec(
        "prelabel.toggle",
        QT_TRANSLATE_NOOP("actions", "Show / hide pre-labels"),
        ("H",),
        MenuId.PRELABELS,
        "toggle_prelabels",
    ),
    ActionSpec(
        "prelabel.run",
        QT_TRANSLATE_NOOP("actions", "Pre-label this image"),
        ("Ctrl+R",),
        MenuId.PRELABELS,
        "prelabel_image",
    ),
    ActionSpec(
        "image.next_disagreement",
        QT_TRANSLATE_NOOP("actions", "Next disagreement"),
        ("N",),
        MenuId.NAVIGATE,
        "next_disagreement",
    ),
    ActionSpec(
        "image.previous_disagreement",
        QT_TRANSLATE_NOOP("actions", "Previous disagreement"),
        ("Shift+N",),
        MenuId.NAVIGATE,
        "previous_disagreement",
    ),
    ActionSpec(
        "view.disagreements",
        QT_TRANSLATE_NOOP("actions", "Show / hide disagreements"),
        ("O",),
        MenuId.VIEW,
        "toggle_disagreements",
    ),
    ActionSpec(
        "view.fit", QT_TRANSLATE_NOOP("actions", "Fit image"), ("F",), MenuId.VIEW, "zoom_fit"
    ),
    ActionSpec(
        "view.actual",
        QT_TRANSLATE_NOOP("actions", "Actual size (1:1)"),
        ("Ctrl+1",),
        MenuId.VIEW,
        "zoom_actual",
    ),
    ActionSpec(
        "view.zoom_in", QT_TRANSLATE_NOOP("actions", "Zoom in"), ("+", "="), MenuId.VIEW, "zoom_in"
    ),
    ActionSpec(
        "view.zoom_out", QT_TRANSLATE_NOOP("actions", "Zoom out"), ("-",), MenuId.VIEW, "zoom_out"
    ),
    *_class_actions(),
    ActionSpec(
        "file.open",
        QT_TRANSLATE_NOOP("actions", "Open…"),
        ("Ctrl+O",),
        MenuId.FILE,
        "open_project",
        tip=QT_TRANSLATE_NOOP("actions", "a project (.labeler) or a vendor work package (.lbpkg)"),
    ),
    ActionSpec(
        "file.import",
        QT_TRANSLATE_NOOP("actions", "Import images…"),
        ("Ctrl+I",),
        MenuId.FILE,
        "import_images",
    ),
    ActionSpec(
        "file.prelabel_all",
        QT_TRANSLATE_NOOP("actions", "Pre-label all new images…"),
        ("Ctrl+Shift+P",),
        MenuId.FILE,
        "prelabel_all",
    ),
    ActionSpec(
        "file.export",
        QT_TRANSLATE_NOOP("actions", "Export dataset…"),
        ("Ctrl+E",),
        MenuId.FILE,
        "export_dataset",
    ),
    ActionSpec("file.quit", QT_TRANSLATE_NOOP("actions", "Quit"), ("Ctrl+Q",), MenuId.FILE, "quit"),
    ActionSpec(
        "help.shortcuts",
        QT_TRANSLATE_NOOP("actions", "Keyboard shortcuts"),
        ("?", "F1"),
        MenuId.HELP,
        "show_shortcuts",
    ),
)


def spec(name: str) -> ActionSpec:
    """The spec of an action by name."""
    for action_spec in ACTIONS:
        if action_spec.name == name:
            return action_spec
    raise KeyError(name)


class ActionRegistry(QObject):
    """QActions for :data:`ACTIONS`, bound to ``target``'s handler methods."""

    def __init__(self, target: QWidget, settings: QSettings | None = None) -> None:
        super().__init__(target)
        self.settings = settings or QSettings()
        self.actions: dict[str, QAction] = {}
        for action_spec in ACTIONS:
            self.actions[action_spec.name] = self._make(target, action_spec)

    def _make(self, target: QWidget, action_spec: ActionSpec) -> QAction:
        handler = getattr(target, action_spec.handler)  # fails fast on a typo
        action = QAction(action_spec.shown_text(), target)
        action.setObjectName(action_spec.name)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setShortcuts(self.shortcuts(action_spec.name))
        if action_spec.tip:
            action.setStatusTip(action_spec.shown_tip())
        if action_spec.arg is None:
            action.triggered.connect(lambda _checked=False: handler())
        else:
            arg = action_spec.arg
            action.triggered.connect(lambda _checked=False: handler(arg))
        target.addAction(action)
        return action

    def __getitem__(self, name: str) -> QAction:
        return self.actions[name]

    def shortcuts(self, name: str) -> list[QKeySequence]:
        """The keys of an action: the user's own if set, else the defaults."""
        saved = self.settings.value(SETTINGS_PREFIX + name)
        if isinstance(saved, str):
            return [QKeySequence(s) for s in saved.split(";") if s]
        return [QKeySequence(s) for s in spec(name).shortcuts]

    def set_shortcuts(self, name: str, sequences: list[QKeySequence]) -> None:
        """Give an action new keys (saved for next time)."""
        text = ";".join(s.toString() for s in sequences if not s.isEmpty())
        self.settings.setValue(SETTINGS_PREFIX + name, text)
        self.actions[name].setShortcuts(self.shortcuts(name))

    def reset(self) -> None:
        """Back to the default keys for every action."""
        for name in self.actions:
            self.settings.remove(SETTINGS_PREFIX + name)
            self.actions[name].setShortcuts(self.shortcuts(name))

    def conflicts(self) -> dict[str, list[str]]:
        """Key sequences bound to more than one action."""
        owners: dict[str, list[str]] = {}
        for name, action in self.actions.items():
            for sequence in action.shortcuts():
                owners.setdefault(sequence.toString(), []).append(name)
        return {key: names for key, names in owners.items() if len(names) > 1}


class ShortcutsDialog(QDialog):
    """Lists every action with its keys; click a key cell and press new keys to change it."""

    def __init__(self, registry: ActionRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.registry = registry
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.resize(620, 640)
        self.table = QTableWidget(len(ACTIONS), 3)
        self.table.setHorizontalHeaderLabels([self.tr("Group"), self.tr("Action"), self.tr("Keys")])
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(2, 190)
        self.conflict_label = QLabel()
        self.conflict_label.setObjectName("saveError")
        self._fill()
        reset = QPushButton(self.tr("Restore defaults"))
        reset.clicked.connect(self._reset)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(reset, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Every action has keys; click a key field and press the new keys."))
        intro.setObjectName("secondaryText")
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.conflict_label)
        layout.addWidget(buttons)

    def _fill(self) -> None:
        for row, action_spec in enumerate(ACTIONS):
            self.table.setItem(row, 0, QTableWidgetItem(menu_title(action_spec.menu)))
            tip = action_spec.shown_tip()
            text = action_spec.shown_text() + (f" — {tip}" if tip else "")
            self.table.setItem(row, 1, QTableWidgetItem(text))
            keys = self.registry.shortcuts(action_spec.name)
            editor = QKeySequenceEdit(keys[0] if keys else QKeySequence())
            editor.setToolTip(
                ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
            )
            editor.editingFinished.connect(
                lambda name=action_spec.name, e=editor: self._changed(name, e)
            )
            self.table.setCellWidget(row, 2, editor)
        self._show_conflicts()

    def _changed(self, name: str, editor: QKeySequenceEdit) -> None:
        rest = self.registry.shortcuts(name)[1:]
        self.registry.set_shortcuts(name, [editor.keySequence(), *rest])
        self._show_conflicts()

    def _reset(self) -> None:
        self.registry.reset()
        self._fill()

    def _show_conflicts(self) -> None:
        conflicts = self.registry.conflicts()
        if conflicts:
            lines = [
                f"{key}: {', '.join(spec(name).shown_text() for name in names)}"
                for key, names in sorted(conflicts.items())
            ]
            self.conflict_label.setText(
                self.tr("Keys used twice — {keys}").format(keys="; ".join(lines))
            )
        else:
            self.conflict_label.setText("")

    def keys_text(self, name: str) -> str:
        """The keys of an action as shown in the table."""
        return ", ".join(k.toString() for k in self.registry.shortcuts(name))
