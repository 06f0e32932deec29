"""The dialog ``Q`` opens: ask a question about the image on the canvas or the selected shape."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from labeler.core.store.questions import MAX_QUESTION_TEXT, MAX_SECTION


class AskQuestionDialog(QDialog):
    """The question's text and, optionally, the guideline section it concerns.

    ``about`` says what is asked about ("img3.jpg", "crack #12 on img3.jpg"); it is
    shown literally (user text may hold markup). Non-modal: the caller connects
    ``accepted`` and reads :meth:`question_text` and :meth:`section`.
    """

    def __init__(self, about: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Ask a question"))
        self.setObjectName("askQuestionDialog")
        self.about_label = QLabel(self.tr("About: {about}").format(about=about))
        self.about_label.setTextFormat(Qt.TextFormat.PlainText)
        self.about_label.setWordWrap(True)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText(
            self.tr(
                "What is unclear? e.g. “A long straight crack without branches: crack or scratch?”"
            )
        )
        self.section_edit = QLineEdit()
        self.section_edit.setMaxLength(MAX_SECTION)
        self.section_edit.setPlaceholderText(self.tr("optional, e.g. 3.2"))
        self.hint = QLabel(
            self.tr(
                "The image is marked as waiting for an answer for you; go on with other images. "
                "The answer shows on the image."
            )
        )
        self.hint.setWordWrap(True)
        self.hint.setObjectName("secondaryText")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Ask"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.text_edit.textChanged.connect(self._update_ok)
        form = QFormLayout()
        form.addRow(self.tr("Guideline section:"), self.section_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.about_label)
        layout.addWidget(self.text_edit, 1)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.resize(460, 300)
        self._update_ok()

    def question_text(self) -> str:
        """The question as typed (stripped)."""
        return self.text_edit.toPlainText().strip()

    def section(self) -> str | None:
        """The guideline section typed, or None."""
        return self.section_edit.text().strip() or None

    def _update_ok(self) -> None:
        text = self.question_text()
        ok = bool(text) and len(text) <= MAX_QUESTION_TEXT
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
