"""Adapters turn raw model outputs into detections; one per output layout, in a registry.

An adapter is chosen from the model's output shapes and metadata (:func:`select_adapter`):

1. a ``task`` in the model's config file forces the adapter (it must still fit the shapes);
2. else the Ultralytics metadata ``task`` picks the adapter with that task key (Ultralytics
   writes ``detect`` for the YOLOv8 layout, also for its YOLOv5u models), or failing that
   the adapters of that family;
3. else every registered adapter whose layout fits competes on its preference for the
   shapes: YOLOv8 ``(1, 84, 8400)`` has fewer channels than anchors, YOLOv5
   ``(1, 25200, 85)`` more anchors than channels.

New layouts are added with :func:`register_adapter`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from inference.errors import ModelLayoutError
from inference.postprocess import mask_polygon, nms, xywh_to_xyxy
from inference.preprocess import Frame
from inference.results import Detection

Shapes = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class PostParams:
    """Thresholds for one prediction call."""

    conf: float
    iou: float
    max_det: int


class Adapter(ABC):
    """Decodes one output layout. Class methods inspect shapes; instances post-process."""

    task: ClassVar[str]
    family: ClassVar[str]
    description: ClassVar[str]
    resize_mode: ClassVar[str] = "letterbox"

    def __init__(self, shapes: Shapes, input_size: tuple[int, int], names: tuple[str, ...]):
        self.shapes = shapes
        self.input_size = input_size
        self.names = names

    @classmethod
    @abstractmethod
    def fits(cls, shapes: Shapes) -> bool:
        """Whether outputs of these (batch-1) shapes have this adapter's structure."""

    @classmethod
    def preference(cls, shapes: Shapes) -> float:
        """How well the shapes suit this adapter among those that fit (higher wins)."""
        return 1.0

    @classmethod
    @abstractmethod
    def num_classes(cls, shapes: Shapes) -> int:
        """Number of classes implied by the output shapes."""

    @classmethod
    @abstractmethod
    def breakdown(cls, shapes: Shapes) -> str:
        """How the output splits into classes, e.g. "84 channels = 4 box + 80 classes"."""

    @abstractmethod
    def postprocess(
        self, outputs: list[np.ndarray], frames: list[Frame], params: PostParams
    ) -> list[list[Detection]]:
        """Detections per image (class names are the model's own) in original pixels."""


ADAPTERS: dict[str, type[Adapter]] = {}


def register_adapter(cls: type[Adapter]) -> type[Adapter]:
    """Class decorator adding an adapter to the registry under its ``task`` key."""
    ADAPTERS[cls.task] = cls
    return cls


def describe_shapes(names: tuple[str, ...], shapes: Shapes) -> str:
    """E.g. "output0 (1, 84, 8400), output1 (1, 32, 160, 160)"."""
    return ", ".join(f"{n} {tuple(s)}" for n, s in zip(names, shapes, strict=True))


def select_adapter(
    shapes: Shapes,
    output_names: tuple[str, ...],
    *,
    model_name: str,
    forced_task: str | None = None,
    forced_by: str = "the config",
    metadata_task: str | None = None,
) -> type[Adapter]:
    """Pick the adapter for these outputs; raise :class:`ModelLayoutError` when none fits."""
    found = describe_shapes(output_names, shapes)
    if forced_task is not None:
        chosen = ADAPTERS[forced_task]
        if not chosen.fits(shapes):
            raise ModelLayoutError(
                f"{forced_by} sets task {forced_task!r} ({chosen.description}) but "
                f"{model_name} outputs {found}"
            )
        return chosen
    pool = list(ADAPTERS.values())
    if metadata_task:
        exact = [a for a in pool if a.task == metadata_task]
        pool = exact or [a for a in pool if a.family == metadata_task]
        if not pool:
            families = sorted({a.family for a in ADAPTERS.values()})
            raise ModelLayoutError(
                f"{model_name} is a {metadata_task!r} model (metadata 'task'); supported "
                f"tasks are {', '.join(families)}"
            )
    fitting = [a for a in pool if a.fits(shapes)]
    if not fitting:
        known = "; ".join(f"{a.task}: {a.description}" for a in pool)
        raise ModelLayoutError(
            f"{model_name}: output layout not recognised; found {found}. Known layouts: "
            f"{known}. If the model is one of these, set 'task' in its config file."
        )
    return max(fitting, key=lambda a: a.preference(shapes))


