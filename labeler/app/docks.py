"""Where every dock of the window goes, declared as data (napari's ``add_dock_widget`` idea).

The window owns placement: :data:`DOCKS` names each dock's area, the dock it is
tabbed with, the menu that toggles it, and whether it starts floating or hidden.
Panels never see the window; they get only what they use (the workspace, the
canvas controller, a ``navigate(image_id)`` callback). Dock object names
(``dock_<name>``) are what saved layouts refer to: keep them stable, and bump
``LAYOUT_VERSION`` in ``main_window`` when the table changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QWidget

from labeler.app.actions import MenuId, menu_title
from labeler.app.i18n import QT_TRANSLATE_NOOP

Area = Qt.DockWidgetArea


@dataclass(frozen=True)
class DockSpec:
    """Where one dock goes and which menu toggles it."""

    name: str
    title: str
    area: Qt.DockWidgetArea
    menu: MenuId = MenuId.VIEW
    tabify_with: str | None = None
    floating_size: tuple[int, int] | None = None
    hidden: bool = False


DOCKS: dict[str, DockSpec] = {
    spec.name: spec
    for spec in (
        DockSpec("images", QT_TRANSLATE_NOOP("DockSpec", "Images"), Area.LeftDockWidgetArea),
        DockSpec("classes", QT_TRANSLATE_NOOP("DockSpec", "Classes"), Area.RightDockWidgetArea),
        DockSpec(
            "pre-labels", QT_TRANSLATE_NOOP("DockSpec", "Pre-labels"), Area.RightDockWidgetArea
        ),
        DockSpec(
            "image_tags", QT_TRANSLATE_NOOP("DockSpec", "Image tags"), Area.RightDockWidgetArea
        ),
        DockSpec("guideline", QT_TRANSLATE_NOOP("DockSpec", "Guideline"), Area.RightDockWidgetArea),
        DockSpec(
            "triage",
            QT_TRANSLATE_NOOP("DockSpec", "Triage"),
            Area.LeftDockWidgetArea,
            MenuId.QA,
            tabify_with="images",
        ),
        # Docked, never floating over the canvas they navigate: the dashboard under it
        # (the window gives it room when shown), curation a tab beside the guideline.
        DockSpec(
            "qa_dashboard",
            QT_TRANSLATE_NOOP("DockSpec", "QA dashboard"),
            Area.BottomDockWidgetArea,
            MenuId.QA,
            hidden=True,
        ),
        DockSpec(
            "curation",
            QT_TRANSLATE_NOOP("DockSpec", "Curation"),
            Area.RightDockWidgetArea,
            MenuId.QA,
            tabify_with="guideline",
            hidden=True,
        ),
        DockSpec(
            "review",
            QT_TRANSLATE_NOOP("DockSpec", "Review"),
            Area.RightDockWidgetArea,
            tabify_with="guideline",
        ),
        DockSpec(
            "inbox",
            QT_TRANSLATE_NOOP("DockSpec", "Inbox"),
            Area.RightDockWidgetArea,
            MenuId.QA,
            tabify_with="review",
            hidden=True,
        ),
        DockSpec(
            "display",
            QT_TRANSLATE_NOOP("DockSpec", "Display"),
            Area.RightDockWidgetArea,
            tabify_with="image_tags",
        ),
        DockSpec(
            "shapes",
            QT_TRANSLATE_NOOP("DockSpec", "Shapes"),
            Area.RightDockWidgetArea,
            tabify_with="pre-labels",
        ),
    )
}


class DockHost:
    """The docks and menus of a main window, by name and by :class:`MenuId`."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.menus: dict[MenuId, QMenu] = {}
        self.docks: dict[str, QDockWidget] = {}

    def build_menus(self) -> dict[MenuId, QMenu]:
        """Create every menu once, in :class:`MenuId` order."""
        bar = self.window.menuBar()
        for menu_id in MenuId:
            menu = bar.addMenu(menu_title(menu_id))
            menu.setObjectName(f"menu_{menu_id.name.lower()}")
            self.menus[menu_id] = menu
        return self.menus

    def add_dock(self, widget: QWidget, name: str) -> QDockWidget:
        """Place ``widget`` as the dock :data:`DOCKS` names ``name``; its menu toggles it."""
        spec = DOCKS[name]
        dock = QDockWidget(QCoreApplication.translate("DockSpec", spec.title), self.window)
        dock.setObjectName(f"dock_{spec.name}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.window.addDockWidget(spec.area, dock)
        if spec.tabify_with is not None and spec.tabify_with in self.docks:
            self.window.tabifyDockWidget(self.docks[spec.tabify_with], dock)
        if spec.floating_size is not None:
            dock.setFloating(True)
            dock.resize(*spec.floating_size)
        if spec.hidden:
            dock.hide()
        self.menus[spec.menu].addAction(dock.toggleViewAction())
        self.docks[name] = dock
        return dock
