"""Loading an encoder/decoder pair and running it: :func:`load_segmenter`, :class:`Segmenter`.

The encoder runs once per image (seconds on a CPU for real SAM models) and gives an
:class:`ImageEmbedding`; the decoder runs per prompt (tens of milliseconds) on that
embedding. Both sessions are ONNX Runtime sessions; calls are thread-safe.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from inference.errors import (
    EmbeddingMismatchError,
    ImageDecodeError,
    ModelError,
    ModelNotFoundError,
    NotOnnxError,
    UnsafeModelError,
)
from inference.modelfile import check_external_data, needs_onnx_check, read_model_bytes
from inference.privacy import runtime_events_off
from inference.segmentation.frames import (
    DEFAULT_SIDE,
    Frame,
    encoder_input,
    frame_for,
    logits_to_mask_region,
    longest_side_hw,
)
from inference.segmentation.layouts import Layout, Signature, detect_layout
from inference.segmentation.types import ImageEmbedding, MaskPrediction, Prompt, SegmenterInfo
from inference.session import CPU, create_session, session_options

_IOU_NAMES = ("iou_predictions", "iou_prediction", "scores", "iou_pred")
_LOCATION = b"location"  # the key of an ONNX external-data entry


def model_sha256(encoder_sha256: str, decoder_sha256: str) -> str:
    """The pair's identity: sha256 of ``"<encoder sha256>:<decoder sha256>"``."""
    return hashlib.sha256(f"{encoder_sha256}:{decoder_sha256}".encode()).hexdigest()


def load_segmenter(
    encoder: Path,
    decoder: Path,
    providers: Sequence[str] | None = None,
    *,
    name: str | None = None,
    threads: int | None = None,
) -> Segmenter:
    """Open an encoder and a decoder ONNX file, detect their layout, start both sessions.

    ``providers`` are ONNX Runtime provider names tried in order; None picks CUDA when it
    works and CPU otherwise (with a note in ``info.fallback_note``).
    """
    encoder, decoder = Path(encoder), Path(decoder)
    enc_sha = _checked_sha256(encoder)
    dec_sha = _checked_sha256(decoder)
    enc_session, provider, note = _session(encoder, providers, threads)
    dec_session, _p, _n = _session(decoder, providers, threads)
    layout = detect_layout(
        Signature.of_session(enc_session, encoder), Signature.of_session(dec_session, decoder)
    )
    info = SegmenterInfo(
        layout=layout.name,
        name=name or _pair_name(encoder),
        encoder_sha256=enc_sha,
        decoder_sha256=dec_sha,
        model_sha256=model_sha256(enc_sha, dec_sha),
        input_size=layout.encoder_hw[0] or DEFAULT_SIDE,
        provider=provider,
        fallback_note=note,
        encoder_path=encoder,
        decoder_path=decoder,
    )
    return Segmenter(info, layout, enc_session, dec_session)


