"""The start screen: open a recent or existing project or vendor package, or create a project.

A vendor work package (``.lbpkg``) is chosen like a project; the launcher extracts
it and Recent keeps the package's own path, never its working copy.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from labeler.core.domain import GeometryKind
from labeler.core.errors import LabelerError
from labeler.core.packages import PACKAGE_SUFFIX
from labeler.core.store import PROJECT_SUFFIX, Project

RECENT_KEY = "recent_projects"
MAX_RECENT = 10
OPEN_FILTER = (
    f"Projects and work packages (*{PROJECT_SUFFIX} *{PACKAGE_SUFFIX});;"
    f"labeler projects (*{PROJECT_SUFFIX});;Vendor work packages (*{PACKAGE_SUFFIX});;"
    "All files (*)"
)


def open_filter() -> str:
    """The file dialog filter for projects and packages, in the user's language."""
    return QCoreApplication.translate(
        "start_screen",
        "Projects and work packages ({projects} {packages});;labeler projects ({projects});;"
        "Vendor work packages ({packages});;All files (*)",
    ).format(projects=f"*{PROJECT_SUFFIX}", packages=f"*{PACKAGE_SUFFIX}")


def recent_projects(settings: QSettings | None = None) -> list[Path]:
    """Recently opened projects that still exist, newest first."""
    value = (settings or QSettings()).value(RECENT_KEY, [])
    paths = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    return [Path(p) for p in paths if isinstance(p, str) and Path(p).is_file()]


def add_recent_project(path: Path, settings: QSettings | None = None) -> None:
    """Put ``path`` first in the recent list (for a package: the ``.lbpkg``, not its copy)."""
    settings = settings or QSettings()
    resolved = str(path.resolve())
    paths = [str(p) for p in recent_projects(settings) if str(p) != resolved]
    settings.setValue(RECENT_KEY, [resolved, *paths][:MAX_RECENT])


class StartScreen(QDialog):
    """Choose a project; :attr:`project_path` holds the choice after ``exec()``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project_path: Path | None = None
        self.setWindowTitle("labeler")
        self.setMinimumSize(520, 380)
        title = QLabel(
            "<h2>labeler</h2>" + self.tr("Label and review images, with pre-labels and guidelines.")
        )
        self.recent = QListWidget()
        for path in recent_projects():
            item = QListWidgetItem(f"{path.name}   —   {path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.recent.addItem(item)
        self.recent.itemActivated.connect(self._open_item)
        self.recent.itemDoubleClicked.connect(self._open_item)
        open_button = QPushButton(self.tr("Open project or package…"))
        open_button.clicked.connect(self._open_file)
        new_button = QPushButton(self.tr("New project…"))
        new_button.clicked.connect(self._new_project)
        buttons = QHBoxLayout()
        buttons.addWidget(open_button)
        buttons.addWidget(new_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(QLabel(self.tr("Recent projects")))
        layout.addWidget(self.recent, 1)
        layout.addLayout(buttons)

    def _open_item(self, item: QListWidgetItem) -> None:
        self._choose(Path(item.data(Qt.ItemDataRole.UserRole)))

    def _open_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open project or package"), "", open_filter()
        )
        if path:
            self._choose(Path(path))

    def _new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("New project"),
            f"project{PROJECT_SUFFIX}",
            self.tr("labeler projects ({pattern})").format(pattern=f"*{PROJECT_SUFFIX}"),
        )
        if not path:
            return
        classes, ok = QInputDialog.getText(
            self,
            self.tr("Classes"),
            self.tr("Box classes, separated by commas:"),
            text="scratch, crack, dent",
        )
        if not ok:
            return
        names = [c.strip() for c in classes.split(",") if c.strip()]
        target = Path(path)
        if target.suffix != PROJECT_SUFFIX:
            target = target.with_suffix(PROJECT_SUFFIX)
        try:
            Project.create(target, names, GeometryKind.BOX).close()
        except LabelerError as exc:
            QMessageBox.warning(self, self.tr("Cannot create the project"), str(exc))
            return
        self._choose(target)

    def _choose(self, path: Path) -> None:
        self.project_path = path
        self.accept()
