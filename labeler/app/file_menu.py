"""The workspace window's File menu: open, recent, import, pre-label all, export, quit.

:class:`FileMenu` is a part of :class:`~labeler.app.main_window.MainWindow` (the window
inherits it; the action registry binds these handlers by name on the window). It uses the
window's workspace, job runner, status bar, menus and settings, and starts every slow job
on a worker with progress, ETA and Cancel. Its strings are in the ``MainWindow``
translation context (the window is the QObject that shows them).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox

from labeler.app import jobs
from labeler.app.actions import MenuId
from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.app.start_screen import open_filter, recent_projects
from labeler.app.workers import Job, run_with_dialog
from labeler.core.domain import ImageStatus, ImportReport

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings, Signal
    from PySide6.QtWidgets import QMainWindow

    from labeler.app.actions import ActionRegistry
    from labeler.app.status_bar import WorkspaceStatusBar
    from labeler.app.workers import JobRunner
    from labeler.app.workspace import Workspace

    class _Base(QMainWindow):
        """What the File menu uses of the window (:class:`MainWindow` provides each)."""

        openRequested = Signal(object)
        workspace: Workspace
        status: WorkspaceStatusBar
        jobs: JobRunner
        action_registry: ActionRegistry
        menus: dict[MenuId, QMenu]
        settings: QSettings

        def poll_external_changes(self) -> int: ...

        def current_image_id(self) -> int | None: ...

        def go_to_image(self, index: int) -> bool: ...

else:
    _Base = object


class FileMenu(_Base):
    """The File menu's commands (mixed into the main window)."""

    def import_images(self) -> None:
        """Ask for a folder and import its images (see :meth:`import_folder`)."""
        folder = QFileDialog.getExistingDirectory(
            self, QCoreApplication.translate("MainWindow", "Import images from folder")
        )
        if folder:
            self.import_folder(Path(folder))

    def import_folder(self, folder: Path) -> Job:
        """Import a folder of images in the background, with progress, ETA and Cancel."""
        path = self.workspace.project.path
        return run_with_dialog(
            self.jobs,
            lambda progress: jobs.import_paths(path, [folder], progress),
            QCoreApplication.translate("MainWindow", "Importing images"),
            self,
            on_success=self._on_imported,
            on_failure=lambda message: self.notify(
                QCoreApplication.translate("MainWindow", "Import failed"), message, error=True
            ),
        )

    def _on_imported(self, report: ImportReport) -> None:
        self.poll_external_changes()  # the job committed through its own connection
        if self.current_image_id() is None:
            self.go_to_image(0)
        summary = QCoreApplication.translate(
            "MainWindow", "Imported {added} images, {skipped} skipped"
        ).format(added=report.added, skipped=len(report.skipped))
        for action, text in (
            ("dropped", QT_TRANSLATE_NOOP("MainWindow", ", {count} shapes dropped")),
            ("altered", QT_TRANSLATE_NOOP("MainWindow", ", {count} shapes altered")),
        ):
            if report.shapes(action):
                shapes = QCoreApplication.translate("MainWindow", text)
                summary += shapes.format(count=report.shapes(action))
        if report.cancelled:
            summary += QCoreApplication.translate(
                "MainWindow", " (cancelled; finished batches kept)"
            )
        self.status.showMessage(summary, 10_000)
        if report.skipped or report.shape_issues:
            lines = "\n".join(report.problem_lines(12))
            self.notify(
                QCoreApplication.translate("MainWindow", "Not everything was imported as it is"),
                f"{summary}.\n\n{lines}",
            )

    def open_project(self) -> None:
        """Ask for a project or a vendor package and open it in place of this one."""
        path, _ = QFileDialog.getOpenFileName(
            self,
            QCoreApplication.translate("MainWindow", "Open project or package"),
            "",
            open_filter(),
        )
        if path:
            self.openRequested.emit(Path(path))

    def quit(self) -> None:
        """Close the window (every edit is already saved) and so end the app."""
        self.close()

    def _build_file_menu(self) -> None:
        """File ▸ Recent (filled when opened) after Open…; Quit last, after a separator."""
        menu = self.menus[MenuId.FILE]
        self.recent_menu = QMenu(QCoreApplication.translate("MainWindow", "Recent"), menu)
        self.recent_menu.setObjectName("menu_recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        actions = menu.actions()
        following = actions[actions.index(self.action_registry["file.open"]) + 1]
        menu.insertMenu(following, self.recent_menu)
        menu.insertSeparator(following)
        menu.insertSeparator(self.action_registry["file.quit"])
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        current = self.workspace.project.path.resolve()
        for path in recent_projects(self.settings):
            action = self.recent_menu.addAction(f"{path.name}   —   {path.parent}")
            action.setData(str(path))
            action.setEnabled(path.resolve() != current)
            action.triggered.connect(lambda _checked=False, p=path: self.openRequested.emit(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction(
                QCoreApplication.translate("MainWindow", "No recent projects")
            ).setEnabled(False)

    def notify(self, title: str, text: str, error: bool = False) -> None:
        """A message that does not block the workspace (closed with OK)."""
        icon = QMessageBox.Icon.Warning if error else QMessageBox.Icon.Information
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # file names like <b>x stay literal
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def prelabel_all(self) -> None:
        """Pre-label every new image with the project's model, with progress, ETA and Cancel."""
        images = self.workspace.project.images(ImageStatus.NEW)
        if not images:
            self.status.showMessage(
                QCoreApplication.translate("MainWindow", "No new images to pre-label"), 4000
            )
            return
        path, ids = self.workspace.project.path, [i.id for i in images]
        run_with_dialog(
            self.jobs,
            lambda progress: jobs.prelabel_many(path, ids, progress),
            QCoreApplication.translate("MainWindow", "Pre-labeling {count} images").format(
                count=len(ids)
            )
            if len(ids) != 1  # two messages: lupdate drops a translate() given a count
            else QCoreApplication.translate("MainWindow", "Pre-labeling 1 image"),
            self,
            on_success=lambda _summary: self._after_batch_prelabel(ids),
            on_failure=lambda message: self.notify(
                QCoreApplication.translate("MainWindow", "Pre-labeling failed"), message, error=True
            ),
        )

    def export_dataset(self) -> None:
        """Ask for a format and a folder, then export (see :meth:`export_to`)."""
        from labeler.core.export import FORMATS

        fmt, ok = QInputDialog.getItem(
            self,
            QCoreApplication.translate("MainWindow", "Export dataset"),
            QCoreApplication.translate("MainWindow", "Format:"),
            list(FORMATS),
            0,
            False,
        )
        if not ok:
            return
        folder = QFileDialog.getExistingDirectory(
            self, QCoreApplication.translate("MainWindow", "Export into a folder")
        )
        if folder:
            self.export_to(Path(folder) / f"export-{fmt}", fmt)

    def export_to(self, out: Path, fmt: str) -> Job:
        """Export the project as a dataset in the background, with progress, ETA and Cancel."""
        path = self.workspace.project.path
        return run_with_dialog(
            self.jobs,
            lambda progress: jobs.export_project(path, out, fmt, progress),
            QCoreApplication.translate("MainWindow", "Exporting {format}").format(
                format=fmt.upper()
            ),
            self,
            on_success=lambda _result: self.status.showMessage(
                QCoreApplication.translate("MainWindow", "Dataset written to {folder}").format(
                    folder=out
                ),
                10_000,
            ),
            on_failure=lambda message: self.notify(
                QCoreApplication.translate("MainWindow", "Export failed"), message, error=True
            ),
        )

    def _after_batch_prelabel(self, ids: list[int]) -> None:
        self.poll_external_changes()  # the job committed through its own connection
