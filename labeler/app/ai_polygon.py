"""The AI polygon tool's controller: prompts in, previews drawn, accepted shapes as commands.

It connects the tool (:class:`~labeler.app.canvas.ai_tool.AiPolygonTool`), the
:class:`~labeler.app.segment_worker.SegmentationService` (encoding and decoding off
the GUI thread), the preview item, the options bar and a status-bar field. An
accepted mask becomes ordinary annotations through ``Workspace.execute`` with the
core command :class:`~labeler.core.ai_shapes.AddAiAssistedShape`, so undo, review
and agreement treat it like any other shape (source ``ai_assisted``, the model's
hash and the prompts kept as provenance).

The preview follows the mouse while decoding is fast (:data:`LIVE_DECODE_MS`);
with a slower decoder it appears on click only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QStatusBar, QToolBar, QToolButton

from labeler.app.ai_options import AiOptionsBar
from labeler.app.canvas.ai_preview import AiPreviewItem
from labeler.app.canvas.ai_tool import AiAccept, AiPolygonTool, AiPrompt
from labeler.app.canvas.controller import CanvasController
from labeler.app.canvas.view import CanvasView
from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.app.segment_worker import (
    SegmentationService,
    SegmentImage,
    SegmentRequest,
    SegmentResult,
)
from labeler.app.workspace import Workspace
from labeler.core.domain import GeometryKind, ImageRecord
from labeler.core.errors import LabelerError
from labeler.core.geometry import Box
from labeler.core.tools import ShapeKey

if TYPE_CHECKING:
    from labeler.core.embedding_cache import EmbeddingCache

LIVE_DECODE_MS = 60.0  # slower decoders preview on click only
PREFETCH_AHEAD = 2
NO_MODEL_TEXT = QT_TRANSLATE_NOOP(
    "AiPolygonController", "AI: choose a segmentation model (Tools ▸ Choose models…)"
)


class AiPolygonController(QObject):
    """Runs the AI polygon tool on the canvas; see the module docstring.

    Signals: ``previewPainted(result)`` after a preview was handed to the canvas,
    ``shapesAccepted(ids)`` with the new annotation ids, ``embeddingReady(image_id)``.
    """

    previewPainted = Signal(object)
    shapesAccepted = Signal(list)
    embeddingReady = Signal(int)

    def __init__(
        self,
        workspace: Workspace,
        canvas: CanvasController,
        view: CanvasView,
        service: SegmentationService,
        options: AiOptionsBar,
        status: QStatusBar,
        neighbours: Callable[[], Sequence[ImageRecord]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace, self.canvas, self.view = workspace, canvas, view
        self.service, self.options, self.neighbours = service, options, neighbours
        self.tool = AiPolygonTool(view.layer, self._on_prompt)
        view.add_tool(self.tool)
        self.preview = AiPreviewItem()
        view.scene().addItem(self.preview)
        self.status_label = QLabel("")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        status.addPermanentWidget(self.status_label)
        self.engaged = False  # the tool was used: keep encoding ahead as images change
        self.model_files: tuple[Path, Path] | None = None
        self.model_error: str | None = None
        self.last: SegmentResult | None = None
        self.decode_ms: float | None = None  # running estimate of the decoder's time
        self.last_encode_ms: float | None = None
        self._serial = 0
        self._painted_serial = -1
        self._waiting: SegmentRequest | None = None  # until the current image is encoded
        self._prompt_at: dict[int, float] = {}  # request serial -> when the prompt came
        self._hover_sent: SegmentRequest | None = None  # the newest hover request
        self._promote: int | None = None  # serial of a hover answer that is a click's answer
        self.latencies_ms: list[float] = []  # prompt to preview handed to the canvas
        signals = service.signals
        signals.modelLoaded.connect(self._on_model_loaded)
        signals.modelFailed.connect(self._on_model_failed)
        signals.encodeStarted.connect(self._on_encode_started)
        signals.embeddingReady.connect(self._on_embedding_ready)
        signals.encodeFailed.connect(self._on_encode_failed)
        signals.segmented.connect(self._on_segmented)
        signals.segmentFailed.connect(self._on_segment_failed)
        view.toolChanged.connect(self._on_tool_changed)
        view.toolResult.connect(self._on_tool_result)
        options.settingsChanged.connect(self._reshape)
        workspace.activeClassChanged.connect(lambda _id: self._reshape())
        options.hide()

    # The model

    def set_model(self, files: tuple[Path, Path] | None) -> None:
        """Use this encoder/decoder pair; it loads (on the encoder thread) once the tool is used."""
        self.model_files = files
        if files is None:
            self.options.show_model(self.tr("no segmentation model"))
        elif self.engaged:
            self._load_model()
        else:
            self.options.show_model(files[0].parent.name or files[0].name)

    def use_project_models(self) -> None:
        """The segmenter the project remembers, else the first one in the models folders."""
        from labeler.app.model_choice import project_segmenter

        try:
            files = project_segmenter(self.workspace.project)
        except LabelerError as exc:  # a malformed models.json: say which, keep the app
            self._show_state(self.tr("AI: {problem}").format(problem=exc))
            files = None
        self.set_model(files)

    def _load_model(self) -> None:
        files = self.model_files
        if files is not None and files != self.service.model_files:
            self.model_error = None
            self.options.show_model(
                self.tr("loading {model}…").format(model=files[0].parent.name or files[0].name)
            )
            self.service.set_model(*files)

    def _on_model_loaded(self, info: object) -> None:
        name = str(getattr(info, "name", self.tr("model")))
        provider = str(getattr(info, "provider", "")).removesuffix("ExecutionProvider")
        self.options.show_model(f"{name} ({provider})" if provider else name)
        self.decode_ms = None
        if self.engaged:
            self.image_changed()

    def _on_model_failed(self, message: str) -> None:
        self.model_error = message
        self.options.show_model(self.tr("no segmentation model"))
        self._show_state(self.tr("AI: {problem}").format(problem=message))
        self.workspace.errorRaised.emit(
            self.tr("Segmentation model: {problem}").format(problem=message)
        )

    # Images and embeddings

    def _on_tool_changed(self, name: str) -> None:
        active = name == self.tool.name
        self.options.setVisible(active)
        if active:
            self.engaged = True
            self._load_model()
            if self.model_files is None:
                self._show_state(self.tr(NO_MODEL_TEXT))
            self.image_changed()
        else:
            self.preview.clear()

    def image_changed(self) -> None:
        """Encode the image now on the canvas and the next ones (when the tool is in use)."""
        self._waiting = None
        self.last = None
        self.preview.clear()
        self.options.show_shapes(0, 0)
        record = self.canvas.record
        if record is None or not self.engaged:
            return
        ahead = [r for r in self.neighbours() if r.id != record.id][:PREFETCH_AHEAD]
        self.service.focus(self._segment_image(record), [self._segment_image(r) for r in ahead])
        if self.service.has_embedding(record.id):
            self._show_state(self._ready_text(from_cache=True))

    def _segment_image(self, record: ImageRecord) -> SegmentImage:
        path = self.workspace.project.image_path(record)
        return SegmentImage(record.id, record.sha256, path, (record.width, record.height))

    def _on_encode_started(self, image_id: int) -> None:
        if image_id == self.canvas.image_id:
            self._show_state(self.tr("AI: encoding…"))

    def _on_embedding_ready(self, image_id: int, encode_ms: float, from_cache: bool) -> None:
        self.embeddingReady.emit(image_id)
        if not from_cache:
            self.last_encode_ms = encode_ms
        if image_id != self.canvas.image_id:
            return
        self._show_state(self._ready_text(from_cache))
        waiting, self._waiting = self._waiting, None
        if waiting is not None and waiting.image_id == image_id:
            self.service.segment(waiting)

    def _ready_text(self, from_cache: bool) -> str:
        text = self.tr("AI: ready")
        if from_cache:
            text += self.tr(" (cached embedding)")
        elif self.last_encode_ms is not None:
            text += self.tr(" · encoder {ms} ms").format(ms=f"{self.last_encode_ms:.0f}")
        if self.decode_ms is not None:
            text += self.tr(" · decoder {ms} ms").format(ms=f"{self.decode_ms:.0f}")
        return text

    def _on_encode_failed(self, image_id: int, message: str) -> None:
        if image_id == self.canvas.image_id:
            self._show_state(self.tr("AI: {problem}").format(problem=message))

    def _show_state(self, text: str) -> None:
        self.status_label.setText(text)
        self.options.show_state(text.removeprefix("AI: "))

    # Prompts and previews

    @property
    def live_preview(self) -> bool:
        """Whether hovering previews (the decoder is fast enough, or not measured yet)."""
        return self.decode_ms is None or self.decode_ms <= LIVE_DECODE_MS

    def _request(self, prompt: AiPrompt, tentative: bool, accept: bool = False) -> SegmentRequest:
        self._serial += 1
        image_id = self.canvas.image_id
        assert image_id is not None
        return SegmentRequest(
            image_id,
            prompt,
            tolerance=self.options.tolerance,
            parts=self.options.parts,
            as_box=self._box_class(),
            tentative=tentative,
            accept=accept,
            serial=self._serial,
        )

    def _box_class(self) -> bool:
        class_id = self.workspace.active_class_id
        label_class = self.workspace.label_class(class_id) if class_id is not None else None
        return label_class is not None and label_class.kind == GeometryKind.BOX

    def _on_prompt(self, prompt: AiPrompt, tentative: bool) -> None:
        if self.canvas.image_id is None:
            return
        self.tool.hover_enabled = self.live_preview
        if not prompt.decodable:  # cleared (Esc, Enter) or negative points only
            self._waiting = None  # self.last stays: Enter accepts it without decoding again
            self.preview.set_state((), prompt, self.view.draw_color)
            self.options.show_shapes(0, 0)
            return
        if tentative and not self.live_preview:
            return
        if not tentative and self._click_on_hover(prompt):
            return
        request = self._request(prompt, tentative)
        self._prompt_at[request.serial] = time.perf_counter()
        self._promote = None
        if tentative:
            self._hover_sent = request
        else:
            self.preview.set_state(self.preview.shapes, prompt, self.view.draw_color)
        self._send(request)

    def _click_on_hover(self, prompt: AiPrompt) -> bool:
        """A click where the hover point was: its answer (painted or coming) is the click's.

        Saves a second decode of the same prompt, so the click's preview is there at once.
        """
        hover, self._hover_sent = self._hover_sent, None
        settings = (self.canvas.image_id, self.options.tolerance, self.options.parts)
        if (
            hover is None
            or hover.prompt != prompt
            or (hover.image_id, hover.tolerance, hover.parts) != settings
            or hover.as_box != self._box_class()
        ):
            return False
        self._prompt_at[hover.serial] = time.perf_counter()
        last = self.last
        if last is not None and last.request is hover:
            self._show(replace(last, request=replace(hover, tentative=False)))
        else:
            self._promote = hover.serial
        return True

    def _send(self, request: SegmentRequest) -> None:
        if self.service.has_embedding(request.image_id):
            self.service.segment(request)
            return
        self._waiting = request
        if self.model_files is None:
            self._show_state(self.tr(NO_MODEL_TEXT))
        elif self.model_error is not None:
            self._show_state(self.tr("AI: {problem}").format(problem=self.model_error))
        else:
            self._show_state(self.tr("AI: encoding…"))

    def _on_segmented(self, result: SegmentResult) -> None:
        if result.request.serial == self._promote:
            self._promote = None
            result = replace(result, request=replace(result.request, tentative=False))
        request = result.request
        if request.image_id != self.canvas.image_id or request.serial < self._painted_serial:
            return  # an older image or an answer overtaken by a newer one
        if request.tentative and (not self.tool.prompt.empty or self.tool.hover_point is None):
            return  # a hover answer arriving after the first click (or after the mouse left)
        if not request.tentative and not request.accept and request.prompt != self.tool.prompt:
            return  # the prompt changed or was cleared meanwhile
        if result.decode_ms > 0:
            self._measure(result.decode_ms)
        self._painted_serial = request.serial
        if request.accept:
            self.last = result
            self._commit(result)
            return
        self._show(result)

    def _show(self, result: SegmentResult) -> None:
        """Draw a result as the preview and say how many shapes and vertices it makes."""
        request = result.request
        self.last = result
        shown_prompt = request.prompt if request.tentative else self.tool.prompt
        self.preview.set_state(result.shapes, shown_prompt, self.view.draw_color, request.tentative)
        boxes = sum(isinstance(s, Box) for s in result.shapes)
        self.options.show_shapes(len(result.shapes) - boxes, result.vertices, boxes)
        started = self._prompt_at.pop(request.serial, None)
        if started is not None:
            self.latencies_ms.append((time.perf_counter() - started) * 1000)
        self._prompt_at = {s: t for s, t in self._prompt_at.items() if s > request.serial}
        self.previewPainted.emit(result)

    def _measure(self, decode_ms: float) -> None:
        self.decode_ms = (
            decode_ms if self.decode_ms is None else 0.7 * self.decode_ms + 0.3 * (decode_ms)
        )
        self.tool.hover_enabled = self.live_preview

    def _on_segment_failed(self, request: SegmentRequest, message: str) -> None:
        if request.image_id != self.canvas.image_id:
            return
        self._show_state(self.tr("AI: {problem}").format(problem=message))
        if request.accept:
            self.workspace.errorRaised.emit(
                self.tr("AI polygon: {problem}").format(problem=message)
            )

    def _reshape(self) -> None:
        """New tolerance, parts or class kind: outline the last mask again (no decoding)."""
        last = self.last
        if last is None or not self.preview.shapes or last.request.image_id != self.canvas.image_id:
            return  # nothing previewed now
        request = self._request(last.request.prompt, last.request.tentative)
        self._prompt_at[request.serial] = time.perf_counter()
        self.service.reshape(request, last.mask, last.score)

    # Accepting

    def _on_tool_result(self, result: object) -> None:
        if isinstance(result, AiAccept) and self.canvas.image_id is not None:
            self.accept(result.prompt)

    def accept(self, prompt: AiPrompt) -> None:
        """Turn the mask of ``prompt`` into annotations (decoding it first if needed)."""
        last = self.last
        as_box = self._box_class()
        if (
            last is not None
            and not last.request.tentative
            and last.request.prompt == prompt
            and last.request.image_id == self.canvas.image_id
            and last.request.as_box == as_box
            and last.request.tolerance == self.options.tolerance
            and last.request.parts == self.options.parts
        ):
            self._commit(last)
            return
        request = self._request(prompt, tentative=False, accept=True)
        if last is not None and last.request.prompt == prompt and not last.request.tentative:
            self.service.reshape(request, last.mask, last.score)
        else:
            self._send(request)

    def _commit(self, result: SegmentResult) -> None:
        from labeler.core.ai_shapes import AddAiAssistedShape

        self.preview.clear()
        self.options.show_shapes(0, 0)
        self.last = None
        record, info = self.canvas.record, self.service.info
        class_id = self.workspace.active_class_id
        if record is None or info is None or result.request.image_id != record.id:
            return
        if class_id is None:
            self.workspace.errorRaised.emit(
                self.tr("Add a box or polygon class to the project first.")
            )
            return
        if not result.shapes:
            self.workspace.errorRaised.emit(
                self.tr("AI polygon: the model found nothing at that prompt")
            )
            return
        request = result.request
        command = AddAiAssistedShape(
            image_id=record.id,
            class_id=class_id,
            geometries=tuple(result.shapes),
            person_id=self.workspace.person.id,
            model_sha256=info.model_sha256,
            model_name=info.name,
            prompts=request.prompt.to_json(),
            settings={
                "tolerance": request.tolerance,
                "parts": request.parts,
                "as_box": request.as_box,
                "score": round(result.score, 4),
                "layout": info.layout,
            },
        )
        undo = self.workspace.execute(command)
        if undo is None:
            return
        ids = created_annotation_ids(undo)
        if len(ids) == 1:
            self.view.select(ShapeKey("annotation", ids[0]))
        self.shapesAccepted.emit(ids)

    # Lifetime

    def shutdown(self) -> None:
        """Stop the encoder and decoder threads."""
        self.service.shutdown()


def create_ai_polygon(
    workspace: Workspace,
    canvas: CanvasController,
    view: CanvasView,
    status: QStatusBar,
    neighbours: Callable[[], Sequence[ImageRecord]],
    parent: QObject,
    cache_dir: Path | None = None,
) -> AiPolygonController:
    """The tool with its own service and options bar.

    Embeddings are cached in memory (the last 3) and on disk beside the project
    (``<project>.cache/embeddings``, which vendor packages may carry), unless ``cache_dir``.
    """
    project_path = workspace.project.path

    def make_cache() -> EmbeddingCache:
        from labeler.core.embedding_cache import EmbeddingCache, project_cache_dir

        return EmbeddingCache(cache_dir or project_cache_dir(project_path))

    service = SegmentationService(make_cache, parent)
    options = AiOptionsBar()
    controller = AiPolygonController(
        workspace, canvas, view, service, options, status, neighbours, parent
    )
    controller.use_project_models()
    return controller


def add_tool_button(toolbar: QToolBar, action: QAction, after: QAction, text: str) -> None:
    """Put a tool's checkable action in the tools' group, with a button right after ``after``."""
    action.setCheckable(True)
    group = after.actionGroup()
    if group is not None:
        group.addAction(action)
    actions = toolbar.actions()
    index = actions.index(after) + 1 if after in actions else len(actions)
    if index < len(actions):
        toolbar.insertAction(actions[index], action)
    else:
        toolbar.addAction(action)
    button = toolbar.widgetForAction(action)
    if not isinstance(button, QToolButton):
        return

    def label() -> None:  # again after Qt copies the action's text onto the button
        button.setText(text)
        button.setToolTip(f"{action.text()} ({action.shortcut().toString()})")

    label()
    action.changed.connect(label)


def created_annotation_ids(inverse: object) -> list[int]:
    """The annotations an accepted AI shape created, read from the inverse command."""
    from labeler.core.ai_shapes import DeleteAiAssistedShapes

    return list(inverse.annotation_ids) if isinstance(inverse, DeleteAiAssistedShapes) else []
