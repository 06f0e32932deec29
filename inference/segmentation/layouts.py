"""Which published layout an encoder/decoder pair is in, read from the graphs' inputs/outputs.

Detection looks at the decoder's input names first (they differ between the families), then
checks the encoder fits and maps each encoder output onto the decoder input it feeds:

- ``sam``: Segment Anything's own decoder export (``scripts/export_onnx_model.py``):
  ``image_embeddings, point_coords, point_labels, mask_input, has_mask_input, orig_im_size``;
  encoder one image input ``(1, 3, S, S)``, one output ``(1, 256, S/16, S/16)``.
- ``sam2``: SAM 2 / 2.1 as samexporter and X-AnyLabeling export it (``image_embed,
  high_res_feats_0, high_res_feats_1`` + the prompt inputs, ``orig_im_size`` optional) or as
  osam does (``image_embeddings, high_res_features1, high_res_features2``).
- ``efficientsam``: osam's EfficientSAM export: ``image_embeddings, batched_point_coords,
  batched_point_labels, orig_im_size``; encoder input ``batched_images``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inference.errors import SegmenterLayoutError

Dim = int | str | None

SAM_PROMPTS = ("point_coords", "point_labels", "mask_input", "has_mask_input")
SAM_DECODER = ("image_embeddings", *SAM_PROMPTS, "orig_im_size")
SAM2_FEATURES = (
    ("image_embed", "high_res_feats_0", "high_res_feats_1"),
    ("image_embeddings", "high_res_features1", "high_res_features2"),
)
EFFICIENTSAM_DECODER = (
    "image_embeddings",
    "batched_point_coords",
    "batched_point_labels",
    "orig_im_size",
)
EXPECTED = {
    "sam": "decoder inputs " + ", ".join(SAM_DECODER),
    "sam2": (
        "decoder inputs image_embed, high_res_feats_0, high_res_feats_1 (or image_embeddings, "
        "high_res_features1, high_res_features2), " + ", ".join(SAM_PROMPTS) + " [, orig_im_size]"
    ),
    "efficientsam": "decoder inputs " + ", ".join(EFFICIENTSAM_DECODER),
}


@dataclass(frozen=True)
class Tensor:
    """One graph input or output: name, dims (int, a symbolic name or None), element type."""

    name: str
    dims: tuple[Dim, ...]
    type: str  # e.g. "float", "int64"

    def show(self) -> str:
        """E.g. ``image_embeddings (1, 256, 64, 64)``."""
        return f"{self.name} ({', '.join('?' if d is None else str(d) for d in self.dims)})"


@dataclass(frozen=True)
class Signature:
    """A graph's inputs and outputs as an ONNX Runtime session reports them."""

    path: Path
    inputs: tuple[Tensor, ...]
    outputs: tuple[Tensor, ...]

    @classmethod
    def of_session(cls, session: Any, path: Path) -> Signature:
        """Read a live session's inputs and outputs."""
        return cls(path, _tensors(session.get_inputs()), _tensors(session.get_outputs()))

    def input_names(self) -> tuple[str, ...]:
        """Input names in graph order."""
        return tuple(t.name for t in self.inputs)

    def input(self, name: str) -> Tensor | None:
        """The input called ``name``, if any."""
        return next((t for t in self.inputs if t.name == name), None)

    def describe(self) -> str:
        """Inputs and outputs, for error messages."""
        ins = ", ".join(t.show() for t in self.inputs) or "none"
        outs = ", ".join(t.show() for t in self.outputs) or "none"
        return f"inputs {ins}; outputs {outs}"


@dataclass(frozen=True)
class Layout:
    """A detected layout and how to feed the pair."""

    name: str  # "sam" | "sam2" | "efficientsam"
    encoder_input: str
    encoder_hw: tuple[int | None, int | None]  # fixed input height/width, None when dynamic
    feeds: tuple[tuple[str, str], ...]  # (encoder output name, decoder input name)
    decoder_has_orig_size: bool
    orig_size_type: str  # element type of orig_im_size ("float" or "int64")


def _tensors(items: Any) -> tuple[Tensor, ...]:
    out = []
    for item in items:
        dims = tuple(d if isinstance(d, int) and d > 0 else (d or None) for d in (item.shape or ()))
        kind = str(item.type).removeprefix("tensor(").removesuffix(")")
        out.append(Tensor(item.name, dims, kind))
    return tuple(out)


