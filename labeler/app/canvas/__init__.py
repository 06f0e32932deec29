"""The canvas: a QGraphicsView over one image, its shapes, and the edit overlay."""

from labeler.app.canvas.controller import CanvasController
from labeler.app.canvas.items import DrawnShape
from labeler.app.canvas.view import CanvasView

__all__ = ["CanvasController", "CanvasView", "DrawnShape"]
