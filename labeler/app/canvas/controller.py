"""Feeds the canvas from the store and turns its gestures and the edit actions into commands.

The controller reads the current image's annotations and pre-labels from the
project, decides what is drawn (pre-labels dashed with their score, hidden when
accepted, rejected or under the confidence threshold), asks the
:class:`~labeler.app.image_loader.ImageLoader` for pixels, and maps every
gesture (:mod:`labeler.core.tools`) or key action to a core command executed by
the :class:`~labeler.app.workspace.Workspace`. It never writes to the store
directly, and it redraws only in response to the store's change events.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from labeler.app.canvas.items import DrawnShape
from labeler.app.canvas.view import CanvasView
from labeler.app.display_settings import DisplaySettings
from labeler.app.image_loader import ImageLoader, ImageRequest, reduction_for_width
from labeler.app.workspace import ClipboardShape, Workspace
from labeler.core.commands import (
    AcceptPrediction,
    AddAnnotation,
    Command,
    DeleteAnnotation,
    RejectPrediction,
    UpdateAnnotation,
    accept_predictions,
    created_annotation_id,
    paste_shapes,
)
from labeler.core.domain import Annotation, ImageRecord, Prediction
from labeler.core.events import Change, Entity
from labeler.core.external_changes import EXTERNAL
from labeler.core.geometry import Box, Polygon
from labeler.core.tools import Created, Edited, ShapeKey, ToolResult

DEFAULT_THRESHOLD = 0.25
OWNER_LABEL_LIMIT = 400  # above this many annotations on one image, no "whose" labels
PREFETCH_DELAY_MS = 30


class CanvasController(QObject):
    """The canvas's connection to the workspace: data in, commands out.

    ``shapesChanged`` fires after the shapes were reloaded (panels update counts);
    ``imageShown(image_id)`` once the image's pixels (or its error) are on screen.
    """

    shapesChanged = Signal()
    imageShown = Signal(int)

    def __init__(
        self, workspace: Workspace, view: CanvasView, loader: ImageLoader, parent: QObject | None
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.view = view
        self.loader = loader
        self.record: ImageRecord | None = None
        self.annotations: list[Annotation] = []
        self.predictions: list[Prediction] = []
        self.rejected: frozenset[int] = frozenset()
        self.show_predictions = True
        self.threshold = DEFAULT_THRESHOLD
        # Set by the review panel: a reviewer's edit of someone else's shape becomes a
        # pending fix (True: held by the filter, not applied as an edit).
        self.edit_filter: Callable[[ShapeKey, Box | Polygon], bool] | None = None
        self.pending_geometry: dict[int, Box | Polygon] = {}  # annotation id -> held fix
        self.display: DisplaySettings | None = None  # view-only filters (set_display)
        self._last_edit_at = time.monotonic()
        self.prefetch_enabled = True
        self._neighbours: list[ImageRecord] = []
        self._paths: dict[int, Path] = {}
        self._prefetch_timer = QTimer(self)
        self._prefetch_timer.setSingleShot(True)
        self._prefetch_timer.setInterval(PREFETCH_DELAY_MS)
        self._prefetch_timer.timeout.connect(self._prefetch)
        view.toolResult.connect(self._on_tool_result)
        view.zoomChanged.connect(self._maybe_upgrade_resolution)
        loader.imageReady.connect(self._on_image_ready)
        loader.imageFailed.connect(self._on_image_failed)
        workspace.changed.connect(self._on_change)
        workspace.activeClassChanged.connect(self._on_active_class)
        workspace.annotationScopeChanged.connect(lambda _own: self.reload_shapes())

    # Showing an image

    @property
    def image_id(self) -> int | None:
        """The image on the canvas."""
        return self.record.id if self.record is not None else None

    def show(self, record: ImageRecord, neighbours: Sequence[ImageRecord] = ()) -> None:
        """Put ``record`` on the canvas: shapes now, pixels from cache or when decoded."""
        self.record = record
        self._last_edit_at = time.monotonic()
        self.view.set_image_size(record.width, record.height)
        self.view.zoom_fit()
        self.reload_shapes()
        image = self.loader.request(self.request_for(record), priority=100)
        if image is None:
            image = self.loader.cached(record.id)  # another size, until the right one comes
        if image is not None:
            self._show_pixels(image)
        elif (error := self.loader.error(record.id)) is not None:
            self.view.set_message(error)
            self.imageShown.emit(record.id)
        self._neighbours = list(neighbours)
        if self.prefetch_enabled:
            self._prefetch_timer.start()  # after this image is painted, not competing with it

    def _prefetch(self) -> None:
        if self.prefetch_enabled:
            self.loader.prefetch([self.request_for(n) for n in self._neighbours])

    def _path(self, record: ImageRecord) -> Path:
        path = self._paths.get(record.id)
        if path is None:
            path = self._paths[record.id] = self.workspace.project.image_path(record)
            if len(self._paths) > 4096:
                self._paths.clear()
        return path

    def request_for(self, record: ImageRecord) -> ImageRequest:
        """What to decode to show ``record`` fitted in the canvas (its on-screen size)."""
        full = (record.width, record.height)
        scale = self.view.fit_scale_for(*full) * self.view.devicePixelRatioF()
        return ImageRequest.for_width(record.id, self._path(record), full, round(full[0] * scale))

    def _show_pixels(self, image: QImage) -> None:
        self.view.set_message(None)
        self.view.set_pixels(image)
        if self.record is not None:
            self.imageShown.emit(self.record.id)
            self._maybe_upgrade_resolution(self.view.scale_factor)

    def _on_image_ready(self, image_id: int, width: int, image: QImage) -> None:
        if image_id != self.image_id:
            return
        if width > self.view.image_item.pixel_width:
            self._show_pixels(image)

    def _on_image_failed(self, image_id: int, message: str) -> None:
        if image_id == self.image_id and not self.view.image_item.has_pixmap:
            self.view.set_message(message)
            self.imageShown.emit(image_id)

    def _maybe_upgrade_resolution(self, scale: float) -> None:
        """Decode a larger size once the one shown would be magnified (zoomed in)."""
        record = self.record
        shown = self.view.image_item.pixel_width
        if record is None or shown == 0 or shown >= record.width:
            return
        needed = math.ceil(record.width * scale * self.view.devicePixelRatioF())
        if needed <= shown * 1.01:
            return
        path = self._path(record)
        reduce = reduction_for_width(path, record.width, needed)
        width = math.ceil(record.width / reduce)
        height = math.ceil(record.height / reduce) if reduce > 1 else record.height
        request = ImageRequest(record.id, path, (width, height), reduce)
        image = self.loader.request(request, priority=90)
        if image is not None and image.width() > shown:
            self._show_pixels(image)

    # Shapes

    def reload_shapes(self) -> None:
        """Read the current image's annotations and pre-labels and redraw them."""
        if self.record is None:
            return
        project = self.workspace.project
        self.annotations = self.visible_annotations(self.record.id)
        show_prelabels = project.prelabels_visible(self.record.id, self.workspace.person.id)
        self.predictions = project.predictions(self.record.id) if show_prelabels else []
        self.rejected = (
            project.rejected_prediction_ids(self.record.id) if self.predictions else frozenset()
        )
        self._redraw()

    def visible_annotations(self, image_id: int) -> list[Annotation]:
        """What the signed-in person may see (blind assignments), narrowed by 'only mine'."""
        person = self.workspace.person.id
        visible = self.workspace.project.visible_annotations(image_id, person)
        if self.workspace.only_own_annotations:
            return [a for a in visible if a.annotator_id == person]
        return visible

    def set_display(self, display: DisplaySettings) -> None:
        """Draw through ``display``'s filters (hidden classes and shapes, locks, fill, tone)."""
        self.display = display
        display.changed.connect(self._apply_tone)
        display.changed.connect(self._redraw)
        display.imageAdjusted.connect(self._apply_tone)
        self._apply_tone()

    def _apply_tone(self) -> None:
        if self.display is not None:
            self.view.set_display_style(
                self.display.fill_opacity, self.display.brightness, self.display.contrast
            )

    def _drawn(self, key: ShapeKey, class_id: int) -> bool:
        return self.display is None or self.display.drawn(key, class_id)

    def _redraw(self) -> None:
        colors = {c.id: c.color for c in self.workspace.classes()}
        names = {c.id: c.name for c in self.workspace.classes()}
        shapes: list[DrawnShape] = []
        if self.show_predictions:
            for p in reversed(self.visible_predictions()):
                if isinstance(p.geometry, Box | Polygon):
                    label = f"{names.get(p.class_id, '?')} {p.score:.2f}"
                    key = ShapeKey("prediction", p.id)
                    shapes.append(
                        DrawnShape(key, p.geometry, colors.get(p.class_id, "#ffffff"), label, True)
                    )
        owners = self._owners_of_overlaps()
        for a in self.annotations:
            key = ShapeKey("annotation", a.id)
            if isinstance(a.geometry, Box | Polygon) and self._drawn(key, a.class_id):
                color = colors.get(a.class_id, "#ffffff")
                label, geometry = names.get(a.class_id, "?"), a.geometry
                if a.id in owners:
                    label = f"{label} · {owners[a.id]}"
                if a.id in self.pending_geometry:
                    pending = self.tr("{label} (fix pending)").format(label=label)
                    label, geometry = pending, self.pending_geometry[a.id]
                shapes.append(DrawnShape(key, geometry, color, label))
        self.view.set_locked(self.display.locked_shapes if self.display is not None else ())
        self.view.set_shapes(shapes)
        self.shapesChanged.emit()

    def _owners_of_overlaps(self) -> dict[int, str]:
        """Annotation id -> annotator name, for shapes overlapping another person's shape.

        Where people's shapes overlap, each label says whose it is (only the few
        shapes of one image are compared: vectorised over their bounds).
        """
        shapes = [a for a in self.annotations if isinstance(a.geometry, Box | Polygon)]
        people = {a.annotator_id for a in shapes}
        if len(people) < 2 or len(shapes) > OWNER_LABEL_LIMIT:
            return {}
        bounds = np.array([a.geometry.bounds() for a in shapes], dtype=float)
        who = np.array([a.annotator_id for a in shapes])
        meets = (
            (bounds[:, None, 0] < bounds[None, :, 2])
            & (bounds[None, :, 0] < bounds[:, None, 2])
            & (bounds[:, None, 1] < bounds[None, :, 3])
            & (bounds[None, :, 1] < bounds[:, None, 3])
            & (who[:, None] != who[None, :])
        )
        flagged = np.flatnonzero(meets.any(axis=1))
        if not len(flagged):
            return {}
        names = {p.id: p.name for p in self.workspace.project.people()}
        return {shapes[i].id: names.get(shapes[i].annotator_id, "?") for i in flagged}

    def open_predictions(self) -> list[Prediction]:
        """Pre-labels nobody accepted, edited or rejected yet (best score first)."""
        used = {a.prediction_id for a in self.annotations if a.prediction_id is not None}
        return [p for p in self.predictions if p.id not in used and p.id not in self.rejected]

    def visible_predictions(self) -> list[Prediction]:
        """Open pre-labels at or above the confidence threshold, not hidden (best first)."""
        return [
            p
            for p in self.open_predictions()
            if p.score >= self.threshold and self._drawn(ShapeKey("prediction", p.id), p.class_id)
        ]

    def set_threshold(self, threshold: float) -> None:
        """Show pre-labels scoring at least ``threshold``."""
        self.threshold = threshold
        self._redraw()

    def set_predictions_visible(self, visible: bool) -> None:
        """Show or hide all pre-labels."""
        self.show_predictions = visible
        self._redraw()

    def _on_change(self, change: Change) -> None:
        if self.record is None:
            return
        external = change == EXTERNAL  # another program committed: reload the image's shapes
        if self.record.id in change.image_ids or external:
            self.record = self.workspace.project.image(self.record.id)  # status may have moved
        if change.entity == Entity.IMAGE and change.action == "status":
            return
        if (
            self.record.id in change.image_ids
            or change.entity in (Entity.CLASS, Entity.META)
            or external
        ):
            self.reload_shapes()

    def _on_active_class(self, class_id: int) -> None:
        label_class = self.workspace.label_class(class_id)
        if label_class is not None:
            self.view.draw_color = label_class.color

    # Gestures → commands

    def _on_tool_result(self, result: ToolResult) -> None:
        if self.record is None:
            return
        if isinstance(result, Created):
            self._create(result.geometry)
        elif isinstance(result, Edited):
            self._edit(result.key, result.geometry)

    def _seconds(self) -> float:
        now = time.monotonic()
        seconds, self._last_edit_at = now - self._last_edit_at, now
        return round(min(seconds, 600.0), 2)

    def _create(self, geometry: Box | Polygon) -> None:
        assert self.record is not None
        class_id = self.workspace.active_class_id
        if class_id is None:
            self.workspace.errorRaised.emit(
                self.tr("Add a box or polygon class to the project first.")
            )
            return
        command = AddAnnotation(
            self.record.id,
            class_id,
            geometry,
            self.workspace.person.id,
            seconds_spent=self._seconds(),
        )
        self._execute_and_select(command)

    def _edit(self, key: ShapeKey, geometry: Box | Polygon) -> None:
        assert self.record is not None
        if self.edit_filter is not None and self.edit_filter(key, geometry):
            return
        person = self.workspace.person.id
        if key.kind == "annotation":
            self.workspace.execute(
                UpdateAnnotation(self.record.id, key.id, geometry, person_id=person)
            )
        else:
            command = AcceptPrediction(
                self.record.id, key.id, person, geometry=geometry, seconds_spent=self._seconds()
            )
            self._execute_and_select(command)

    def _execute_and_select(self, command: Command, select_next: ShapeKey | None = None) -> None:
        undo = self.workspace.execute(command)
        created = created_annotation_id(undo) if undo is not None else None
        if select_next is not None:
            self.view.select(select_next)
        elif created is not None:
            self.view.select(ShapeKey("annotation", created))

    # Key actions

    def delete_selected(self) -> None:
        """Delete the selected annotation, or reject the selected pre-label."""
        key = self.view.selected_key
        if key is None or self.record is None:
            return
        person = self.workspace.person.id
        if key.kind == "annotation":
            self.workspace.execute(DeleteAnnotation(self.record.id, key.id, person))
        else:
            following = self._next_prediction_after(key.id)
            self.workspace.execute(RejectPrediction(self.record.id, key.id, person))
            self.view.select(following)

    def accept_selected(self) -> None:
        """Accept the selected pre-label, or the first shown when none is selected; select the next.

        One press accepts: with no pre-label selected, the best-scoring one shown is taken.
        """
        key = self.view.selected_key
        visible = self.visible_predictions() if self.show_predictions else []
        if self.record is None:
            return
        if key is None or key.kind != "prediction":
            if not visible:
                return
            key = ShapeKey("prediction", visible[0].id)
        following = self._next_prediction_after(key.id)
        command = AcceptPrediction(
            self.record.id, key.id, self.workspace.person.id, seconds_spent=self._seconds()
        )
        if self.workspace.execute(command) is not None:
            self.view.select(following)

    def _next_prediction_after(self, prediction_id: int) -> ShapeKey | None:
        visible = [p.id for p in self.visible_predictions()] if self.show_predictions else []
        if prediction_id not in visible:
            return ShapeKey("prediction", visible[0]) if visible else None
        index = visible.index(prediction_id)
        rest = visible[index + 1 :] + visible[:index]
        return ShapeKey("prediction", rest[0]) if rest else None

    def accept_all_visible(self) -> int:
        """Accept every visible pre-label (at or above the threshold) in one undo step."""
        if self.record is None or not self.show_predictions:
            return 0
        ids = [p.id for p in self.visible_predictions()]
        command = accept_predictions(self.record.id, ids, self.workspace.person.id)
        return len(ids) if self.workspace.execute(command) is not None else 0

    def set_class(self, class_id: int) -> None:
        """Give the selected shape this class (a pre-label becomes an edited annotation).

        Always makes it the class for the next shapes too.
        """
        self.workspace.set_active_class(class_id)
        key = self.view.selected_key
        if key is None or self.record is None:
            return
        person = self.workspace.person.id
        if key.kind == "annotation":
            current = next((a for a in self.annotations if a.id == key.id), None)
            if current is not None and current.class_id != class_id:
                self.workspace.execute(
                    UpdateAnnotation(self.record.id, key.id, class_id=class_id, person_id=person)
                )
        else:
            prediction = next((p for p in self.predictions if p.id == key.id), None)
            edited = prediction is not None and prediction.class_id != class_id
            command = AcceptPrediction(
                self.record.id, key.id, person, class_id=class_id if edited else None
            )
            self._execute_and_select(command)

    def copy(self) -> int:
        """Copy the selected shape, or every annotation of the image; returns how many."""
        key = self.view.selected_key
        shapes: list[ClipboardShape] = []
        if key is not None and key.kind == "annotation":
            shapes = [
                ClipboardShape(a.class_id, a.geometry) for a in self.annotations if a.id == key.id
            ]
        elif key is not None:
            shapes = [
                ClipboardShape(p.class_id, p.geometry) for p in self.predictions if p.id == key.id
            ]
        else:
            shapes = [
                ClipboardShape(a.class_id, a.geometry)
                for a in self.annotations
                if isinstance(a.geometry, Box | Polygon)
            ]
        if shapes:
            self.workspace.clipboard = shapes
        return len(shapes)

    def paste(self) -> int:
        """Paste the copied shapes onto this image (those wholly outside it are left out)."""
        if self.record is None:
            return 0
        w, h = self.record.width, self.record.height
        shapes = []
        for item in self.workspace.clipboard:
            bounds = item.geometry.bounds()
            if bounds is not None and bounds[0] < w and bounds[1] < h:
                shapes.append((item.class_id, item.geometry))
        command = paste_shapes(self.record.id, shapes, self.workspace.person.id)
        if command is None:
            return 0
        undo = self.workspace.execute(command)
        return len(shapes) if undo is not None else 0
