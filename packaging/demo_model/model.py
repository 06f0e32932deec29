"""Compact anchor-free detector for the labeler demo (dev-time only; needs torch).

Architecture (about 0.5 M parameters, 0.30 G multiply-adds at 320x320):

* stem: 4x4 stride-4 "patchify" conv (3->32) + residual bottleneck (stride 4)
* stages: stride-2 conv + residual bottlenecks -> C3 (64 ch, /8), C4 (96 ch, /16), C5 (128, /32)
* neck: top-down FPN, 48 channels at every level
* heads: one per stride (8, 16, 32): two 3x3 convs then a 1x1 conv to 4 + nc channels

Each cell predicts its box as (dx, dy, log w, log h) in stride units relative to the cell
centre, plus one logit per class (no objectness). ``Detector.forward`` returns the raw
per-level maps for training; ``ExportWrapper`` decodes them inside the graph into the
Ultralytics YOLOv8 detection layout (batch, 4 + nc, N): cx, cy, w, h in input pixels, then
per-class sigmoid scores. N = sum over strides of (imgsz / stride)^2, row-major per level,
levels in stride order.
"""

from __future__ import annotations

import math

import torch
from torch import nn

STRIDES = (8, 16, 32)


def cba(c_in: int, c_out: int, k: int = 3, s: int = 1, p: int | None = None) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, k, s, k // 2 if p is None else p, bias=False),
        nn.BatchNorm2d(c_out),
        nn.SiLU(inplace=True),
    )


class Block(nn.Module):
    """Residual bottleneck: 1x1 reduce, 3x3, 1x1 expand."""

    def __init__(self, c: int):
        super().__init__()
        h = c // 2
        self.f = nn.Sequential(
            cba(c, h, 1), cba(h, h, 3), nn.Conv2d(h, c, 1, bias=False), nn.BatchNorm2d(c)
        )
        self.act = nn.SiLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(x + self.f(x))


class Detector(nn.Module):
    def __init__(
        self, nc: int = 3, widths: tuple[int, int, int, int] = (32, 64, 96, 128), neck: int = 48
    ):
        super().__init__()
        a, b, c, d = widths
        self.nc = nc
        self.stem = nn.Sequential(cba(3, a, 4, 4, 0), Block(a))
        self.s8 = nn.Sequential(cba(a, b, 3, 2), Block(b), Block(b))
        self.s16 = nn.Sequential(cba(b, c, 3, 2), Block(c), Block(c))
        self.s32 = nn.Sequential(cba(c, d, 3, 2), Block(d))
        self.lat3, self.lat4, self.lat5 = cba(b, neck, 1), cba(c, neck, 1), cba(d, neck, 1)
        self.fuse3, self.fuse4 = cba(neck, neck, 3), cba(neck, neck, 3)
        self.up = nn.Upsample(scale_factor=2.0, mode="nearest")
        self.heads = nn.ModuleList(
            nn.Sequential(cba(neck, neck, 3), cba(neck, neck, 3), nn.Conv2d(neck, 4 + nc, 1))
            for _ in STRIDES
        )
        for head in self.heads:
            out = head[-1]
            with torch.no_grad():
                out.weight.mul_(0.1)
                out.bias.zero_()
                out.bias[2:4] = math.log(3.0)  # boxes start about 3 strides wide
                out.bias[4:] = -math.log((1 - 0.01) / 0.01)  # prior score 0.01

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        x = self.stem(x)
        c3 = self.s8(x)
        c4 = self.s16(c3)
        c5 = self.s32(c4)
        p5 = self.lat5(c5)
        p4 = self.fuse4(self.lat4(c4) + self.up(p5))
        p3 = self.fuse3(self.lat3(c3) + self.up(p4))
        return [h(f) for h, f in zip(self.heads, (p3, p4, p5), strict=True)]


def make_points(imgsz: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Cell centres (N, 2) in input pixels and their strides (N,), in output order."""
    pts, strides = [], []
    for s in STRIDES:
        n = imgsz // s
        ys, xs = torch.meshgrid(
            torch.arange(n, dtype=torch.float32),
            torch.arange(n, dtype=torch.float32),
            indexing="ij",
        )
        pts.append((torch.stack([xs, ys], -1).reshape(-1, 2) + 0.5) * s)
        strides.append(torch.full((n * n,), float(s)))
    return torch.cat(pts, 0), torch.cat(strides, 0)


def flatten_raw(raw: list[torch.Tensor]) -> torch.Tensor:
    """Per-level maps (B, 4+nc, H, W) -> (B, 4+nc, N)."""
    return torch.cat([r.flatten(2) for r in raw], 2)


def decode(flat: torch.Tensor, points: torch.Tensor, strides: torch.Tensor) -> torch.Tensor:
    """(B, 4+nc, N) raw -> (B, 4, N) cx, cy, w, h in pixels (scores left out)."""
    pts = points.T.unsqueeze(0)  # 1, 2, N
    s = strides.view(1, 1, -1)
    xy = pts + flat[:, 0:2] * s
    wh = torch.exp(flat[:, 2:4].clamp(-6.0, 6.0)) * s
    return torch.cat([xy, wh], 1)


class ExportWrapper(nn.Module):
    """Decode inside the graph: output (B, 4 + nc, N) like an Ultralytics YOLOv8 export."""

    def __init__(self, model: Detector, imgsz: int):
        super().__init__()
        self.model = model
        points, strides = make_points(imgsz)
        self.register_buffer("points", points)
        self.register_buffer("strides", strides)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        flat = flatten_raw(self.model(images))
        return torch.cat([decode(flat, self.points, self.strides), torch.sigmoid(flat[:, 4:])], 1)