def detect_layout(encoder: Signature, decoder: Signature) -> Layout:
    """The layout of this pair; :class:`SegmenterLayoutError` naming the file otherwise."""
    names = set(decoder.input_names())
    if _looks_like_decoder(encoder) and not _looks_like_decoder(decoder):
        raise SegmenterLayoutError(
            f"{encoder.path.name} looks like a prompt decoder and {decoder.path.name} like an "
            "image encoder: pass the encoder first and the decoder second"
        )
    if {"batched_point_coords", "batched_point_labels"} <= names:
        layout = "efficientsam"
        _require(decoder, EFFICIENTSAM_DECODER, layout)
    elif any(group[1] in names for group in SAM2_FEATURES):
        layout = "sam2"
        group = next(g for g in SAM2_FEATURES if g[1] in names)
        _require(decoder, (*group, *SAM_PROMPTS), layout)
    elif set(SAM_DECODER) <= names:
        layout = "sam"
        _require(decoder, SAM_DECODER, layout)
    else:
        known = "; ".join(f"{k}: {v}" for k, v in EXPECTED.items())
        raise SegmenterLayoutError(
            f"{decoder.path.name} is not a prompt decoder in a known layout; found "
            f"{decoder.describe()}. Expected one of: {known}"
        )
    encoder_input = _encoder_input(encoder, layout)
    feeds = _feeds(encoder, decoder, layout)
    orig = decoder.input("orig_im_size")
    dims = encoder_input.dims
    return Layout(
        name=layout,
        encoder_input=encoder_input.name,
        encoder_hw=(_fixed(dims[2]), _fixed(dims[3])),
        feeds=feeds,
        decoder_has_orig_size=orig is not None,
        orig_size_type=orig.type if orig is not None else "float",
    )


def _looks_like_decoder(sig: Signature) -> bool:
    names = set(sig.input_names())
    return bool(names & {"point_coords", "batched_point_coords"})


def _require(decoder: Signature, needed: tuple[str, ...], layout: str) -> None:
    missing = [n for n in needed if decoder.input(n) is None]
    if missing:
        raise SegmenterLayoutError(
            f"{decoder.path.name} looks like a {layout} decoder but lacks the inputs "
            f"{', '.join(missing)}; found {decoder.describe()}. Expected {EXPECTED[layout]}"
        )
    if not any(o.name == "masks" for o in decoder.outputs) and len(decoder.outputs) < 2:
        raise SegmenterLayoutError(
            f"{decoder.path.name}: a {layout} decoder outputs masks and iou_predictions; "
            f"found {decoder.describe()}"
        )


def _encoder_input(encoder: Signature, layout: str) -> Tensor:
    images = [t for t in encoder.inputs if len(t.dims) == 4]
    if len(encoder.inputs) != 1 or not images or images[0].dims[1] not in (3, None):
        raise SegmenterLayoutError(
            f"{encoder.path.name} is not a {layout} image encoder: it should take one image "
            f"input (1, 3, H, W); found {encoder.describe()}"
        )
    return images[0]


def _feeds(encoder: Signature, decoder: Signature, layout: str) -> tuple[tuple[str, str], ...]:
    """Pair each encoder output with the decoder input it feeds: by name, then by shape."""
    prompt_inputs = set(SAM_PROMPTS) | {
        "orig_im_size",
        "batched_point_coords",
        "batched_point_labels",
    }
    wanted = [t for t in decoder.inputs if t.name not in prompt_inputs]
    outputs = list(encoder.outputs)
    if len(outputs) < len(wanted):
        raise SegmenterLayoutError(
            f"{encoder.path.name} is not the encoder of {decoder.path.name}: the decoder takes "
            f"{', '.join(t.name for t in wanted)} but the encoder outputs "
            f"{', '.join(t.name for t in outputs) or 'nothing'}"
        )
    pairs: list[tuple[str, str]] = []
    free = list(outputs)
    for target in wanted:
        match = next((o for o in free if o.name == target.name), None)
        if match is None:
            match = next((o for o in free if _same_static_shape(o, target)), None)
        if match is None and len(wanted) == 1:
            match = free[0]
        if match is None:
            raise SegmenterLayoutError(
                f"{encoder.path.name}: no encoder output fits the decoder input "
                f"{target.show()} of {decoder.path.name}; encoder {encoder.describe()}"
            )
        free.remove(match)
        pairs.append((match.name, target.name))
    _check_channels(encoder, pairs, outputs, layout)
    return tuple(pairs)


def _check_channels(
    encoder: Signature, pairs: list[tuple[str, str]], outputs: list[Tensor], layout: str
) -> None:
    by_name = {o.name: o for o in outputs}
    for source, target in pairs:
        dims = by_name[source].dims
        if len(dims) != 4:
            raise SegmenterLayoutError(
                f"{encoder.path.name}: output {by_name[source].show()} feeds {target} of a "
                f"{layout} decoder, which takes (1, C, H, W) features"
            )


def _same_static_shape(a: Tensor, b: Tensor) -> bool:
    fixed = [x for x in (*a.dims[1:], *b.dims[1:]) if isinstance(x, int)]
    return (
        len(a.dims) == len(b.dims)
        and len(fixed) == 2 * (len(a.dims) - 1)
        and (a.dims[1:] == b.dims[1:])
    )


def _fixed(dim: Dim) -> int | None:
    return dim if isinstance(dim, int) else None
