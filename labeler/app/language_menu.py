"""View ▸ Language: choose English or 한국어 for this computer, remembered in QSettings."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QWidget

from labeler.app.i18n import (
    LANGUAGE_NAMES,
    SETTINGS_LANGUAGE,
    chosen_language,
    install_translations,
)


class LanguageMenu(QMenu):
    """One checkable entry per shipped language, each named in its own language.

    Choosing one installs it and says when the window follows (the open window keeps
    its texts until it opens again).
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Language"))
        self.setObjectName("menu_language")
        self._owner = parent
        group = QActionGroup(self)
        current = chosen_language()
        self.choices: dict[str, QAction] = {}
        for code, name in LANGUAGE_NAMES.items():
            action = self.addAction(name)
            action.setCheckable(True)
            action.setChecked(code == current)
            action.setData(code)
            group.addAction(action)
            action.triggered.connect(lambda _checked=False, code=code: self.choose(code))
            self.choices[code] = action
        self.last_message: QMessageBox | None = None

    def choose(self, code: str) -> None:
        """Remember ``code`` and install it now; tell the person when the window follows."""
        QSettings().setValue(SETTINGS_LANGUAGE, code)
        app = QApplication.instance()
        if app is not None:
            install_translations(app, code)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("Language"),
            self.tr(
                "{language} is chosen. Dialogs opened from now on use it; the menus and "
                "panels follow when the window opens again (File ▸ Recent, or start labeler "
                "again). Your work is saved."
            ).format(language=LANGUAGE_NAMES[code]),
            QMessageBox.StandardButton.Ok,
            self._owner,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_message = box
