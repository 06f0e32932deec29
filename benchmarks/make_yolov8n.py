"""Build a third-party-style YOLOv8n ONNX export for the pre-labelling benchmarks (dev-time only).

No weights can be downloaded here, and Ultralytics cannot be imported without a torchvision
that matches the CPU torch wheel, so this file rebuilds the network of Ultralytics'
``yolov8n.yaml`` (scale n: depth 0.33, width 0.25) layer for layer in plain torch -- Conv
(conv + BatchNorm + SiLU), C2f, SPPF, the PAN neck, and the anchor-free Detect head with
DFL (reg_max 16) and Ultralytics' bias initialisation -- with random weights, and exports
it the way ``yolo export format=onnx`` does: input ``images`` (1, 3, S, S), output
``output0`` (1, 84, N) with cx, cy, w, h in input pixels and 80 sigmoid class scores,
metadata ``task``, ``names`` (the 80 COCO names as a dict literal), ``imgsz``, ``stride``,
``batch``. Same parameter count (3.16 M) and cost as the real one.

Plain random weights (PyTorch's default init, BatchNorm at its identity statistics, the
Ultralytics class bias of about -11.5) give a network whose outputs are its biases to six
digits: no detection at any threshold. Standing in for training, the last convolution of
each head is rescaled on a few generated photos so that class scores follow the image (the
top 0.5 % of cells score above 0.5) and box sizes vary (see ``_stand_in_for_training``).
How its detections move when the pixels move then says how far a decode shortcut changes
what a model sees; a trained model is steadier (compare the demo model's figures).

    pip install torch==2.13.0          # CPU wheel; never a runtime or test dependency
    python benchmarks/make_yolov8n.py --imgsz 320 --out /tmp/yolov8n_320.onnx
    python benchmarks/make_yolov8n.py --imgsz 640 --out /tmp/yolov8n_640.onnx

Generated models stay out of git.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import torch
from torch import nn

_COCO_NAMES = (
    "person bicycle car motorcycle airplane bus train truck boat traffic_light fire_hydrant "
    "stop_sign parking_meter bench bird cat dog horse sheep cow elephant bear zebra giraffe "
    "backpack umbrella handbag tie suitcase frisbee skis snowboard sports_ball kite "
    "baseball_bat baseball_glove skateboard surfboard tennis_racket bottle wine_glass cup fork "
    "knife spoon bowl banana apple sandwich orange broccoli carrot hot_dog pizza donut cake "
    "chair couch potted_plant bed dining_table toilet tv laptop mouse remote keyboard "
    "cell_phone microwave oven toaster sink refrigerator book clock vase scissors teddy_bear "
    "hair_drier toothbrush"
)
COCO = tuple(_COCO_NAMES.split())


class Conv(nn.Module):
    """Ultralytics Conv: conv (no bias) + BatchNorm (eps 1e-3) + SiLU."""

    def __init__(self, c1: int, c2: int, k: int = 1, s: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(c2, eps=1e-3, momentum=0.03)
        self.act = nn.SiLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    def __init__(self, c1: int, c2: int, shortcut: bool) -> None:
        super().__init__()
        self.cv1, self.cv2 = Conv(c1, c2, 3), Conv(c2, c2, 3)
        self.add = shortcut and c1 == c2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C2f(nn.Module):
    def __init__(self, c1: int, c2: int, n: int, shortcut: bool) -> None:
        super().__init__()
        self.c = c2 // 2
        self.cv1 = Conv(c1, 2 * self.c, 1)
        self.cv2 = Conv((2 + n) * self.c, c2, 1)
        self.m = nn.ModuleList(Bottleneck(self.c, self.c, shortcut) for _ in range(n))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = list(self.cv1(x).chunk(2, 1))
        y.extend(m(y[-1]) for m in self.m)
        return self.cv2(torch.cat(y, 1))


class SPPF(nn.Module):
    def __init__(self, c1: int, c2: int) -> None:
        super().__init__()
        self.cv1, self.cv2 = Conv(c1, c1 // 2, 1), Conv(c1 // 2 * 4, c2, 1)
        self.m = nn.MaxPool2d(5, 1, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = [self.cv1(x)]
        y.extend(self.m(y[-1]) for _ in range(3))
        return self.cv2(torch.cat(y, 1))


class Detect(nn.Module):
    """Anchor-free head with DFL; decodes to (batch, 4 + nc, N) like an Ultralytics export."""

    def __init__(self, nc: int, ch: tuple[int, ...], imgsz: int) -> None:
        super().__init__()
        self.nc, self.reg_max, self.strides = nc, 16, (8, 16, 32)
        c2, c3 = max(16, ch[0] // 4, 64), max(ch[0], min(nc, 100))
        self.cv2 = nn.ModuleList(
            nn.Sequential(Conv(x, c2, 3), Conv(c2, c2, 3), nn.Conv2d(c2, 64, 1)) for x in ch
        )
        self.cv3 = nn.ModuleList(
            nn.Sequential(Conv(x, c3, 3), Conv(c3, c3, 3), nn.Conv2d(c3, nc, 1)) for x in ch
        )
        self.dfl = nn.Conv2d(16, 1, 1, bias=False).requires_grad_(False)
        self.dfl.weight.data[:] = torch.arange(16, dtype=torch.float).view(1, 16, 1, 1)
        for a, b, s in zip(self.cv2, self.cv3, self.strides, strict=True):  # Ultralytics init
            a[-1].bias.data[:] = 1.0
            b[-1].bias.data[:nc] = math.log(5 / nc / (640 / s) ** 2)
        anchors, strides = [], []
        for s in self.strides:
            n = imgsz // s
            sy, sx = torch.meshgrid(torch.arange(n) + 0.5, torch.arange(n) + 0.5, indexing="ij")
            anchors.append(torch.stack((sx, sy), -1).view(-1, 2))
            strides.append(torch.full((n * n, 1), float(s)))
        self.register_buffer("anchors", torch.cat(anchors).T.unsqueeze(0))  # (1, 2, N)
        self.register_buffer("stride_t", torch.cat(strides).T.unsqueeze(0))  # (1, 1, N)

    def forward(self, feats: list[torch.Tensor]) -> torch.Tensor:
        b = feats[0].shape[0]
        x = torch.cat(
            [
                torch.cat((self.cv2[i](f), self.cv3[i](f)), 1).view(b, 64 + self.nc, -1)
                for i, f in enumerate(feats)
            ],
            2,
        )
        box, cls = x.split((64, self.nc), 1)
        n = box.shape[2]
        dist = self.dfl(box.view(b, 4, 16, n).transpose(2, 1).softmax(1)).view(b, 4, n)
        lt, rb = dist.chunk(2, 1)
        x1y1, x2y2 = self.anchors - lt, self.anchors + rb
        xywh = torch.cat(((x1y1 + x2y2) / 2, x2y2 - x1y1), 1) * self.stride_t
        return torch.cat((xywh, cls.sigmoid()), 1)


class YOLOv8n(nn.Module):
    def __init__(self, imgsz: int, nc: int = 80) -> None:
        super().__init__()
        self.b0, self.b1 = Conv(3, 16, 3, 2), Conv(16, 32, 3, 2)
        self.b2, self.b3 = C2f(32, 32, 1, True), Conv(32, 64, 3, 2)
        self.b4, self.b5 = C2f(64, 64, 2, True), Conv(64, 128, 3, 2)
        self.b6, self.b7 = C2f(128, 128, 2, True), Conv(128, 256, 3, 2)
        self.b8, self.b9 = C2f(256, 256, 1, True), SPPF(256, 256)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.h12, self.h15 = C2f(384, 128, 1, False), C2f(192, 64, 1, False)
        self.h16, self.h18 = Conv(64, 64, 3, 2), C2f(192, 128, 1, False)
        self.h19, self.h21 = Conv(128, 128, 3, 2), C2f(384, 256, 1, False)
        self.detect = Detect(nc, (64, 128, 256), imgsz)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        p3 = self.b4(self.b3(self.b2(self.b1(self.b0(x)))))
        p4 = self.b6(self.b5(p3))
        p5 = self.b9(self.b8(self.b7(p4)))
        h12 = self.h12(torch.cat((self.up(p5), p4), 1))
        h15 = self.h15(torch.cat((self.up(h12), p3), 1))
        h18 = self.h18(torch.cat((self.h16(h15), h12), 1))
        h21 = self.h21(torch.cat((self.h19(h18), p5), 1))
        return self.detect([h15, h18, h21])


def _calibration_batch(imgsz: int, n: int = 6, seed: int = 7) -> torch.Tensor:
    """Letterboxed generated photos (not the benchmark's images), RGB / 255, NCHW."""
    import sys

    import numpy as np

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from inference.preprocess import letterbox, to_blob
    from labeler.demo.synth import generate_image

    rng = np.random.default_rng(seed)
    canvases = [letterbox(generate_image(rng, 4000, 3000).image, (imgsz, imgsz))[0]
                for _ in range(n)]
    return torch.from_numpy(to_blob(canvases))


def _stand_in_for_training(model: YOLOv8n, imgsz: int) -> None:
    """Scale the head's last convolutions so outputs follow the image (see the docstring).

    With PyTorch's default init and BatchNorm at identity statistics every activation stays
    small, where SiLU is nearly linear: the network is a fixed random filter bank of the
    image, stable from one image to the next (He init with BatchNorm statistics instead
    gave a chaotic network whose scores saturated on one photo and vanished on the next).
    Its outputs are tiny, so each head's last convolution is rescaled on generated photos:
    class logits to a spread of 2 with the top 0.5 % of cells above 0.5, box logits to a
    spread of 1 so the DFL distances vary.
    """
    batch = _calibration_batch(imgsz)
    outputs: dict[str, list[torch.Tensor]] = {"cls": [], "box": []}
    hooks = [h[-1].register_forward_hook(lambda _m, _i, o: outputs["cls"].append(o.flatten()))
             for h in model.detect.cv3]
    hooks += [h[-1].register_forward_hook(lambda _m, _i, o: outputs["box"].append(o.flatten()))
              for h in model.detect.cv2]
    model.eval()
    heads_by_kind = (("cls", model.detect.cv3, 2.0), ("box", model.detect.cv2, 1.0))
    with torch.no_grad():
        for _kind, heads, _spread in heads_by_kind:
            for head in heads:
                head[-1].bias.data[:] = 0.0  # else the tiny signal is lost beside the bias
        model(batch)
        for kind, heads, spread in heads_by_kind:
            for head, raw in zip(heads, outputs[kind], strict=True):
                head[-1].weight.data *= spread / float(raw.std())
        outputs["cls"].clear()
        model(batch)
        top = torch.quantile(torch.cat(outputs["cls"]), 0.995)
        for head in model.detect.cv3:
            head[-1].bias.data -= top
    for hook in hooks:
        hook.remove()


def build(imgsz: int, out: Path, seed: int = 0) -> Path:
    """Export a seeded YOLOv8n at ``imgsz`` to ``out`` with Ultralytics metadata."""
    import onnx

    torch.manual_seed(seed)
    model = YOLOv8n(imgsz)
    _stand_in_for_training(model, imgsz)
    dummy = torch.zeros(1, 3, imgsz, imgsz)
    torch.onnx.export(
        model, (dummy,), str(out), input_names=["images"], output_names=["output0"],
        opset_version=17, dynamo=False,
    )
    proto = onnx.load(str(out))
    metadata = {
        "description": "Ultralytics YOLOv8n (architecture rebuilt, calibrated random weights)",
        "author": "labeler benchmarks", "stride": "32", "task": "detect", "batch": "1",
        "imgsz": f"[{imgsz}, {imgsz}]", "names": str(dict(enumerate(COCO))),
    }
    for key, value in metadata.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(proto, str(out))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--imgsz", type=int, default=640)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    path = build(args.imgsz, args.out, args.seed)
    params = sum(p.numel() for p in YOLOv8n(args.imgsz).parameters())
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {params / 1e6:.2f} M parameters)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
