"""The labeling workspace window: composes the panels and routes actions; owns no label data.

Panels live in their own modules; this window only builds them, places them in
docks, connects their signals and implements the action handlers named in
:data:`labeler.app.actions.ACTIONS` (each a line or two delegating to a panel,
the canvas controller or the workspace).

Public surface for tests and scripts: :attr:`MainWindow.canvas_view`,
:attr:`MainWindow.image_browser`, :attr:`MainWindow.undo_stack`,
:attr:`MainWindow.workspace`, :attr:`MainWindow.controller`, the panels,
:meth:`MainWindow.current_image_id`, :meth:`MainWindow.current_index`,
:meth:`MainWindow.go_to_image`, :meth:`MainWindow.map_image_to_view`,
:meth:`MainWindow.is_image_displayed` and :meth:`MainWindow.trigger`.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QToolBar,
    QToolButton,
    QWidget,
)

from labeler.app.acknowledge import GuidelineUi
from labeler.app.actions import ActionRegistry, MenuId, ShortcutsDialog, spec
from labeler.app.ai_polygon import add_tool_button, create_ai_polygon
from labeler.app.canvas.controller import CanvasController
from labeler.app.canvas.overlays import DisagreementOverlayItem
from labeler.app.canvas.view import WHEEL_STEP, CanvasView
from labeler.app.class_panel import ClassesMenu, ClassPanel
from labeler.app.curation_panel import CurationPanel
from labeler.app.display_panel import DisplayPanel
from labeler.app.display_settings import DisplaySettings
from labeler.app.docks import DockHost
from labeler.app.file_menu import FileMenu
from labeler.app.guideline_panel import GuidelinePanel
from labeler.app.image_browser import ImageBrowser, status_label
from labeler.app.image_loader import ImageLoader
from labeler.app.inbox_panel import QuestionsUi
from labeler.app.language_menu import LanguageMenu
from labeler.app.prelabel_panel import PrelabelPanel
from labeler.app.qa_view import QaView
from labeler.app.review_panel import ReviewPanel
from labeler.app.shape_list import ShapeList
from labeler.app.status_bar import WorkspaceStatusBar
from labeler.app.tags_panel import TagsPanel
from labeler.app.thumbnails import ThumbnailCache, default_cache_dir
from labeler.app.triage_panel import TRIAGE_WIDTH, TriagePanel
from labeler.app.workers import JobRunner
from labeler.app.workspace import Workspace
from labeler.core.commands import SetImageStatus
from labeler.core.domain import ImageRecord, ImageStatus, Person
from labeler.core.errors import LabelerError
from labeler.core.events import Change, Entity
from labeler.core.external_changes import EXTERNAL
from labeler.core.store import Project
from labeler.core.tools import ShapeKey

_ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.KeyPress,
        QEvent.Type.Wheel,
    }
)


# Bump when panels are added or removed: a layout saved by an older version is then
# ignored (restoreState refuses it) instead of squeezing the new panels into it.
# How often the window looks for commits by other programs (SQLite data_version: cheap).
EXTERNAL_POLL_MS = 1000
LAYOUT_VERSION = 3


class MainWindow(FileMenu, QMainWindow):
    """The workspace an annotator lives in: browser, canvas, panels, status bar.

    ``imageDisplayed(image_id)`` fires when an image's pixels (or its error
    message) are on screen.
    """

    imageDisplayed = Signal(int)
    openRequested = Signal(object)  # a Path: File ▸ Open or Recent (the launcher opens it)

    def __init__(
        self,
        project: Project,
        person: Person,
        *,
        owns_project: bool = True,
        thumbnail_dir: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._owns_project = owns_project
        self._closed = False
        self.settings = QSettings()
        self.workspace = Workspace(project, person, self)
        self.loader = ImageLoader(self)
        self.thumbnails = ThumbnailCache(thumbnail_dir or default_cache_dir(), self)
        self.canvas_view = CanvasView()
        self.controller = CanvasController(self.workspace, self.canvas_view, self.loader, self)
        self.image_browser = ImageBrowser(self.workspace, self.thumbnails)
        self.class_panel = ClassPanel(self.workspace)
        self.prelabel_panel = PrelabelPanel(self.workspace, self.controller)
        self.tags_panel = TagsPanel(self.workspace)
        self.guideline_panel = GuidelinePanel(self.workspace)
        self.status = WorkspaceStatusBar()
        self.jobs = JobRunner(self)
        self.setStatusBar(self.status)
        self.setCentralWidget(self.canvas_view)
        self.action_registry = ActionRegistry(self)
        self._host = DockHost(self)
        self.menus = self._host.build_menus()
        self.docks = self._host.docks
        self._build_menus()
        self._build_file_menu()
        self._build_docks()
        self._build_toolbar()
        self._connect()
        self._build_panels()
        self._build_ai_polygon()
        self._build_view_docks()
        ws, navigate = self.workspace, self.image_browser.select_image
        self.questions_ui = QuestionsUi(ws, self.controller, self.canvas_view, self.status,
                                        self.add_dock, navigate, self)
        self._set_title()
        self.status.set_provider(self._provider_label())
        self._restore_layout()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._watch_other_programs()
        self._start()

    # Construction

    def _build_docks(self) -> None:
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
        )
        self.menus[MenuId.VIEW].addSeparator()
        for name, widget in (
            ("images", self.image_browser),
            ("classes", self.class_panel),
            ("pre-labels", self.prelabel_panel),
            ("image_tags", self.tags_panel),
            ("guideline", self.guideline_panel),
        ):
            self.add_dock(widget, name)
        docks = self.docks
        self.resizeDocks([docks["images"], docks["classes"]], [300, 320], Qt.Orientation.Horizontal)
        self.resizeDocks(
            [docks["classes"], docks["pre-labels"], docks["image_tags"], docks["guideline"]],
            [150, 190, 90, 330],
            Qt.Orientation.Vertical,
        )
        own = self.menus[MenuId.VIEW].addAction(self.tr("Only my annotations"))
        own.setCheckable(True)
        own.setChecked(self.workspace.only_own_annotations)
        own.toggled.connect(self.workspace.set_only_own_annotations)
        self.language_menu = LanguageMenu(self)
        self.menus[MenuId.VIEW].addMenu(self.language_menu)

    def add_dock(self, widget: QWidget, name: str) -> QDockWidget:
        """Place a panel as the dock ``name`` of :data:`~labeler.app.docks.DOCKS`."""
        return self._host.add_dock(widget, name)

    def _build_menus(self) -> None:
        """Every action goes into the menu its spec names (the shortcuts dialog agrees)."""
        for name, action in self.action_registry.actions.items():
            self.menus[spec(name).menu].addAction(action)

    def _build_panels(self) -> None:
        """The triage, QA, curation, guideline and review parts, each given what it uses."""
        overlay = DisagreementOverlayItem()
        self.canvas_view.scene().addItem(overlay)
        self.triage_panel = TriagePanel(self.workspace, self.controller, overlay)
        triage = self.triage_panel.dock = self.add_dock(self.triage_panel, "triage")
        self.docks["images"].raise_()
        triage.visibilityChanged.connect(lambda shown: self._widen(triage) if shown else None)
        self.qa_view = QaView(self.workspace, self.controller)
        qa = self.qa_view.dock = self.add_dock(self.qa_view, "qa_dashboard")
        qa.visibilityChanged.connect(lambda shown: self._give_height(qa) if shown else None)
        self.curation_panel = CurationPanel(self.workspace, self.controller)
        self.curation_panel.dock = self.add_dock(self.curation_panel, "curation")
        self.guideline_ui = GuidelineUi(
            self, self.workspace, self.status, self.menus[MenuId.GUIDELINE]
        )
        panel = self.review_panel = ReviewPanel(
            self.workspace, self.controller, self.image_browser.select_image
        )
        review = panel.dock = self.add_dock(panel, "review")
        if panel.can_review or panel.lists["returned"].rows():
            review.raise_()
        else:
            self.docks["guideline"].raise_()
        if panel.can_audit:
            guideline_menu = self.menus[MenuId.GUIDELINE]
            guideline_menu.addSeparator()
            add_case = guideline_menu.addAction(self.tr("Add image as guideline edge case…"))
            add_case.triggered.connect(lambda _checked=False: panel.ask_edge_case())
        if panel.can_review:
            self.controller.edit_filter = panel.hold_fix

    def _build_view_docks(self) -> None:
        """The Display and Shapes docks over one view-state object (never stored as labels)."""
        project_id = str(self.workspace.project.meta().get("project_id", ""))
        display = self.display = DisplaySettings(project_id, self.workspace.person, self.settings)
        self.controller.set_display(display)
        self.display_panel = DisplayPanel(self.workspace, display)
        self.add_dock(self.display_panel, "display")
        self.shape_list = ShapeList(self.controller, display)
        self.add_dock(self.shape_list, "shapes")
        triage = self.triage_panel
        triage.set_overlays_visible(display.overlays)  # off by default for annotators
        triage.overlay_check.toggled.connect(display.set_overlays)
        display.overlaysChanged.connect(triage.set_overlays_visible)
        triage.overlay.avoid_labels_of(self.canvas_view.shapes_item)
        self.docks["classes"].raise_()
        self.docks["pre-labels"].raise_()
        self.docks["image_tags"].raise_()

    def _give_height(self, dock: QDockWidget) -> None:
        """The QA dashboard docks under the canvas with two fifths of the window's height."""
        if not dock.isFloating() and dock.height() < self.height() * 0.3:
            self.resizeDocks([dock], [round(self.height() * 0.4)], Qt.Orientation.Vertical)

    def _widen(self, dock: QDockWidget) -> None:
        """The triage queue's columns need more room than the image browser's thumbnails."""
        if dock.width() < TRIAGE_WIDTH and not dock.isFloating():
            self.resizeDocks([dock], [TRIAGE_WIDTH], Qt.Orientation.Horizontal)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar(self.tr("Tools"), self)
        toolbar.setObjectName("toolbar_main")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        tools = QActionGroup(self)
        for name in ("tool.select", "tool.box", "tool.polygon"):
            action = self.action_registry[name]
            action.setCheckable(True)
            tools.addAction(action)
        self.action_registry["tool.select"].setChecked(True)
        groups = (
            ("tool.select", "tool.box", "tool.polygon"),
            ("edit.undo", "edit.redo"),
            ("image.previous", "image.next", "image.done"),
            ("prelabel.accept", "prelabel.accept_all", "prelabel.run"),
            ("view.fit", "view.actual"),
        )
        short = {
            "tool.select": self.tr("Select (V)"),
            "tool.box": self.tr("Box (W)"),
            "tool.polygon": self.tr("Polygon (P)"),
            "edit.undo": self.tr("Undo"),
            "edit.redo": self.tr("Redo"),
            "image.previous": self.tr("◀ Prev (A)"),
            "image.next": self.tr("Next (D) ▶"),
            "image.done": self.tr("Done (Space)"),
            "prelabel.accept": self.tr("Accept (Enter)"),
            "prelabel.accept_all": self.tr("Accept all"),
            "prelabel.run": self.tr("Pre-label image"),
            "view.fit": self.tr("Fit (F)"),
            "view.actual": "1:1",
        }
        for index, group in enumerate(groups):
            if index:
                toolbar.addSeparator()
            for name in group:
                button_action = self.action_registry[name]
                toolbar.addAction(button_action)
                button = toolbar.widgetForAction(button_action)
                if button is not None:
                    _pin_label(button, button_action, short[name])
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar

    def _on_tool_changed(self, name: str) -> None:
        self.action_registry[f"tool.{name}"].setChecked(True)
        self.status.set_tool(name)

    def _connect(self) -> None:
        ws = self.workspace
        self.image_browser.currentImageChanged.connect(self._show_image)
        self.controller.imageShown.connect(self.imageDisplayed.emit)
        self.canvas_view.zoomChanged.connect(self.status.set_zoom)
        self.canvas_view.cursorMoved.connect(self.status.set_cursor)
        self.canvas_view.toolChanged.connect(self._on_tool_changed)
        self.canvas_view.selectionChanged.connect(self._on_selection)
        self.class_panel.classPicked.connect(self.controller.set_class)
        self.classes_menu = ClassesMenu(  # the real class names, kept current
            self.menus[MenuId.CLASSES],
            ws,
            [self.action_registry[f"class.{n}"] for n in range(1, 10)],
            self.pick_class_number,
            self.class_panel,
        )
        self.prelabel_panel.providerChanged.connect(self.status.set_provider)
        ws.saveStateChanged.connect(self.status.set_save_state)
        ws.errorRaised.connect(self.status.show_error)
        ws.focusImageRequested.connect(self._focus_image)
        ws.changed.connect(self._on_change)
        ws.undo_stack.indexChanged.connect(self._update_undo_texts)
        self._update_undo_texts()

    def _set_title(self) -> None:
        project = self.workspace.project
        name = project.meta().get("name") or project.path.stem
        person = self.workspace.person
        from labeler.app.sign_in import role_label

        self.setWindowTitle(f"{name} — {person.name} ({role_label(person.role)}) — labeler")

    def _provider_label(self) -> str:
        try:
            from labeler.core.prelabel import model_provider_label

            return model_provider_label(self.workspace.project)
        except (ImportError, LabelerError):
            return "none"

    def _settings_key(self, what: str) -> str:
        project_id = self.workspace.project.meta().get("project_id", "")
        return f"projects/{project_id}/{what}"

    def _layout_key(self, what: str) -> str:
        """Settings key of the window's layout for the signed-in person's role."""
        return f"window/{self.workspace.person.role.value}/{what}"

    def _restore_layout(self) -> None:
        settings = self.settings
        geometry = settings.value(self._layout_key("geometry"))
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.setGeometry(self._default_geometry())
        # Restored on the first show: restoring before it leaves Qt's old tab bars painted
        # over the docks (a ghost "Images | Triage" bar seen in screenshots).
        self._saved_state = settings.value(self._layout_key("state"))
        self._layout_restored = False

    def showEvent(self, event: QShowEvent) -> None:
        """On the first show: the saved layout of this role, else the side panels' widths."""
        super().showEvent(event)
        state, self._saved_state = self._saved_state, None
        if state is not None and self.restoreState(state, LAYOUT_VERSION):
            self._layout_restored = True
            # the saved state remembers toolbars too: the AI options follow the tool, not it
            self.ai_polygon.options.setVisible(self.canvas_view.tool_name == "ai_polygon")
        if not self._layout_restored:
            self._layout_restored = True
            self.resizeDocks(
                [self.docks["images"], self.docks["classes"]], [320, 320],
                Qt.Orientation.Horizontal,
            )

    def _default_geometry(self) -> QRect:
        """Most of the screen (90 % of the available area), centred on it."""
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            return QRect(0, 0, 1400, 900)
        available = screen.availableGeometry()
        size = QSize(round(available.width() * 0.9), round(available.height() * 0.9))
        rect = QRect(QPoint(0, 0), size)
        rect.moveCenter(available.center())
        return rect

    def _start(self) -> None:
        last = self.settings.value(self._settings_key("last_image"))
        remembered = isinstance(last, int | str) and str(last).isdigit()
        if remembered and self.image_browser.select_image(int(str(last))):
            return
        if not self.image_browser.set_current_row(0):
            keys = self.action_registry["file.import"].shortcut().toString()
            self.canvas_view.set_message(
                self.tr(
                    "This project has no images yet.\nImport a folder with File ▸ Import "
                    "images… ({keys})"
                ).format(keys=keys)
            )

    def _watch_other_programs(self) -> None:
        """Poll for commits by the CLI, another app or a job's own connection (1 s)."""
        self._external_timer = QTimer(self)
        self._external_timer.setInterval(EXTERNAL_POLL_MS)
        self._external_timer.timeout.connect(self.poll_external_changes)
        self._external_timer.start()

    # Public surface

    def poll_external_changes(self) -> int:
        """Show what other programs committed since the last poll; returns how many changes."""
        if self._closed:
            return 0
        return self.workspace.poll_external_changes()

    @property
    def undo_stack(self) -> QUndoStack:
        """The undo stack of the session."""
        return self.workspace.undo_stack

    def current_image_id(self) -> int | None:
        """Id of the image on the canvas."""
        return self.controller.image_id

    def current_index(self) -> int:
        """Row of the current image in the browser (-1 if none)."""
        return self.image_browser.current_row()

    def go_to_image(self, index: int) -> bool:
        """Show the image at ``index`` in the browser's (filtered) order."""
        return self.image_browser.set_current_row(index)

    def map_image_to_view(self, x: float, y: float) -> QPoint:
        """Canvas viewport position of image pixel ``(x, y)`` (for simulated mouse events)."""
        return self.canvas_view.map_image_to_view(x, y)

    def is_image_displayed(self) -> bool:
        """True when the current image's pixels (or its error message) are painted.

        Also True for a project without images (the canvas says how to import some).
        """
        if self.image_browser.row_count() == 0:
            return True
        return self.controller.image_id is not None and self.canvas_view.has_image

    def trigger(self, name: str) -> None:
        """Run an action by its registry name (as its shortcut would)."""
        self.action_registry[name].trigger()

    # Showing images

    def _show_image(self, image_id: int) -> None:
        try:
            record = self.workspace.project.image(image_id)
        except LabelerError as exc:
            self.status.show_error(exc)
            return
        self.workspace.set_current_image(image_id)
        self.controller.show(record, self.image_browser.neighbours())
        self._update_index(record)
        self.canvas_view.setFocus()
        self.settings.setValue(self._settings_key("last_image"), image_id)

    def _update_index(self, record: ImageRecord) -> None:
        name = PurePosixPath(record.path).name
        current = self.workspace.project.image(record.id).status  # the record may be older
        status = status_label(current)
        if current != ImageStatus.DONE and self.workspace.is_done_for_me(record.id):
            status += self.tr(", done by you")  # blind overlap: the others are not finished
        self.status.set_index(self.current_index(), self.image_browser.row_count(), name, status)

    def _focus_image(self, image_id: int) -> None:
        """Undo/redo of an edit on another image: go there first."""
        if self.image_browser.select_image(image_id):
            return
        self._show_image(image_id)

    def _on_selection(self, key: ShapeKey | None) -> None:
        class_id = self._class_of(key)
        if class_id is not None:
            self.guideline_panel.show_class(class_id)

    def _class_of(self, key: ShapeKey | None) -> int | None:
        if key is None:
            return None
        items = (
            self.controller.annotations if key.kind == "annotation" else self.controller.predictions
        )
        return next((item.class_id for item in items if item.id == key.id), None)

    def _on_change(self, change: Change) -> None:
        record = self.controller.record
        touched = change.entity in (Entity.IMAGE, Entity.ANSWER) and record is not None and (
            record.id in change.ids
        )
        if record is not None and (touched or change == EXTERNAL):  # canvas re-read it first
            self._update_index(record)
        if change.entity == Entity.MODEL_RUN or change == EXTERNAL:
            self.status.set_provider(self._provider_label())

    def _update_undo_texts(self, _index: int = 0) -> None:
        stack = self.undo_stack
        undo, redo = self.action_registry["edit.undo"], self.action_registry["edit.redo"]
        undo.setEnabled(stack.canUndo())
        redo.setEnabled(stack.canRedo())
        undo_text, redo_text = self.tr("Undo"), self.tr("Redo")
        undo.setText(f"{undo_text} {stack.undoText()}" if stack.canUndo() else undo_text)
        redo.setText(f"{redo_text} {stack.redoText()}" if stack.canRedo() else redo_text)

    # Action handlers (named in labeler.app.actions.ACTIONS)

    def tool_box(self) -> None:
        """Draw boxes."""
        self.canvas_view.set_tool("box")

    def tool_polygon(self) -> None:
        """Draw polygons."""
        self.canvas_view.set_tool("polygon")

    def tool_ai_polygon(self) -> None:
        """Segment with clicks and boxes (the AI polygon tool)."""
        self.canvas_view.set_tool("ai_polygon")

    def choose_models(self) -> None:
        """The model picker (detection + class map, segmentation), remembered in the project."""
        from labeler.app.model_choice import found_segmenters
        from labeler.app.model_picker import ModelPickerDialog, segmenter_label

        project = self.workspace.project
        try:
            found = found_segmenters(project, segmenter_label)
        except LabelerError as exc:
            self.status.show_error(exc)
            found = []
        self.model_picker = ModelPickerDialog(project, found, self)
        self.model_picker.accepted.connect(self.ai_polygon.use_project_models)
        self.model_picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.model_picker.open()

    def _build_ai_polygon(self) -> None:
        """The AI polygon tool: its toolbar button, options bar and the project's segmenter."""
        self.ai_polygon = create_ai_polygon(
            self.workspace, self.controller, self.canvas_view, self.status,
            self.image_browser.neighbours, self,
        )
        self.addToolBarBreak()
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.ai_polygon.options)
        self.image_browser.currentImageChanged.connect(lambda _id: self.ai_polygon.image_changed())
        registry = self.action_registry
        add_tool_button(self.toolbar, registry["tool.ai_polygon"], registry["tool.polygon"],
                        self.tr("AI polygon (S)"))

    def tool_select(self) -> None:
        """Select and edit shapes."""
        self.canvas_view.set_tool("select")

    def next_image(self) -> None:
        """Go to the next image."""
        self.image_browser.step(1)

    def previous_image(self) -> None:
        """Go to the previous image."""
        self.image_browser.step(-1)

    def toggle_done(self) -> None:
        """Mark the image done for me (nothing drawn is an answer too), or not done again."""
        record = self.controller.record
        if record is not None:
            self.workspace.toggle_done_for_me(record.id)

    def mark_review(self) -> None:
        """Flag the image for review."""
        record = self.controller.record
        if record is not None:
            self.workspace.execute(
                SetImageStatus(record.id, ImageStatus.NEEDS_REVIEW, self.workspace.person.id)
            )

    def ask_question(self) -> None:
        """Ask about the image (or the selected shape): Q; the answer shows on the image."""
        self.questions_ui.ask()

    def undo(self) -> None:
        """Undo the last edit (the core may refuse it: see ``Workspace.undo``)."""
        self.canvas_view.cancel_gesture()
        self.workspace.undo()

    def redo(self) -> None:
        """Redo the last undone edit."""
        self.canvas_view.cancel_gesture()
        self.workspace.redo()

    def delete(self) -> None:
        """Delete the selected shape, or reject the selected pre-label."""
        self.controller.delete_selected()

    def copy(self) -> None:
        """Copy the selected shape (or all shapes of the image)."""
        count = self.controller.copy()
        self.status.showMessage(self.tr("Copied %n shape(s)", "", count), 3000)

    def paste(self) -> None:
        """Paste copied shapes onto this image."""
        count = self.controller.paste()
        if count:
            self.status.showMessage(self.tr("Pasted %n shape(s)", "", count), 3000)

    def accept_prelabel(self) -> None:
        """Accept the selected pre-label (or select the first one)."""
        self.controller.accept_selected()

    def accept_all_prelabels(self) -> None:
        """Accept every pre-label shown."""
        count = self.controller.accept_all_visible()
        if count:
            self.status.showMessage(self.tr("Accepted %n pre-label(s)", "", count), 3000)

    def reject_prelabel(self) -> None:
        """Reject the selected pre-label."""
        key = self.canvas_view.selected_key
        if key is not None and key.kind == "prediction":
            self.controller.delete_selected()

    def toggle_prelabels(self) -> None:
        """Show or hide pre-labels."""
        self.prelabel_panel.toggle_visible()

    def prelabel_image(self) -> None:
        """Run the model on this image in the background."""
        self.prelabel_panel.prelabel_current_image()

    def zoom_fit(self) -> None:
        """Fit the image in the view."""
        self.canvas_view.zoom_fit()

    def zoom_actual(self) -> None:
        """Show image pixels 1:1."""
        self.canvas_view.zoom_actual()

    def zoom_in(self) -> None:
        """Zoom in one step."""
        self.canvas_view.zoom_by(WHEEL_STEP)

    def zoom_out(self) -> None:
        """Zoom out one step."""
        self.canvas_view.zoom_by(1 / WHEEL_STEP)

    def pick_class_number(self, number: int) -> None:
        """Key 1-9: in the select tool, relabel the selected shape; in a drawing tool, the next.

        Either way the class becomes the one new shapes get.
        """
        classes = self.workspace.drawable_classes()
        if not 1 <= number <= len(classes):
            return
        class_id = classes[number - 1].id
        if self.canvas_view.tool_name == "select":
            self.controller.set_class(class_id)
        else:
            self.workspace.set_active_class(class_id)

    def next_disagreement(self) -> None:
        """Walk the triage queue: the next disagreement."""
        self.triage_panel.step(1)

    def previous_disagreement(self) -> None:
        """Walk the triage queue: the previous disagreement."""
        self.triage_panel.step(-1)

    def toggle_disagreements(self) -> None:
        """Show or hide the disagreement overlays."""
        self.triage_panel.set_overlays_visible(not self.triage_panel.overlays_visible())

    def show_shortcuts(self) -> None:
        """The keyboard shortcuts dialog (also edits them)."""
        ShortcutsDialog(self.action_registry, self).exec()

    # Lifetime

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Count user input as activity for the time spent on the image."""
        if event.type() in _ACTIVITY_EVENTS:
            self.workspace.time.touch()
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop workers, save time and layout, close the project (all edits are already saved)."""
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Release everything the window holds (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._external_timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        settings = self.settings
        settings.setValue(self._layout_key("geometry"), self.saveGeometry())
        if self._saved_state is None:  # shown: its layout is the person's (else kept as saved)
            settings.setValue(self._layout_key("state"), self.saveState(LAYOUT_VERSION))
        self.workspace.close()
        self.workspace.undo_stack.blockSignals(True)
        for stopper in (
            self.jobs.shutdown,
            self.review_panel.shutdown,
            self.triage_panel.shutdown,
            self.qa_view.shutdown,
            self.curation_panel.shutdown,
            self.prelabel_panel.shutdown,
            self.ai_polygon.shutdown,
            self.image_browser.shutdown,
            self.loader.shutdown,
            self.thumbnails.shutdown,
        ):
            stopper()
        for emitter in (self.workspace, self.loader, self.thumbnails):
            emitter.blockSignals(True)  # late queued results must not reach a closed project
        if self._owns_project:
            self.workspace.project.close()


def _pin_label(button: QWidget, action: QAction, text: str) -> None:
    """A toolbar button keeps its short label and width when the action's text changes.

    (Undo becomes "Undo Add box" in the menu; its button stays "Undo", so nothing moves.)
    """
    if not isinstance(button, QToolButton):
        return

    def apply() -> None:
        button.setText(text)
        button.setToolTip(f"{action.text()} ({action.shortcut().toString()})")

    apply()
    button.setFixedWidth(button.sizeHint().width())
    action.changed.connect(apply)  # after Qt copied the action's new text onto the button
