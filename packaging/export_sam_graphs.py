"""Export random-weight SAM ViT-B and SAM 2.1 hiera-tiny encoder/decoder pairs to ONNX.

A dev-time tool (torch is never a runtime or test dependency of labeler). It builds the real
architectures with the ``segment-anything`` and ``sam2`` packages, random weights (no
checkpoint: no PyPI wheel ships SAM weights), and exports them in the published layouts:

- ``sam_vit_b/encoder.onnx``: the image encoder, input ``image`` (1, 3, 1024, 1024),
  normalised and padded as labelme/osam and X-AnyLabeling feed it; output
  ``image_embeddings`` (1, 256, 64, 64).
- ``sam_vit_b/decoder.onnx``: ``segment_anything.utils.onnx.SamOnnxModel``, as
  segment-anything's ``scripts/export_onnx_model.py`` exports it (multimask outputs, the
  script's default): inputs image_embeddings, point_coords, point_labels, mask_input,
  has_mask_input, orig_im_size; outputs masks, iou_predictions, low_res_masks.
- ``sam2.1_hiera_tiny/encoder.onnx`` / ``decoder.onnx``: samexporter's / X-AnyLabeling's
  SAM 2 layout: encoder ``image`` -> high_res_feats_0, high_res_feats_1, image_embed; decoder
  image_embed, high_res_feats_0, high_res_feats_1, point_coords, point_labels, mask_input,
  has_mask_input -> masks (1024 x 1024 frame), iou_predictions, low_res_masks.

Usage::

    pip install torch segment-anything sam2 hydra-core iopath   # dev machine only
    python packaging/export_sam_graphs.py OUT_DIR [--only sam|sam2]

``segment_anything``'s package ``__init__`` imports its predictor, which needs torchvision;
only the model code is needed here, so the package's modules are loaded without running
that ``__init__`` (see :func:`_segment_anything`). Generated graphs stay out of git.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
import time
import types
import warnings
from pathlib import Path
from typing import Any

OPSET = 17
SEED = 0


def _segment_anything() -> tuple[Any, Any]:
    """``build_sam`` and ``utils.onnx`` of segment-anything, without its torchvision import."""
    if "segment_anything" not in sys.modules:
        spec = importlib.util.find_spec("segment_anything")
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit("segment-anything is not installed: pip install segment-anything")
        package = types.ModuleType("segment_anything")
        package.__path__ = list(spec.submodule_search_locations)
        sys.modules["segment_anything"] = package
    build = importlib.import_module("segment_anything.build_sam")
    onnx_utils = importlib.import_module("segment_anything.utils.onnx")
    return build, onnx_utils


def _export(
    model: Any,
    args: tuple,
    path: Path,
    inputs: list[str],
    outputs: list[str],
    dynamic: dict[str, dict[int, str]] | None = None,
) -> None:
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.no_grad():
            torch.onnx.export(
                model,
                args,
                str(path),
                input_names=inputs,
                output_names=outputs,
                dynamic_axes=dynamic,
                opset_version=OPSET,
                do_constant_folding=True,
                dynamo=False,
            )


def export_sam(out: Path, variant: str = "vit_b") -> tuple[Path, Path]:
    """Random-weight Segment Anything ``variant``: (encoder.onnx, decoder.onnx) in ``out``."""
    import torch

    build, onnx_utils = _segment_anything()
    torch.manual_seed(SEED)
    sam = build.sam_model_registry[variant](checkpoint=None).eval()
    folder = out / f"sam_{variant}"
    encoder, decoder = folder / "encoder.onnx", folder / "decoder.onnx"
    side = sam.image_encoder.img_size
    _export(
        sam.image_encoder,
        (torch.randn(1, 3, side, side),),
        encoder,
        ["image"],
        ["image_embeddings"],
    )
    wrapped = onnx_utils.SamOnnxModel(sam, return_single_mask=False).eval()
    dim = sam.prompt_encoder.embed_dim
    grid = sam.prompt_encoder.image_embedding_size
    mask_side = [4 * x for x in sam.prompt_encoder.image_embedding_size]
    example = (
        torch.randn(1, dim, *grid),
        torch.randint(0, 1024, (1, 5, 2), dtype=torch.float),
        torch.randint(0, 4, (1, 5), dtype=torch.float),
        torch.randn(1, 1, *mask_side),
        torch.tensor([1], dtype=torch.float),
        torch.tensor([1500, 2250], dtype=torch.float),
    )
    _export(
        wrapped,
        example,
        decoder,
        [
            "image_embeddings",
            "point_coords",
            "point_labels",
            "mask_input",
            "has_mask_input",
            "orig_im_size",
        ],
        ["masks", "iou_predictions", "low_res_masks"],
        {"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}},
    )
    return encoder, decoder


def _sam2_modules() -> tuple[Any, Any]:
    import torch
    from torch import nn

    class Sam2Encoder(nn.Module):
        """Image -> (high_res_feats_0, high_res_feats_1, image_embed), as samexporter."""

        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model
            self.sizes = [(256, 256), (128, 128), (64, 64)]

        def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, ...]:
            backbone = self.model.forward_image(image)
            _, feats, _, _ = self.model._prepare_backbone_features(backbone)
            if self.model.directly_add_no_mem_embed:
                feats[-1] = feats[-1] + self.model.no_mem_embed
            maps = [
                f.permute(1, 2, 0).reshape(1, -1, *size)
                for f, size in zip(feats[::-1], self.sizes[::-1], strict=True)
            ][::-1]
            return maps[0], maps[1], maps[2]

    class Sam2Decoder(nn.Module):
        """Prompt + features -> (masks 1024 x 1024, iou_predictions, low_res_masks)."""

        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model
            self.prompts = model.sam_prompt_encoder
            self.decoder = model.sam_mask_decoder

        def forward(
            self,
            image_embed,
            high_res_feats_0,
            high_res_feats_1,
            point_coords,
            point_labels,
            mask_input,
            has_mask_input,
        ):
            sparse = self._points(point_coords, point_labels)
            dense = has_mask_input * self.prompts.mask_downscaling(mask_input) + (
                1 - has_mask_input
            ) * self.prompts.no_mask_embed.weight.reshape(1, -1, 1, 1)
            masks, iou, _, _ = self.decoder.predict_masks(
                image_embeddings=image_embed,
                image_pe=self.prompts.get_dense_pe(),
                sparse_prompt_embeddings=sparse,
                dense_prompt_embeddings=dense,
                repeat_image=False,
                high_res_features=[high_res_feats_0, high_res_feats_1],
            )
            low = torch.clamp(masks[:, 1:], -32.0, 32.0)
            size = self.model.image_size
            high = torch.nn.functional.interpolate(
                low, (size, size), mode="bilinear", align_corners=False
            )
            return high, iou[:, 1:], low

        def _points(self, coords: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
            coords = coords + 0.5
            coords = torch.cat([coords, torch.zeros((coords.shape[0], 1, 2))], dim=1)
            labels = torch.cat([labels, -torch.ones((labels.shape[0], 1))], dim=1)
            coords = coords / self.model.image_size
            embedding = self.prompts.pe_layer._pe_encoding(coords)
            labels = labels.unsqueeze(-1).expand_as(embedding)
            embedding = embedding * (labels != -1)
            embedding = embedding + self.prompts.not_a_point_embed.weight * (labels == -1)
            for i in range(self.prompts.num_point_embeddings):
                embedding = embedding + self.prompts.point_embeddings[i].weight * (labels == i)
            return embedding

    return Sam2Encoder, Sam2Decoder


def export_sam2(out: Path, size: str = "t") -> tuple[Path, Path]:
    """Random-weight SAM 2.1 hiera ``size`` (t, s, b+, l): (encoder.onnx, decoder.onnx)."""
    import torch
    from sam2.build_sam import build_sam2

    names = {"t": "tiny", "s": "small", "b+": "base_plus", "l": "large"}
    torch.manual_seed(SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = build_sam2(f"configs/sam2.1/sam2.1_hiera_{size}.yaml", None, device="cpu")
    model = model.eval()
    encoder_cls, decoder_cls = _sam2_modules()
    folder = out / f"sam2.1_hiera_{names[size]}"
    encoder, decoder = folder / "encoder.onnx", folder / "decoder.onnx"
    side = model.image_size
    _export(
        encoder_cls(model).eval(),
        (torch.randn(1, 3, side, side),),
        encoder,
        ["image"],
        ["high_res_feats_0", "high_res_feats_1", "image_embed"],
    )
    example = (
        torch.randn(1, 256, 64, 64),
        torch.randn(1, 32, 256, 256),
        torch.randn(1, 64, 128, 128),
        torch.randint(0, 1024, (1, 3, 2), dtype=torch.float),
        torch.ones(1, 3),
        torch.zeros(1, 1, 256, 256),
        torch.tensor([0.0]),
    )
    _export(
        decoder_cls(model).eval(),
        example,
        decoder,
        [
            "image_embed",
            "high_res_feats_0",
            "high_res_feats_1",
            "point_coords",
            "point_labels",
            "mask_input",
            "has_mask_input",
        ],
        ["masks", "iou_predictions", "low_res_masks"],
        {"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}},
    )
    return encoder, decoder


def main(argv: list[str] | None = None) -> int:
    """Export the requested pairs and print where they went."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the model folders into")
    parser.add_argument("--only", choices=("sam", "sam2"), help="export one family only")
    args = parser.parse_args(argv)
    jobs = [("sam", export_sam), ("sam2", export_sam2)]
    for family, export in jobs:
        if args.only and family != args.only:
            continue
        started = time.perf_counter()
        encoder, decoder = export(args.out)
        mb = (encoder.stat().st_size + decoder.stat().st_size) / 1e6
        print(f"{family}: {encoder.parent} ({mb:.0f} MB, {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
