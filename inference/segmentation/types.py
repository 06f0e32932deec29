"""Values of promptable segmentation: prompts, image embeddings, mask predictions, model info.

All coordinates are in the original image's pixels (x right, y down); the adapters map them
to each model's input frame.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

from inference.errors import PromptError

LAYOUTS = ("sam", "sam2", "efficientsam")
EMBEDDING_FORMAT = 1


@dataclass(frozen=True)
class SegmenterInfo:
    """What a loaded segmenter is: its layout, files' hashes and the encoder's input side."""

    layout: str  # "sam" | "sam2" | "efficientsam"
    name: str
    encoder_sha256: str
    decoder_sha256: str
    model_sha256: str  # sha256 of the two file hashes, the key of cached embeddings
    input_size: int
    provider: str = "CPUExecutionProvider"
    fallback_note: str | None = None
    encoder_path: Path | None = None
    decoder_path: Path | None = None


@dataclass(frozen=True)
class Prompt:
    """Points (label 1 positive, 0 negative) and/or a box, in original image pixels."""

    points: tuple[tuple[float, float], ...] = ()
    labels: tuple[int, ...] = ()
    box: tuple[float, float, float, float] | None = None

    def __post_init__(self) -> None:
        if len(self.points) != len(self.labels):
            raise PromptError(
                f"a prompt needs one label per point: {len(self.points)} points, "
                f"{len(self.labels)} labels"
            )
        if not self.points and self.box is None:
            raise PromptError("a prompt needs at least one point or a box")
        bad = [label for label in self.labels if label not in (0, 1)]
        if bad:
            raise PromptError(f"point labels are 1 (positive) or 0 (negative), got {bad[0]!r}")
        if self.labels and 1 not in self.labels and self.box is None:
            raise PromptError("a prompt of negative points only selects nothing; add a positive")
        values = [v for p in self.points for v in p] + list(self.box or ())
        if not all(math.isfinite(float(v)) for v in values):
            raise PromptError("prompt coordinates must be finite numbers")
        if self.box is not None:
            x1, y1, x2, y2 = self.box
            if x2 <= x1 or y2 <= y1:
                raise PromptError(f"a box is x1,y1,x2,y2 with x2 > x1 and y2 > y1, got {self.box}")

    def corners_and_points(self) -> tuple[np.ndarray, np.ndarray]:
        """SAM-style point list: the points, then the box as two corners labelled 2 and 3."""
        coords = [list(p) for p in self.points]
        labels = list(self.labels)
        if self.box is not None:
            x1, y1, x2, y2 = self.box
            coords += [[x1, y1], [x2, y2]]
            labels += [2, 3]
        return np.asarray(coords, np.float32).reshape(-1, 2), np.asarray(labels, np.float32)

    def to_json(self) -> dict[str, object]:
        """A plain dict for provenance records and ``--json`` output."""
        return {
            "points": [list(p) for p in self.points],
            "labels": list(self.labels),
            "box": list(self.box) if self.box is not None else None,
        }


@dataclass(frozen=True)
class MaskPrediction:
    """A boolean mask of the original image's size, the model's score for it, decoder time.

    ``region`` ``(x0, y0, x1, y1)``, exclusive, bounds every true pixel of the mask (None
    when unknown or empty): the mask's outline can be traced inside it.
    """

    mask: np.ndarray
    score: float
    decode_ms: float
    region: tuple[int, int, int, int] | None = None

    @property
    def empty(self) -> bool:
        """Whether nothing was segmented."""
        return not bool(self.mask.any())


@dataclass
class ImageEmbedding:
    """The encoder's outputs for one image (keyed by the decoder input each one feeds)."""

    arrays: dict[str, np.ndarray]
    original_hw: tuple[int, int]
    model_sha256: str
    layout: str
    encode_ms: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays (what an in-memory cache pays for this entry)."""
        return int(sum(a.nbytes for a in self.arrays.values()))

    def save(self, path: Path) -> None:
        """Write as ``.npz`` (uncompressed), atomically: a temporary file renamed into place."""
        path = Path(path)
        handle, tmp = tempfile.mkstemp(prefix=".labeler-tmp-embedding-", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                self.write(out)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def write(self, out: BinaryIO) -> None:
        """Write the ``.npz`` content to an open binary file."""
        meta = {
            "format": EMBEDDING_FORMAT,
            "original_hw": list(self.original_hw),
            "model_sha256": self.model_sha256,
            "layout": self.layout,
            "encode_ms": self.encode_ms,
            "names": list(self.arrays),
        }
        arrays = {f"a{n}": a for n, a in enumerate(self.arrays.values())}
        np.savez(out, __meta__=np.frombuffer(json.dumps(meta).encode(), np.uint8), **arrays)

    @classmethod
    def load(cls, path: Path) -> ImageEmbedding:
        """Read a file written by :meth:`save`; ``ValueError`` when it is not one."""
        try:
            with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as data:
                if "__meta__" not in data:
                    raise ValueError(f"{path}: not an image embedding file (no metadata)")
                meta = json.loads(bytes(data["__meta__"]).decode())
                if meta.get("format") != EMBEDDING_FORMAT:
                    raise ValueError(f"{path}: embedding format {meta.get('format')!r} unknown")
                arrays = {name: np.array(data[f"a{n}"]) for n, name in enumerate(meta["names"])}
        except (zipfile.BadZipFile, EOFError, KeyError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: not a readable image embedding file ({exc})") from exc
        h, w = meta["original_hw"]
        return cls(
            arrays=arrays,
            original_hw=(int(h), int(w)),
            model_sha256=str(meta["model_sha256"]),
            layout=str(meta["layout"]),
            encode_ms=float(meta.get("encode_ms", 0.0)),
        )

    def same_arrays(self, other: Mapping[str, np.ndarray]) -> bool:
        """Whether ``other`` holds exactly these arrays (used by tests and cache checks)."""
        return set(other) == set(self.arrays) and all(
            np.array_equal(self.arrays[k], other[k]) for k in self.arrays
        )