class Segmenter:
    """A loaded promptable segmenter (see :func:`load_segmenter`)."""

    def __init__(self, info: SegmenterInfo, layout: Layout, encoder: Any, decoder: Any) -> None:
        self.info = info
        self.layout = layout
        self._encoder = encoder
        self._decoder = decoder
        self._decoder_inputs = {i.name: i for i in decoder.get_inputs()}
        self._output_names = [o.name for o in decoder.get_outputs()]

    def __repr__(self) -> str:
        return f"Segmenter({self.info.name!r}, layout={self.info.layout!r}, {self.info.provider})"

    def encode(self, image_rgb: np.ndarray) -> ImageEmbedding:
        """Run the image encoder on an RGB uint8 (H, W, 3) image."""
        image = _check_image(image_rgb)
        frame = self._frame(image.shape[:2])
        started = time.perf_counter()
        blob = encoder_input(self.layout.name, image, frame, self.info.input_size)
        outputs = self._encoder.run(None, {self.layout.encoder_input: blob})
        names = [o.name for o in self._encoder.get_outputs()]
        by_name = dict(zip(names, outputs, strict=True))
        arrays = {target: np.asarray(by_name[source]) for source, target in self.layout.feeds}
        elapsed = (time.perf_counter() - started) * 1000
        return ImageEmbedding(
            arrays=arrays,
            original_hw=(int(image.shape[0]), int(image.shape[1])),
            model_sha256=self.info.model_sha256,
            layout=self.layout.name,
            encode_ms=elapsed,
        )

    def decode(self, embedding: ImageEmbedding, prompt: Prompt) -> MaskPrediction:
        """The mask for ``prompt`` on an image already encoded by this model."""
        if embedding.model_sha256 != self.info.model_sha256:
            raise EmbeddingMismatchError(
                f"this embedding was made by model {embedding.model_sha256[:12]}, not by "
                f"{self.info.name} ({self.info.model_sha256[:12]}); encode the image again"
            )
        started = time.perf_counter()
        frame = self._frame(embedding.original_hw)
        feed = dict(embedding.arrays)
        count = self._add_prompt(feed, frame, prompt)
        outputs = dict(zip(self._output_names, self._decoder.run(None, feed), strict=True))
        logits, score = self._best_mask(outputs, count)
        mask, region = logits_to_mask_region(logits, frame, self.layout.name)
        elapsed = (time.perf_counter() - started) * 1000
        return MaskPrediction(mask=mask, score=score, decode_ms=elapsed, region=region)

    def _frame(self, hw: tuple[int, int]) -> Frame:
        h, w = int(hw[0]), int(hw[1])
        return frame_for(self.layout.name, (h, w), self.layout.encoder_hw)

    def _add_prompt(self, feed: dict[str, np.ndarray], frame: Frame, prompt: Prompt) -> int:
        """Put the prompt inputs into ``feed``; returns the number of points given."""
        coords, labels = prompt.corners_and_points()
        layout = self.layout.name
        if layout == "sam" and prompt.box is None:
            coords = np.concatenate([coords, np.zeros((1, 2), np.float32)])
            labels = np.concatenate([labels, np.array([-1], np.float32)])
        if layout == "sam2" and prompt.box is not None:
            n = len(prompt.points)  # SAM 2 puts the box corners before the points
            order = [*range(n, len(coords)), *range(n)]
            coords, labels = coords[order], labels[order]
        coords = frame.to_model(coords)
        if layout == "efficientsam":
            feed["batched_point_coords"] = coords[None, None]
            feed["batched_point_labels"] = self._typed("batched_point_labels", labels[None, None])
        else:
            feed["point_coords"] = coords[None]
            feed["point_labels"] = self._typed("point_labels", labels[None])
            feed["mask_input"] = np.zeros(self._mask_input_shape(), np.float32)
            feed["has_mask_input"] = np.zeros((1,), np.float32)
        if self.layout.decoder_has_orig_size:
            size = self._mask_size(frame)
            dtype = np.int64 if self.layout.orig_size_type == "int64" else np.float32
            feed["orig_im_size"] = np.array(size, dtype)
        return len(coords)

    def _mask_size(self, frame: Frame) -> tuple[int, int]:
        """The ``orig_im_size`` to ask the decoder for.

        EfficientSAM: the frame the coordinates are in. SAM / SAM 2: the original size, but
        never more than the image's part of the decoder's low-res grid (S/4: 256 x 256 for
        1024 inputs). Every published decoder makes its ``masks`` by upsampling those
        low-res logits bilinearly, so a larger size adds no detail, only work inside the
        graph (for every candidate mask); the chosen mask is upsampled by
        :func:`~inference.segmentation.frames.logits_to_mask_region` instead, only around
        the object.
        """
        if self.layout.name == "efficientsam":
            return frame.resized_hw
        (h, w), grid = frame.original_hw, max(1, self.info.input_size // 4)
        if self.layout.name == "sam":
            low = longest_side_hw(frame.resized_hw, grid)
            return (h, w) if max(h, w) <= max(low) else low
        return min(h, grid), min(w, grid)

    def _typed(self, name: str, values: np.ndarray) -> np.ndarray:
        kind = str(self._decoder_inputs[name].type)
        return values.astype(np.int64 if "int64" in kind else np.float32)

    def _mask_input_shape(self) -> tuple[int, ...]:
        dims = self._decoder_inputs["mask_input"].shape
        fixed = [d if isinstance(d, int) and d > 0 else None for d in dims]
        if len(fixed) == 4 and all(fixed[1:]):
            return (1, *[int(d) for d in fixed[1:]])  # type: ignore[arg-type]
        return (1, 1, 256, 256)

    def _best_mask(self, outputs: dict[str, np.ndarray], points: int) -> tuple[np.ndarray, float]:
        masks = outputs.get("masks")
        if masks is None:
            masks = next(v for v in outputs.values() if v.ndim >= 4)
        iou = next((outputs[n] for n in _IOU_NAMES if n in outputs), None)
        masks = masks.reshape(-1, *masks.shape[-2:])
        scores = (
            np.asarray(iou, np.float32).reshape(-1)
            if iou is not None
            else np.ones(len(masks), np.float32)
        )
        if len(scores) != len(masks):
            scores = np.resize(scores, len(masks))
        ranked = scores.copy()
        if len(masks) == 4:
            # SAM's own rule (SamOnnxModel.select_masks): the single-output mask 0 for
            # several points, the best of the three multimask outputs for one.
            ranked[0] += (points - 2.5) * 1000.0
        best = int(np.argmax(ranked))
        return masks[best], float(scores[best])


def _checked_sha256(path: Path) -> str:
    """The file's sha256 after the safety checks (ONNX, external data inside its folder).

    The file is hashed in blocks (a SAM ViT-L encoder is over 1 GB); only a file that looks
    like something else or may refer to external data is parsed with ``onnx`` first.
    """
    if not path.is_file():
        read_model_bytes(path)  # raises ModelNotFoundError with the reason
    digest = hashlib.sha256()
    head = b""
    refers_outside = False
    tail = b""
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                digest.update(block)
                head = head or block[:64]
                refers_outside = refers_outside or _LOCATION in tail + block
                tail = block[-len(_LOCATION) :]
    except OSError as exc:
        raise ModelNotFoundError(f"{path}: cannot read model file ({exc})") from exc
    if needs_onnx_check(head) or refers_outside:
        proto = _parse(path, read_model_bytes(path))
        check_external_data(proto, path)
    return digest.hexdigest()


def _parse(path: Path, data: bytes) -> Any:
    import onnx
    from google.protobuf.message import DecodeError

    if not data:
        raise NotOnnxError(f"{path.name} is not an ONNX model: the file is empty")
    try:
        proto = onnx.load_model_from_string(data)
    except (DecodeError, ValueError, RuntimeError) as exc:
        raise NotOnnxError(f"{path.name} is not an ONNX model ({exc})") from exc
    if proto.ir_version <= 0 or not proto.graph.node:
        raise NotOnnxError(f"{path.name} is not an ONNX model: it holds no graph")
    return proto


def _session(path: Path, providers: Sequence[str] | None, threads: int | None) -> tuple:
    if providers is None:
        handle = create_session(path, device="auto", threads=threads)
        return handle.session, handle.provider, handle.fallback_note
    import onnxruntime as ort

    runtime_events_off(ort)
    try:
        session = ort.InferenceSession(
            str(path), sess_options=session_options(threads), providers=list(providers)
        )
    except Exception as exc:
        if isinstance(exc, UnsafeModelError):
            raise
        first = (str(exc).strip() or type(exc).__name__).splitlines()[0][:300]
        raise ModelError(f"{path.name} could not be loaded by ONNX Runtime: {first}") from exc
    used = session.get_providers()
    return session, str(used[0]) if used else CPU, None


def _pair_name(encoder: Path) -> str:
    stem = encoder.stem
    for suffix in (".encoder", "_encoder", "-encoder", ".image_encoder"):
        if stem.endswith(suffix) and len(stem) > len(suffix):
            return stem[: -len(suffix)]
    return stem if stem != "encoder" else encoder.parent.name or stem


def _check_image(image: np.ndarray) -> np.ndarray:
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise ImageDecodeError("<array>", "the image must be a uint8 numpy array")
    if image.ndim != 3 or image.shape[2] != 3:
        raise ImageDecodeError(
            "<array>", f"the image must be RGB of shape (H, W, 3), got {image.shape}"
        )
    if min(image.shape[:2]) < 1:
        raise ImageDecodeError("<array>", "the image is empty")
    return np.ascontiguousarray(image)