class _BoxAdapter(Adapter):
    """Shared path of box detectors: filter by confidence, class-aware NMS, map back."""

    def postprocess(
        self, outputs: list[np.ndarray], frames: list[Frame], params: PostParams
    ) -> list[list[Detection]]:
        """Detections per image in original pixels."""
        results = []
        for b, frame in enumerate(frames):
            xywh, scores, ids, extra = self._candidates(outputs, b, params.conf)
            xyxy = xywh_to_xyxy(xywh)
            keep = nms(xyxy, scores, ids, params.iou, params.max_det)
            boxes = frame.boxes_to_original(xyxy[keep])
            polygons = self._polygons(outputs, b, extra, keep, boxes, frame)
            results.append(
                [
                    Detection(
                        class_index=int(ids[k]),
                        class_name=self.names[int(ids[k])],
                        score=float(scores[k]),
                        box=_box(boxes[n]),
                        polygon=polygons[n],
                    )
                    for n, k in enumerate(keep)
                ]
            )
        return results

    @abstractmethod
    def _candidates(
        self, outputs: list[np.ndarray], b: int, conf: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
        """Candidates above ``conf``: xywh (input pixels), scores, class ids, extra data."""

    def _polygons(
        self,
        outputs: list[np.ndarray],
        b: int,
        extra: np.ndarray | None,
        keep: np.ndarray,
        boxes: np.ndarray,
        frame: Frame,
    ) -> list[np.ndarray | None]:
        return [None] * len(keep)


def _box(row: np.ndarray) -> tuple[float, float, float, float]:
    return float(row[0]), float(row[1]), float(row[2]), float(row[3])


def _single_rank3(shapes: Shapes) -> bool:
    return len(shapes) == 1 and len(shapes[0]) == 3


@register_adapter
class YoloV8Detect(_BoxAdapter):
    """Ultralytics YOLOv8/YOLO11 detection: ``(batch, 4 + nc, N)``, sigmoided scores."""

    task = "detect"
    family = "detect"
    description = "YOLOv8/11 detection, one output (batch, 4 + classes, anchors)"

    @classmethod
    def fits(cls, shapes: Shapes) -> bool:
        """One rank-3 output with at least one class channel."""
        return _single_rank3(shapes) and shapes[0][1] >= 5

    @classmethod
    def preference(cls, shapes: Shapes) -> float:
        """Channels first: fewer channels than anchors."""
        return 2.0 if shapes[0][1] < shapes[0][2] else 0.5

    @classmethod
    def num_classes(cls, shapes: Shapes) -> int:
        """Channels minus the 4 box values."""
        return shapes[0][1] - 4

    @classmethod
    def breakdown(cls, shapes: Shapes) -> str:
        """E.g. "84 channels = 4 box + 80 classes"."""
        return f"{shapes[0][1]} channels = 4 box + {cls.num_classes(shapes)} classes"

    def _candidates(
        self, outputs: list[np.ndarray], b: int, conf: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
        pred = outputs[0][b]
        class_scores = pred[4 : 4 + len(self.names)]
        scores = class_scores.max(axis=0)
        above = np.flatnonzero(scores > conf)
        ids = class_scores[:, above].argmax(axis=0)
        return pred[:4, above].T, scores[above], ids, None


@register_adapter
class YoloV5Detect(_BoxAdapter):
    """YOLOv5-style detection: ``(batch, N, 5 + nc)`` with objectness; score = obj * cls."""

    task = "detect_v5"
    family = "detect"
    description = "YOLOv5 detection, one output (batch, anchors, 5 + classes)"

    @classmethod
    def fits(cls, shapes: Shapes) -> bool:
        """One rank-3 output with box, objectness and at least one class per row."""
        return _single_rank3(shapes) and shapes[0][2] >= 6

    @classmethod
    def preference(cls, shapes: Shapes) -> float:
        """Anchors first: more anchors than channels."""
        return 2.0 if shapes[0][1] > shapes[0][2] else 0.5

    @classmethod
    def num_classes(cls, shapes: Shapes) -> int:
        """Row length minus 4 box values and the objectness."""
        return shapes[0][2] - 5

    @classmethod
    def breakdown(cls, shapes: Shapes) -> str:
        """E.g. "85 values per row = 4 box + 1 objectness + 80 classes"."""
        return (
            f"{shapes[0][2]} values per row = 4 box + 1 objectness + "
            f"{cls.num_classes(shapes)} classes"
        )

    def _candidates(
        self, outputs: list[np.ndarray], b: int, conf: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
        pred = outputs[0][b]
        rows = pred[pred[:, 4] > conf]  # obj * cls <= obj
        class_scores = rows[:, 5 : 5 + len(self.names)] * rows[:, 4:5]
        ids = class_scores.argmax(axis=1)
        scores = class_scores[np.arange(len(rows)), ids]
        above = scores > conf
        return rows[above, :4], scores[above], ids[above], None


@register_adapter
class YoloV8Segment(_BoxAdapter):
    """YOLOv8 segmentation: ``(batch, 4 + nc + nm, N)`` and prototypes ``(batch, nm, mh, mw)``."""

    task = "segment"
    family = "segment"
    description = (
        "YOLOv8/11 segmentation, outputs (batch, 4 + classes + masks, anchors) and "
        "(batch, masks, mask_h, mask_w)"
    )

    @classmethod
    def _split(cls, shapes: Shapes) -> tuple[int, int] | None:
        """Indices of the prediction output and the prototype output, if the shapes fit."""
        if len(shapes) != 2:
            return None
        ranks = [len(s) for s in shapes]
        if sorted(ranks) != [3, 4]:
            return None
        pred, proto = (0, 1) if ranks[0] == 3 else (1, 0)
        if shapes[pred][1] < 4 + 1 + shapes[proto][1]:
            return None
        return pred, proto

    @classmethod
    def _indices(cls, shapes: Shapes) -> tuple[int, int]:
        split = cls._split(shapes)
        if split is None:
            raise ModelLayoutError(f"not a segmentation layout: {shapes}")
        return split

    @classmethod
    def fits(cls, shapes: Shapes) -> bool:
        """A rank-3 prediction output and a rank-4 prototype output."""
        return cls._split(shapes) is not None

    @classmethod
    def num_classes(cls, shapes: Shapes) -> int:
        """Channels minus 4 box values minus the mask coefficients."""
        pred, proto = cls._indices(shapes)
        return shapes[pred][1] - 4 - shapes[proto][1]

    @classmethod
    def breakdown(cls, shapes: Shapes) -> str:
        """E.g. "116 channels = 4 box + 80 classes + 32 mask coefficients"."""
        pred, proto = cls._indices(shapes)
        return (
            f"{shapes[pred][1]} channels = 4 box + {cls.num_classes(shapes)} classes + "
            f"{shapes[proto][1]} mask coefficients"
        )

    def _candidates(
        self, outputs: list[np.ndarray], b: int, conf: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
        pred_index, _ = self._indices(self.shapes)
        pred = outputs[pred_index][b]
        nc = len(self.names)
        class_scores = pred[4 : 4 + nc]
        scores = class_scores.max(axis=0)
        above = np.flatnonzero(scores > conf)
        ids = class_scores[:, above].argmax(axis=0)
        return pred[:4, above].T, scores[above], ids, pred[4 + nc :, above].T

    def _polygons(
        self,
        outputs: list[np.ndarray],
        b: int,
        extra: np.ndarray | None,
        keep: np.ndarray,
        boxes: np.ndarray,
        frame: Frame,
    ) -> list[np.ndarray | None]:
        if extra is None or len(keep) == 0:
            return [None] * len(keep)
        _, proto_index = self._indices(self.shapes)
        protos = outputs[proto_index][b]
        nm, mh, mw = protos.shape
        logits = (extra[keep] @ protos.reshape(nm, -1)).reshape(-1, mh, mw)
        return [
            mask_polygon(logits[n], _box(boxes[n]), frame, self.input_size)
            for n in range(len(keep))
        ]


@register_adapter
class Classify(Adapter):
    """Image classification ``(batch, nc)``: one image-level tag, the top class."""

    task = "classify"
    family = "classify"
    description = "image classification, one output (batch, classes)"
    resize_mode = "center_crop"

    @classmethod
    def fits(cls, shapes: Shapes) -> bool:
        """One rank-2 output."""
        return len(shapes) == 1 and len(shapes[0]) == 2 and shapes[0][1] >= 1

    @classmethod
    def num_classes(cls, shapes: Shapes) -> int:
        """The class dimension."""
        return shapes[0][1]

    @classmethod
    def breakdown(cls, shapes: Shapes) -> str:
        """E.g. "1000 class scores"."""
        return f"{shapes[0][1]} class scores"

    def postprocess(
        self, outputs: list[np.ndarray], frames: list[Frame], params: PostParams
    ) -> list[list[Detection]]:
        """The top class per image as a tag, if its probability reaches ``conf``."""
        results: list[list[Detection]] = []
        for b in range(len(frames)):
            probs = probabilities(outputs[0][b])
            top = int(probs.argmax())
            score = float(probs[top])
            tag = Detection(top, self.names[top], score) if score >= params.conf else None
            results.append([tag] if tag else [])
        return results


def probabilities(values: np.ndarray) -> np.ndarray:
    """Scores as they are when all lie in [0, 1] (already probabilities), else softmax."""
    values = values.astype(np.float64)
    if values.size and values.min() >= 0.0 and values.max() <= 1.0:
        return values
    exp = np.exp(values - values.max())
    return exp / exp.sum()
