"""The model picker: the project's detection model (with its config/class map) and segmenter.

What is chosen is remembered in the project (:mod:`labeler.app.model_choice`), so every
person who opens it pre-labels and segments with the same models. Nothing is
downloaded: the files are local, found by browsing or in the models folders.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.app.model_choice import ModelChoice, missing_files, read_choice, save_choice
from labeler.core.store import Project


def _onnx_filter() -> str:
    return QCoreApplication.translate("ModelPickerDialog", "ONNX models (*.onnx);;All files (*)")


def _config_filter() -> str:
    return QCoreApplication.translate(
        "ModelPickerDialog", "Model config (*.json *.yaml *.yml);;All files (*)"
    )


_FIELD_NAMES = {  # ModelChoice fields, for people
    "detection_model": QT_TRANSLATE_NOOP("ModelPickerDialog", "detection model"),
    "detection_config": QT_TRANSLATE_NOOP("ModelPickerDialog", "class map / config"),
    "segment_encoder": QT_TRANSLATE_NOOP("ModelPickerDialog", "segmentation encoder"),
    "segment_decoder": QT_TRANSLATE_NOOP("ModelPickerDialog", "segmentation decoder"),
}
_SOURCE_NAMES = {  # where a models folder is
    "project": QT_TRANSLATE_NOOP("ModelPickerDialog", "this project"),
    "user": QT_TRANSLATE_NOOP("ModelPickerDialog", "your models folder"),
    "shipped": QT_TRANSLATE_NOOP("ModelPickerDialog", "shipped with labeler"),
}


def segmenter_label(name: str, source: str) -> str:
    """A found segmenter as the picker lists it: its name and, in words, where it is."""
    where = _SOURCE_NAMES.get(source)
    shown = QCoreApplication.translate("ModelPickerDialog", where) if where else source
    return f"{name} ({shown})"


def _path_or_none(text: str) -> Path | None:
    text = text.strip()
    return Path(text).expanduser() if text else None


class _PathField(QWidget):
    """A path line edit with a Browse… button."""

    def __init__(self, caption: str, file_filter: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setClearButtonEnabled(True)
        browse = QPushButton(QCoreApplication.translate("ModelPickerDialog", "Browse…"))
        browse.clicked.connect(lambda _checked=False: self._browse(caption, file_filter))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(browse)

    def _browse(self, caption: str, file_filter: str) -> None:
        start = self.edit.text() or str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(self, caption, start, file_filter)
        if chosen:
            self.edit.setText(chosen)

    @property
    def path(self) -> Path | None:
        """The path typed or chosen (None when empty)."""
        return _path_or_none(self.edit.text())

    def set_path(self, path: Path | None) -> None:
        """Show ``path`` (empty for None)."""
        self.edit.setText(str(path) if path is not None else "")


class ModelPickerDialog(QDialog):
    """Choose the detection model (+ config/class map) and the segmentation encoder/decoder.

    ``found`` lists segmenters from the models folders as ``(label, encoder, decoder)``;
    choosing one fills the two fields. OK saves the choice into the project.
    """

    def __init__(
        self,
        project: Project,
        found: Sequence[tuple[str, Path, Path]] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle(self.tr("Choose models"))
        self.setMinimumWidth(640)
        self.detection = _PathField(self.tr("Detection model"), _onnx_filter())
        self.config = _PathField(self.tr("Model config / class map"), _config_filter())
        self.config.edit.setPlaceholderText(
            self.tr("none: the model's own names (or MODEL.json beside it)")
        )
        self.found = QComboBox()
        self.found.addItem(self.tr("(files below)"), None)
        for label, encoder, decoder in found:
            self.found.addItem(label, (encoder, decoder))
        self.found.currentIndexChanged.connect(self._on_found)
        self.encoder = _PathField(self.tr("Segmentation encoder"), _onnx_filter())
        self.decoder = _PathField(self.tr("Segmentation decoder"), _onnx_filter())
        self.problems = QLabel()
        self.problems.setObjectName("saveError")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self._build()
        self._fill(read_choice(project))

    def _build(self) -> None:
        detection = QGroupBox(self.tr("Pre-labeling (detection)"))
        form = QFormLayout(detection)
        form.addRow(self.tr("Model"), self.detection)
        form.addRow(self.tr("Config / class map"), self.config)
        segmentation = QGroupBox(self.tr("AI polygons (segmentation)"))
        seg_form = QFormLayout(segmentation)
        seg_form.addRow(self.tr("Models folder"), self.found)
        seg_form.addRow(self.tr("Encoder"), self.encoder)
        seg_form.addRow(self.tr("Decoder"), self.decoder)
        note = QLabel(
            self.tr("Remembered in this project: everyone who opens it uses these models.")
        )
        note.setObjectName("secondaryText")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(detection)
        layout.addWidget(segmentation)
        layout.addWidget(note)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)

    def _fill(self, choice: ModelChoice) -> None:
        self.detection.set_path(choice.detection_model)
        self.config.set_path(choice.detection_config)
        self.encoder.set_path(choice.segment_encoder)
        self.decoder.set_path(choice.segment_decoder)
        pair = choice.segmenter
        for index in range(1, self.found.count()):
            if self.found.itemData(index) == pair:
                self.found.setCurrentIndex(index)
        if pair is None and self.found.count() > 1:  # what the tool uses when none is chosen
            default = self.tr("none chosen: {model} is used").format(model=self.found.itemText(1))
            self.encoder.edit.setPlaceholderText(default)
            self.decoder.edit.setPlaceholderText(default)

    def _on_found(self, index: int) -> None:
        pair = self.found.itemData(index)
        if pair is not None:
            self.encoder.set_path(pair[0])
            self.decoder.set_path(pair[1])

    def choice(self) -> ModelChoice:
        """What the fields say now."""
        return ModelChoice(
            detection_model=self.detection.path,
            detection_config=self.config.path,
            segment_encoder=self.encoder.path,
            segment_decoder=self.decoder.path,
        )

    def accept(self) -> None:
        """Save the choice into the project, unless a chosen file is missing (said why)."""
        choice = self.choice()
        problems = [
            self.tr("{what}: {path} (not found)").format(
                what=QCoreApplication.translate("ModelPickerDialog", _FIELD_NAMES[field]), path=path
            )
            for field, path in missing_files(choice)
        ]
        if (choice.segment_encoder is None) != (choice.segment_decoder is None):
            problems.append(self.tr("a segmentation model needs both an encoder and a decoder"))
        if problems:
            self.problems.setText("\n".join(problems))
            return
        save_choice(self.project, choice)
        super().accept()
