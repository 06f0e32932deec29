"""The look of the app: Fusion with a calm dark palette (images read best on dark grey)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

_STYLE = """
QMainWindow::separator { background: #1b1d21; width: 3px; height: 3px; }
QDockWidget { font-weight: 600; }
QDockWidget::title { background: #2b2e34; padding: 5px 8px; border-bottom: 1px solid #1b1d21; }
QLabel#secondaryText { color: #9aa0a8; }
QLabel#panelTitle { font-weight: 600; padding: 2px 0 4px 0; }
QLabel#saveOk { color: #5cc785; }
QLabel#saveError { color: #f07167; font-weight: 600; }
QStatusBar { background: #24272c; border-top: 1px solid #1b1d21; }
QStatusBar QLabel { padding: 0 8px; color: #c8ccd2; }
QStatusBar::item { border: none; border-left: 1px solid #363a41; }
QListView, QListWidget, QTextBrowser, QTableWidget {
    background: #23262b; border: 1px solid #1b1d21; border-radius: 4px;
}
QListWidget::item { padding: 3px 4px; }
QLineEdit, QComboBox { padding: 3px 6px; border-radius: 4px; }
QPushButton { padding: 4px 10px; border-radius: 4px; }
QToolTip { color: #e8e8e8; background: #2b2e34; border: 1px solid #44484f; }
"""


def dark_palette() -> QPalette:
    """A dark palette for Fusion."""
    palette = QPalette()
    base, window, text = QColor(35, 38, 43), QColor(43, 46, 52), QColor(222, 225, 230)
    highlight = QColor(58, 110, 180)
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor(40, 43, 48),
        QPalette.ColorRole.ToolTipBase: window,
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor(130, 136, 145),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor(52, 56, 63),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor(255, 90, 80),
        QPalette.ColorRole.Link: QColor(100, 160, 240),
        QPalette.ColorRole.Highlight: highlight,
        QPalette.ColorRole.HighlightedText: QColor(255, 255, 255),
    }
    for role, color in roles.items():
        palette.setColor(role, color)
    disabled = QColor(120, 124, 130)
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def apply_theme(app: QApplication) -> None:
    """Fusion style, dark palette, a readable default font size and the stylesheet."""
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    font = QFont(app.font())
    if font.pointSizeF() < 9.5:
        font.setPointSizeF(9.5)
    app.setFont(font)
    app.setStyleSheet(_STYLE)
