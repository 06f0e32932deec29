"""Train the demo's promptable segmenter and export it in the Segment Anything ONNX layout.

    python packaging/train_demo_segmenter.py [--minutes 50] [--seed 0] [--threads 1]
    python packaging/train_demo_segmenter.py --export-only /tmp/demo_segmenter.pt

A development tool (torch is not a labeler dependency). It trains, from scratch on the CPU,
a small click/box -> mask network on images from ``labeler.demo.synth`` (all three classes,
true masks from the generator, see ``demo_segmenter_data.py``), then writes
``labeler/data/models/demo_segmenter/{encoder,decoder}.onnx`` and their entry in
``labeler/data/models/models.json`` (the shipped models folder's manifest):

``encoder.onnx``
    ``image`` float32 (1, 3, 1024, 1024), SAM preprocessing -> ``image_embeddings``
    float32 (1, 256, 64, 64).
``decoder.onnx``
    The inputs and outputs of segment-anything's ``scripts/export_onnx_model.py``
    (``SamOnnxModel`` with a single mask): ``image_embeddings``, ``point_coords`` (1, N, 2)
    in the 1024 frame, ``point_labels`` (1, N) (1 positive, 0 negative, 2/3 box corners,
    -1 padding), ``mask_input`` (1, 1, 256, 256), ``has_mask_input`` (1), ``orig_im_size``
    (2) -> ``masks`` (1, 1, H, W) logits, ``iou_predictions`` (1, 1), ``low_res_masks``
    (1, 1, 256, 256).

The network: a stride-16 CNN encoder whose 256 channels are 128 context channels and 128
fine channels (8 channels at stride 4, stored space-to-depth); a decoder that renders the
prompts as Gaussian, distance and box maps at 64x64, pools a query vector from the
embeddings under the positive clicks, mixes them at 64x64 with dilated convolutions, then
predicts each 64x64 cell's 4x4 low-res logits from its fine channels (depth-to-space at the
end: nothing runs at 256x256, the decoder's cost on a CPU). Training runs on 320x320 crops
of the 1024 frame (the network is translation-equivariant, the prompt maps depend only on
offsets), with a time budget and a cosine learning rate over that budget; a checkpoint is
written every few minutes. ``--freeze-encoder`` trains the decoder alone: the data workers
then pool the encoder's embeddings of whole frames (what the app decodes from) and crop
those. ``--touching`` draws a second dent touching some dents (the hard case of one click).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from demo_segmenter_data import (
    FRAME,
    PIXEL_MEAN,
    PIXEL_STD,
    MaskedObject,
    frame_scale,
    frame_size,
    generate_with_masks,
    low_res_target,
)

ROOT = Path(__file__).resolve().parents[1]
cv2.setNumThreads(1)  # OpenCV's thread pool deadlocks in forked data-loader workers
OUT_DIR = ROOT / "labeler" / "data" / "models" / "demo_segmenter"
MODEL_NAME = "demo_segmenter"
CROP = 320
MAX_POINTS = 8
CLICK_RADIUS = 288.0  # frame pixels; see locality_penalty
BOX_MARGIN = 24.0
FINE_MAPS = 5  # g_pos, g_neg, d_pos, d_neg, inside: the prompt maps the 256x256 stage sees
SIZES = ((960, 720), (960, 720), (960, 720), (640, 480), (720, 960), (1024, 768), (800, 600))


# --------------------------------------------------------------------------- network


def conv_bn(cin: int, cout: int, k: int = 1, s: int = 1, groups: int = 1, d: int = 1) -> nn.Module:
    """Convolution + batch norm + ReLU."""
    pad = 0 if k == s else d * (k // 2)
    return nn.Sequential(
        nn.Conv2d(cin, cout, k, s, pad, dilation=d, groups=groups, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class DWBlock(nn.Module):
    """Residual depthwise-separable block: dw3x3 (dilated) -> pw, added to the input."""

    def __init__(self, c: int, d: int = 1) -> None:
        super().__init__()
        self.dw = conv_bn(c, c, 3, 1, groups=c, d=d)
        self.pw = nn.Sequential(nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(x + self.pw(self.dw(x)))


def down(cin: int, cout: int) -> nn.Module:
    """Stride-2 depthwise 3x3 then pointwise to ``cout``."""
    return nn.Sequential(conv_bn(cin, cin, 3, 2, groups=cin), conv_bn(cin, cout, 1))


class Encoder(nn.Module):
    """(B, 3, H, W) normalised image -> (B, 256, H/16, W/16): 128 context + 128 fine channels."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Sequential(conv_bn(3, 32, 4, 4), DWBlock(32))
        self.fine = nn.Sequential(conv_bn(32, 16, 3), nn.Conv2d(16, 8, 1))
        self.s8 = nn.Sequential(down(32, 64), DWBlock(64), DWBlock(64, 2))
        self.s16 = nn.Sequential(
            down(64, 128), DWBlock(128), DWBlock(128, 2), DWBlock(128, 4), DWBlock(128, 8)
        )
        self.head = nn.Conv2d(128, 128, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x4 = self.stem(x)
        fine = F.pixel_unshuffle(self.fine(x4), 4)
        context = self.head(self.s16(self.s8(x4)))
        return torch.cat([context, fine], 1)


def prompt_maps(
    points: torch.Tensor, labels: torch.Tensor, stride: int, h: int, w: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Render prompts on a grid of cell centres (frame pixels); returns (maps, query weights).

    points (B, N, 2) x/y in frame pixels; labels (B, N): 1 positive, 0 negative, 2/3 box
    corners, -1 ignored. maps: (B, 11, h, w); query weights: (B, 1, h, w).
    """
    gx = ((torch.arange(w, dtype=torch.float32) + 0.5) * stride).view(1, 1, 1, w)
    gy = ((torch.arange(h, dtype=torch.float32) + 0.5) * stride).view(1, 1, h, 1)
    px = points[:, :, 0, None, None]
    py = points[:, :, 1, None, None]
    d2 = (gx - px) ** 2 + (gy - py) ** 2
    lab = labels[:, :, None, None]
    pos, neg = (lab == 1).float(), (lab == 0).float()
    tl, br = (lab == 2).float(), (lab == 3).float()
    g_pos = (torch.exp(-d2 / (2 * 12.0**2)) * pos).amax(1, keepdim=True)
    g_neg = (torch.exp(-d2 / (2 * 12.0**2)) * neg).amax(1, keepdim=True)
    q_pos = (torch.exp(-d2 / (2 * 20.0**2)) * pos).sum(1, keepdim=True)
    big = 1.0e8
    d_pos = torch.sqrt(torch.amin(d2 + (1 - pos) * big, 1, keepdim=True)).clamp(max=384) / 128
    d_neg = torch.sqrt(torch.amin(d2 + (1 - neg) * big, 1, keepdim=True)).clamp(max=384) / 128
    n_pos, n_tl, n_br = pos.sum(1, keepdim=True), tl.sum(1, keepdim=True), br.sum(1, keepdim=True)
    has_pos = n_pos.clamp(max=1)
    has_box = n_tl.clamp(max=1) * n_br.clamp(max=1)
    x1 = (px * tl).sum(1, keepdim=True) / n_tl.clamp(min=1)
    y1 = (py * tl).sum(1, keepdim=True) / n_tl.clamp(min=1)
    x2 = (px * br).sum(1, keepdim=True) / n_br.clamp(min=1)
    y2 = (py * br).sum(1, keepdim=True) / n_br.clamp(min=1)
    inside = (
        torch.sigmoid((gx - x1) / 4)
        * torch.sigmoid((x2 - gx) / 4)
        * torch.sigmoid((gy - y1) / 4)
        * torch.sigmoid((y2 - gy) / 4)
        * has_box
    )
    bw, bh = (x2 - x1).clamp(min=8), (y2 - y1).clamp(min=8)
    u = ((gx - x1) / bw - 0.5).clamp(-2, 2) * has_box
    v = ((gy - y1) / bh - 0.5).clamp(-2, 2) * has_box
    ax = torch.where(
        has_pos > 0, (px * pos).sum(1, keepdim=True) / n_pos.clamp(min=1), (x1 + x2) / 2
    )
    ay = torch.where(
        has_pos > 0, (py * pos).sum(1, keepdim=True) / n_pos.clamp(min=1), (y1 + y2) / 2
    )
    anyp = torch.maximum(has_pos, has_box)
    ox = ((gx - ax) / 128).clamp(-3, 3) * anyp
    oy = ((gy - ay) / 128).clamp(-3, 3) * anyp
    ones = torch.ones_like(d2[:, :1])
    maps = torch.cat(
        [
            g_pos,
            g_neg,
            d_pos,
            d_neg,
            inside,
            u * ones,
            v * ones,
            ox * ones,
            oy * ones,
            has_box * ones,
            has_pos * ones,
        ],
        1,
    )
    weights = q_pos * has_pos + inside * (1 - has_pos)
    return maps, weights


class Decoder(nn.Module):
    """Embeddings + prompts (+ optional previous mask) -> low-res mask logits and IoU estimate."""

    def __init__(self) -> None:
        super().__init__()
        self.proj = nn.Conv2d(128, 64, 1)
        self.film = nn.Linear(128, 128)
        self.query = nn.Linear(128, 64)
        self.mix = nn.Sequential(
            conv_bn(64 + 1 + 11 + 1, 64, 1),
            DWBlock(64),
            DWBlock(64, 2),
            DWBlock(64, 4),
            DWBlock(64, 8),
            conv_bn(64, 16, 1),
        )
        # The fine stage runs on the 64x64 grid: each cell sees its 4x4 fine pixels (stored
        # space-to-depth by the encoder) and predicts its 4x4 low-res logits (depth-to-space
        # afterwards), so nothing in the decoder runs at 256x256.
        self.refine = nn.Sequential(
            conv_bn(16 + 128 + FINE_MAPS + 16, 48, 1),
            conv_bn(48, 48, 3, groups=48),
            conv_bn(48, 48, 1),
            nn.Conv2d(48, 16, 1),
        )
        self.iou_head = nn.Linear(32, 1)

    def forward(
        self,
        emb: torch.Tensor,
        points: torch.Tensor,
        labels: torch.Tensor,
        mask_input: torch.Tensor,
        has_mask: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(low-res logits (B, 1, 4h, 4w), IoU estimate (B, 1))."""
        cells, iou = self.cells(emb, points, labels, mask_input, has_mask)
        return F.pixel_shuffle(cells, 4), iou

    def cells(
        self,
        emb: torch.Tensor,
        points: torch.Tensor,
        labels: torch.Tensor,
        mask_input: torch.Tensor,
        has_mask: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits as (B, 16, h, w): the 4x4 low-res pixels of each embedding cell."""
        h, w = emb.shape[2], emb.shape[3]
        context, fine = emb[:, :128], emb[:, 128:]
        maps16, weights = prompt_maps(points, labels, 16, h, w)
        # pooling and similarity as matrix products: one MatMul each in the graph, not a
        # broadcast product of the whole embedding followed by a reduction
        b = emb.shape[0]
        flat = weights.reshape(b, h * w, 1)
        q = torch.bmm(context.reshape(b, 128, h * w), flat)[:, :, 0] / (flat.sum(1) + 1e-3)
        gamma, beta = self.film(q).chunk(2, 1)
        p = self.proj(context)
        sim = torch.bmm(self.query(q)[:, None, :], p.reshape(b, 64, h * w)).reshape(b, 1, h, w) / 8
        x = F.relu(p * (1 + gamma[:, :, None, None]) + beta[:, :, None, None])
        m4 = F.pixel_unshuffle(mask_input * has_mask.view(-1, 1, 1, 1), 4) / 10
        m16 = m4.mean(1, keepdim=True)
        x = self.mix(torch.cat([x, sim, maps16, m16], 1))
        cells = self.refine(torch.cat([x, fine, maps16[:, :FINE_MAPS], m4], 1))
        pooled = torch.cat([x.mean((2, 3)), x.amax((2, 3))], 1)
        return cells, torch.sigmoid(self.iou_head(pooled))


def locality_penalty(
    points: torch.Tensor, labels: torch.Tensor, h: int, w: int, stride: int = 4
) -> torch.Tensor:
    """(B, 1, h, w) logit penalty for cells far from the prompt (a ``stride`` grid, frame pixels).

    Training sees 320x320 crops, so the decoder never learned what lies farther from a click
    than that; at the full frame it would otherwise add stray blobs there. With a box, cells
    more than ``BOX_MARGIN`` outside it are pushed down; without one, cells farther than
    ``CLICK_RADIUS`` from every positive click. Inside those ranges the logits are untouched.
    """
    gx = ((torch.arange(w, dtype=torch.float32) + 0.5) * stride).view(1, 1, 1, w)
    gy = ((torch.arange(h, dtype=torch.float32) + 0.5) * stride).view(1, 1, h, 1)
    px, py = points[:, :, 0, None, None], points[:, :, 1, None, None]
    lab = labels[:, :, None, None]
    pos, tl, br = (lab == 1).float(), (lab == 2).float(), (lab == 3).float()
    d2 = (gx - px) ** 2 + (gy - py) ** 2
    d_click = torch.sqrt(torch.amin(d2 + (1 - pos) * 1.0e8, 1, keepdim=True))
    n_tl, n_br = tl.sum(1, keepdim=True), br.sum(1, keepdim=True)
    has_box = n_tl.clamp(max=1) * n_br.clamp(max=1)
    x1 = (px * tl).sum(1, keepdim=True) / n_tl.clamp(min=1)
    y1 = (py * tl).sum(1, keepdim=True) / n_tl.clamp(min=1)
    x2 = (px * br).sum(1, keepdim=True) / n_br.clamp(min=1)
    y2 = (py * br).sum(1, keepdim=True) / n_br.clamp(min=1)
    dx = F.relu(torch.maximum(x1 - gx, gx - x2))
    dy = F.relu(torch.maximum(y1 - gy, gy - y2))
    d_box = torch.sqrt(dx * dx + dy * dy)
    over = has_box * F.relu(d_box - BOX_MARGIN) + (1 - has_box) * F.relu(d_click - CLICK_RADIUS)
    return (over / 4).clamp(max=40)


class SamDecoderExport(nn.Module):
    """The decoder with SAM's ONNX interface and mask post-processing (single mask).

    ``masks`` is SAM's post-processing in one step: the low-res logits of the image's part
    of the frame resized straight to ``orig_im_size`` (SAM upsamples the whole 256x256 to
    1024x1024 first, then crops and resizes again: the same picture at twice the cost).
    The locality penalty is computed per 64x64 cell, before the cells are spread out.
    """

    def __init__(self, decoder: Decoder) -> None:
        super().__init__()
        self.decoder = decoder

    def forward(
        self,
        image_embeddings: torch.Tensor,
        point_coords: torch.Tensor,
        point_labels: torch.Tensor,
        mask_input: torch.Tensor,
        has_mask_input: torch.Tensor,
        orig_im_size: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        cells, iou = self.decoder.cells(
            image_embeddings, point_coords, point_labels, mask_input, has_mask_input
        )
        h, w = cells.shape[2], cells.shape[3]
        cells = cells - locality_penalty(point_coords, point_labels, h, w, stride=16)
        low = F.pixel_shuffle(cells, 4)
        size = orig_im_size.to(torch.float32)
        prepadded = torch.floor(size * (FRAME / torch.max(size)) + 0.5)
        crop = torch.ceil(prepadded * (low.shape[2] / FRAME)).to(torch.int64)
        masks = low[..., : crop[0], : crop[1]]
        hw = orig_im_size.to(torch.int64)
        masks = F.interpolate(masks, size=(hw[0], hw[1]), mode="bilinear", align_corners=False)
        return masks, iou, low


# --------------------------------------------------------------------------- data


def _click_inside(
    rng: np.random.Generator, mask: np.ndarray, centre: tuple[float, float], dent: bool
) -> tuple[float, float]:
    """A click a user would give: near the centre of a dent, on the drawn line otherwise."""
    ys, xs = np.nonzero(mask)
    if dent and rng.random() < 0.7:
        spread = 0.12 * math.sqrt(xs.size / math.pi)
        for _ in range(8):
            x, y = centre[0] + rng.normal(0, spread), centre[1] + rng.normal(0, spread)
            if mask[min(mask.shape[0] - 1, max(0, int(y))), min(mask.shape[1] - 1, max(0, int(x)))]:
                return float(x), float(y)
    if not dent and rng.random() < 0.3:
        i = int(np.argmin((xs - centre[0]) ** 2 + (ys - centre[1]) ** 2))
    else:
        i = int(rng.integers(xs.size))
    return float(xs[i] + rng.uniform(0, 1)), float(ys[i] + rng.uniform(0, 1))


def _click_outside(
    rng: np.random.Generator, mask: np.ndarray, others: np.ndarray, box: tuple[float, ...]
) -> tuple[float, float] | None:
    """A negative click: on another object, or near the object but outside it."""
    if others.any() and rng.random() < 0.5:
        ys, xs = np.nonzero(others)
        i = int(rng.integers(xs.size))
        return float(xs[i]), float(ys[i])
    h, w = mask.shape
    bw, bh = box[2] - box[0], box[3] - box[1]
    for _ in range(10):
        x = rng.uniform(box[0] - 0.3 * bw, box[2] + 0.3 * bw)
        y = rng.uniform(box[1] - 0.3 * bh, box[3] + 0.3 * bh)
        if 0 <= x < w and 0 <= y < h and not mask[int(y), int(x)]:
            return float(x), float(y)
    return None


def sample_prompts(
    rng: np.random.Generator,
    mask: np.ndarray,
    others: np.ndarray,
    centre: tuple[float, float],
    box: tuple[float, ...],
    dent: bool,
) -> list[tuple[float, float, float]]:
    """Prompts in original pixels as (x, y, label), sampled the way users give them."""
    r = rng.random()
    pts: list[tuple[float, float, float]] = []
    n_pos = 1 if r < 0.75 else int(rng.integers(1, 4))
    if r < 0.45 or r >= 0.75:
        pts += [(*_click_inside(rng, mask, centre, dent), 1.0) for _ in range(n_pos)]
    if 0.45 <= r < 0.75:
        if r >= 0.65:
            pts.append((*_click_inside(rng, mask, centre, dent), 1.0))
        bw, bh = box[2] - box[0], box[3] - box[1]
        j = rng.normal(0, 1, 4) * np.array([bw, bh, bw, bh]) * 0.04 + rng.normal(0, 2, 4)
        pts.append((box[0] + j[0], box[1] + j[1], 2.0))
        pts.append((box[2] + j[2], box[3] + j[3], 3.0))
    if r >= 0.75:
        for _ in range(int(rng.integers(0, 4))):
            p = _click_outside(rng, mask, others, box)
            if p is not None:
                pts.append((*p, 0.0))
    if not any(lab == 2.0 for _, _, lab in pts) and rng.random() < 0.8:
        pts.append((0.0, 0.0, -1.0))
    return pts


def _perturbed_mask(rng: np.random.Generator, target: np.ndarray) -> np.ndarray:
    """A plausible previous low-res prediction (logits) derived from the true coverage."""
    m = (target > 0.5).astype(np.uint8)
    k = int(rng.integers(-2, 3))
    if k:
        kernel = np.ones((2 * abs(k) + 1, 2 * abs(k) + 1), np.uint8)
        m = cv2.dilate(m, kernel) if k > 0 else cv2.erode(m, kernel)
    m = np.roll(m, (int(rng.integers(-1, 2)), int(rng.integers(-1, 2))), (0, 1))
    return (m.astype(np.float32) * 2 - 1) * rng.uniform(2, 12)


@dataclass
class Pooled:
    """A generated image kept for reuse: the resized RGB frame (uint8) and its objects."""

    frame: np.ndarray  # uint8 (fh, fw, 3) RGB, the image resized into the 1024 frame
    scale: float
    objects: list[MaskedObject]
    targets: list[np.ndarray]  # float32 (256, 256) coverage per object
    embedding: np.ndarray | None = None  # float32 (256, 64, 64): the frozen encoder's output


def pooled_image(rng: np.random.Generator, touching: float = 0.0) -> Pooled | None:
    """Generate one image at a random demo-like size; None when it has no objects.

    ``touching``: the chance that a dent gets a second dent drawn touching it (the hard
    case of one-click segmentation, see ``demo_segmenter_data.generate_with_masks``).
    """
    width, height = SIZES[int(rng.integers(len(SIZES)))]
    sample = generate_with_masks(rng, width, height, touching=touching)
    if not sample.objects:
        return None
    nh, nw = frame_size(height, width)
    rgb = cv2.cvtColor(sample.image, cv2.COLOR_BGR2RGB)
    frame = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_LINEAR)
    targets = [low_res_target(o.mask) for o in sample.objects]
    return Pooled(frame, frame_scale(height, width), sample.objects, targets)


def _flip(item: dict[str, np.ndarray], axis: int) -> None:
    """Flip a crop sample in place along x (axis 0) or y (axis 1), prompts included."""
    for key in ("image", "target", "mask_input"):
        item[key] = np.ascontiguousarray(np.flip(item[key], -1 - axis))
    coords, labels = item["coords"], item["labels"]
    coords[:, axis] = np.where(labels >= 0, CROP - coords[:, axis], coords[:, axis])
    tl, br = np.nonzero(labels == 2)[0], np.nonzero(labels == 3)[0]
    if tl.size and br.size:
        a, b = coords[tl[0], axis], coords[br[0], axis]
        coords[tl[0], axis], coords[br[0], axis] = b, a


def crop_sample(rng: np.random.Generator, pooled: Pooled) -> dict[str, np.ndarray]:
    """One training crop with prompts for a random object of ``pooled`` (dents preferred)."""
    dents = [i for i, o in enumerate(pooled.objects) if o.class_name == "dent"]
    if dents and rng.random() < 0.75:
        idx = dents[int(rng.integers(len(dents)))]
    else:
        idx = int(rng.integers(len(pooled.objects)))
    obj, s = pooled.objects[idx], pooled.scale
    others = np.zeros_like(obj.mask)
    for o in pooled.objects:
        if o is not obj:
            others |= o.mask
    pts = sample_prompts(rng, obj.mask, others, obj.centre, obj.box, obj.class_name == "dent")
    cx, cy = obj.centre[0] * s, obj.centre[1] * s
    crop = CROP
    ox = int(np.clip(cx - rng.uniform(48, crop - 48), 0, FRAME - crop)) // 16 * 16
    oy = int(np.clip(cy - rng.uniform(48, crop - 48), 0, FRAME - crop)) // 16 * 16
    coords = np.zeros((MAX_POINTS, 2), np.float32)
    labels = np.full((MAX_POINTS,), -1.0, np.float32)
    for i, (x, y, lab) in enumerate(pts[:MAX_POINTS]):
        coords[i] = (x * s - ox, y * s - oy) if lab >= 0 else (-ox, -oy)
        labels[i] = lab
    t = pooled.targets[idx][oy // 4 : (oy + crop) // 4, ox // 4 : (ox + crop) // 4]
    has_mask = rng.random() < 0.2
    item = {
        "target": t[None].copy(),
        "coords": coords,
        "labels": labels,
        "mask_input": (_perturbed_mask(rng, t) if has_mask else np.zeros_like(t))[None],
        "has_mask": np.array([float(has_mask)], np.float32),
        "cls": np.array(["scratch", "crack", "dent"].index(obj.class_name)),
    }
    if pooled.embedding is not None:  # the frozen encoder's cells under the crop; no flips
        cells = pooled.embedding[:, oy // 16 : (oy + crop) // 16, ox // 16 : (ox + crop) // 16]
        item["emb"] = np.ascontiguousarray(cells)
        return item
    image = np.zeros((crop, crop, 3), np.float32)
    part = pooled.frame[oy : oy + crop, ox : ox + crop]
    image[: part.shape[0], : part.shape[1]] = (part.astype(np.float32) - PIXEL_MEAN) / PIXEL_STD
    item["image"] = image.transpose(2, 0, 1)
    for axis in (0, 1):
        if rng.random() < 0.5:
            _flip(item, axis)  # (pixel crops are CROP wide)
    return item


def frame_embedding(encoder: Encoder, frame: np.ndarray) -> np.ndarray:
    """The encoder's (256, 64, 64) output for a resized RGB frame, padded as SAM pads."""
    image = np.zeros((FRAME, FRAME, 3), np.float32)
    image[: frame.shape[0], : frame.shape[1]] = (frame.astype(np.float32) - PIXEL_MEAN) / PIXEL_STD
    with torch.no_grad():
        out = encoder(torch.from_numpy(image.transpose(2, 0, 1)[None].copy()))
    return out[0].numpy()


class Generated(torch.utils.data.IterableDataset):
    """An endless stream of training crops from a pool of generated images.

    A new image replaces a random pooled one every ``REUSE`` crops on average, so the
    generator's cost is shared by several crops (each with its own object, prompts,
    position and flips).
    """

    POOL = 96
    REUSE = 4

    def __init__(
        self, seed: int, touching: float = 0.0, encoder: dict[str, torch.Tensor] | None = None
    ) -> None:
        self.seed = seed
        self.touching = touching
        self.encoder = encoder  # a frozen encoder's weights: pool embeddings, not pixels
        if encoder is not None:  # one full-frame encoding serves many crops
            self.POOL, self.REUSE = 40, 20

    def __iter__(self):  # type: ignore[no-untyped-def]
        info = torch.utils.data.get_worker_info()
        rng = np.random.default_rng([self.seed, 1000 + (info.id if info else 0)])
        pool: list[Pooled] = []
        encoder = None
        if self.encoder is not None:
            torch.set_num_threads(1)
            encoder = Encoder().eval()
            encoder.load_state_dict(self.encoder)
        while True:
            if len(pool) < self.POOL // 4 or rng.random() < 1 / self.REUSE:
                fresh = pooled_image(rng, self.touching)
                if fresh is not None and encoder is not None:
                    fresh.embedding = frame_embedding(encoder, fresh.frame)
                if fresh is not None:
                    if len(pool) < self.POOL:
                        pool.append(fresh)
                    else:
                        pool[int(rng.integers(len(pool)))] = fresh
                    continue
            if pool:
                yield crop_sample(rng, pool[int(rng.integers(len(pool)))])


# --------------------------------------------------------------------------- training


def losses(
    low: torch.Tensor, iou_pred: torch.Tensor, target: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """(BCE + dice + IoU-head MSE, per-sample hard IoU) at the low-res grid."""
    bce = F.binary_cross_entropy_with_logits(low, target)
    prob = torch.sigmoid(low)
    inter = (prob * target).sum((1, 2, 3))
    dice = 1 - (2 * inter + 1) / (prob.sum((1, 2, 3)) + target.sum((1, 2, 3)) + 1)
    hard, gt = (low > 0).float(), (target > 0.5).float()
    union = torch.maximum(hard, gt).sum((1, 2, 3))
    iou = (hard * gt).sum((1, 2, 3)) / union.clamp(min=1)
    mse = F.mse_loss(iou_pred[:, 0], iou.detach())
    return bce + dice.mean() + mse, iou


def train(args: argparse.Namespace) -> tuple[Encoder, Decoder]:
    """Train for ``args.minutes``; checkpoints to ``args.checkpoint``."""
    torch.manual_seed(args.seed)
    encoder, decoder = Encoder(), Decoder()
    if args.init:
        state = torch.load(args.init, weights_only=True)
        encoder.load_state_dict(state["encoder"])
        skipped = load_matching(decoder, state["decoder"])
        print(f"starting from {args.init} (step {state['step']})", flush=True)
        if skipped:
            print(f"  decoder tensors of another shape, trained afresh: {skipped}", flush=True)
    if args.freeze_encoder:
        encoder.eval()  # batch norm on its running statistics, as exported
        for p in encoder.parameters():
            p.requires_grad_(False)
    params = [p for p in (*encoder.parameters(), *decoder.parameters()) if p.requires_grad]
    print(
        f"params: encoder {sum(p.numel() for p in encoder.parameters()):,}, "
        f"decoder {sum(p.numel() for p in decoder.parameters()):,}",
        flush=True,
    )
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=1e-4)
    loader = torch.utils.data.DataLoader(
        Generated(args.seed, args.touching, encoder.state_dict() if args.freeze_encoder else None),
        batch_size=args.batch,
        num_workers=args.workers,
        persistent_workers=True,
    )
    budget = args.minutes * 60
    start = last_ckpt = time.time()
    step, run_loss, run_iou = 0, 0.0, {0: [], 1: [], 2: []}
    for batch in loader:
        elapsed = time.time() - start
        if elapsed > budget:
            break
        warm = min(1.0, (step + 1) / args.warmup)
        lr = args.lr * warm * 0.5 * (1 + math.cos(math.pi * elapsed / budget))
        for g in opt.param_groups:
            g["lr"] = lr
        # frozen encoder: the data workers pooled its embeddings of the whole frame
        embeddings = batch["emb"] if "emb" in batch else encoder(batch["image"])
        low, iou_pred = decoder(
            embeddings,
            batch["coords"],
            batch["labels"],
            batch["mask_input"],
            batch["has_mask"][:, 0],
        )
        loss, iou = losses(low, iou_pred, batch["target"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        run_loss += float(loss.detach())
        for c, v in zip(batch["cls"].tolist(), iou.tolist(), strict=True):
            run_iou[c].append(v)
        if step % 50 == 0:
            per = " ".join(
                f"{n}={np.mean(run_iou[c]):.3f}"
                for c, n in enumerate(("scratch", "crack", "dent"))
                if run_iou[c]
            )
            print(
                f"step {step} {elapsed / 60:.1f} min lr {lr:.2e} loss {run_loss / 50:.3f} "
                f"train IoU {per}",
                flush=True,
            )
            run_loss, run_iou = 0.0, {0: [], 1: [], 2: []}
        if time.time() - last_ckpt > args.checkpoint_every * 60:
            save(encoder, decoder, args.checkpoint, step)
            last_ckpt = time.time()
    save(encoder, decoder, args.checkpoint, step)
    print(f"trained {step} steps in {(time.time() - start) / 60:.1f} min", flush=True)
    return encoder, decoder


def load_matching(module: nn.Module, state: dict[str, torch.Tensor]) -> list[str]:
    """Load the tensors of ``state`` whose name and shape fit ``module``; returns the rest."""
    own = module.state_dict()
    fits = {k: v for k, v in state.items() if k in own and own[k].shape == v.shape}
    module.load_state_dict(fits, strict=False)
    return sorted({k.rsplit(".", 2)[0] for k in own if k not in fits})


def save(encoder: Encoder, decoder: Decoder, path: Path, step: int) -> None:
    """Write a checkpoint (atomically: temp file, then rename)."""
    tmp = path.with_suffix(".tmp")
    torch.save(
        {"encoder": encoder.state_dict(), "decoder": decoder.state_dict(), "step": step}, tmp
    )
    tmp.replace(path)
    print(f"checkpoint {path} at step {step}", flush=True)


# --------------------------------------------------------------------------- export


def export(encoder: Encoder, decoder: Decoder, out_dir: Path) -> None:
    """Write encoder.onnx, decoder.onnx (SAM layout) and the models.json manifest."""
    out_dir.mkdir(parents=True, exist_ok=True)
    encoder.eval()
    decoder.eval()
    image = torch.zeros(1, 3, FRAME, FRAME)
    torch.onnx.export(
        encoder,
        (image,),
        str(out_dir / "encoder.onnx"),
        input_names=["image"],
        output_names=["image_embeddings"],
        opset_version=17,
        dynamo=False,
    )
    wrapper = SamDecoderExport(decoder)
    dummy = (
        torch.randn(1, 256, 64, 64),
        torch.randint(0, 1024, (1, 5, 2)).float(),
        torch.randint(0, 4, (1, 5)).float(),
        torch.randn(1, 1, 256, 256),
        torch.tensor([1.0]),
        torch.tensor([1500.0, 2250.0]),
    )
    torch.onnx.export(
        wrapper,
        dummy,
        str(out_dir / "decoder.onnx"),
        input_names=[
            "image_embeddings",
            "point_coords",
            "point_labels",
            "mask_input",
            "has_mask_input",
            "orig_im_size",
        ],
        output_names=["masks", "iou_predictions", "low_res_masks"],
        dynamic_axes={"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}},
        opset_version=17,
        dynamo=False,
    )
    write_manifest(out_dir)


def write_manifest(out_dir: Path) -> None:
    """Record the two graphs in ``models.json`` beside ``out_dir`` (labeler's format 1).

    The manifest of a models folder names each model and its files relative to that folder
    (see ``labeler/core/segment_models.py``); an existing entry of the same name is replaced,
    other entries are kept.
    """
    files = {}
    for role in ("encoder", "decoder"):
        path = out_dir / f"{role}.onnx"
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        files[role] = {"path": f"{out_dir.name}/{path.name}", "sha256": digest}
        print(f"{path.name}: {path.stat().st_size / 1e6:.2f} MB sha256 {digest}")
    manifest_path = out_dir.parent / "models.json"
    manifest = (
        json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest_path.exists()
        else {"format": 1, "models": []}
    )
    entry = {
        "name": MODEL_NAME,
        "kind": "segmenter",
        "layout": "sam",
        "description": "Small promptable segmenter trained on labeler's generated demo damage "
        "(packaging/train_demo_segmenter.py); Segment Anything ONNX layout.",
        "files": files,
    }
    manifest["models"] = [m for m in manifest["models"] if m.get("name") != MODEL_NAME]
    manifest["models"].append(entry)
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    """Parse arguments, train (or load a checkpoint) and export."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=50.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--checkpoint", type=Path, default=Path("/tmp/demo_segmenter.pt"))
    ap.add_argument("--warmup", type=int, default=30, help="steps of linear warm-up")
    ap.add_argument("--init", type=Path, default=None, help="start from this checkpoint")
    ap.add_argument(
        "--freeze-encoder",
        action="store_true",
        help="train the decoder only (the encoder as in --init): about 3x faster steps",
    )
    ap.add_argument(
        "--touching", type=float, default=0.5, help="chance a dent gets a touching neighbour"
    )
    ap.add_argument("--checkpoint-every", type=float, default=4.0)
    ap.add_argument("--export-only", type=Path, default=None, help="export this checkpoint")
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.export_only:
        encoder, decoder = Encoder(), Decoder()
        state = torch.load(args.export_only, weights_only=True)
        encoder.load_state_dict(state["encoder"])
        decoder.load_state_dict(state["decoder"])
        print(f"loaded {args.export_only} (step {state['step']})")
    else:
        encoder, decoder = train(args)
    export(encoder, decoder, args.out)


if __name__ == "__main__":
    main()
