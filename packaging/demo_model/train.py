"""Train the labeler demo detector on generated data (CPU) and export it to ONNX.

Dev-time only: needs torch==2.13.0 (CPU) and onnx; the app never imports this.

    pip install torch==2.13.0
    python packaging/demo_model/train.py            # trains, exports, evaluates

Steps: generate a training set with labeler.demo.synth (seed --data-seed, mixed image sizes,
letterboxed to --imgsz), train model.Detector with FCOS-style centre sampling, quality focal
loss and GIoU loss (AdamW, cosine schedule, EMA weights), export the EMA model with the
decoding inside the graph (Ultralytics YOLOv8 layout), add Ultralytics-style metadata, write
the JSON config, then run eval.py on the held-out set (different seed) with ONNX Runtime.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # be polite on a shared 2-core machine

import argparse
import copy
import json
import math
import multiprocessing as mp
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from common import letterbox  # noqa: E402
from model import STRIDES, Detector, ExportWrapper, decode, flatten_raw, make_points  # noqa: E402

from labeler.demo.synth import CLASSES, generate_image  # noqa: E402

# Training image sizes (w, h, weight): mostly 4:3 landscape like phone photos.
SIZES = [
    ((640, 480), 0.55),
    ((480, 640), 0.15),
    ((640, 640), 0.1),
    ((720, 480), 0.1),
    ((800, 600), 0.1),
]
# Level ranges on the box's longer side, in input pixels (overlapping on purpose).
LEVEL_RANGES = [(0.0, 96.0), (48.0, 192.0), (128.0, 1e9)]
CENTER_RADIUS = 1.5  # strides


# --------------------------------------------------------------------------- data


def _make_sample(args: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    seed, index, imgsz = args
    rng = np.random.default_rng([seed, index])
    k = rng.choice(len(SIZES), p=[w for _, w in SIZES])
    (w, h) = SIZES[k][0]
    sample = generate_image(rng, w, h)
    canvas, r, (px, py) = letterbox(sample.image, imgsz)
    rows = [
        [
            CLASSES.index(o.class_name),
            o.box[0] * r + px,
            o.box[1] * r + py,
            o.box[2] * r + px,
            o.box[3] * r + py,
        ]
        for o in sample.objects
    ]
    target = np.array(rows, dtype=np.float32).reshape(-1, 5)
    return np.ascontiguousarray(canvas[:, :, ::-1].transpose(2, 0, 1)), target


def build_dataset(n: int, seed: int, imgsz: int, workers: int) -> tuple[torch.Tensor, list]:
    jobs = [(seed, i, imgsz) for i in range(n)]
    if workers > 1:
        with mp.get_context("fork").Pool(workers) as pool:
            out = pool.map(_make_sample, jobs, chunksize=32)
    else:
        out = [_make_sample(j) for j in jobs]
    images = torch.from_numpy(np.stack([o[0] for o in out]))
    return images, [torch.from_numpy(o[1]) for o in out]


def make_batch(
    images: torch.Tensor, targets: list, idx: list[int], gen: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Batch with random horizontal / vertical flips; targets padded to (B, M, ...)."""
    x = images[idx].float().div_(255.0)
    size = x.shape[-1]
    m = max(1, max(len(targets[i]) for i in idx))
    boxes = torch.zeros(len(idx), m, 4)
    cls = torch.zeros(len(idx), m, dtype=torch.long)
    valid = torch.zeros(len(idx), m, dtype=torch.bool)
    flips = torch.rand(len(idx), 2, generator=gen) < 0.5
    for b, i in enumerate(idx):
        t = targets[i].clone()
        if flips[b, 0]:
            x[b] = x[b].flip(-1)
            t[:, [1, 3]] = size - t[:, [3, 1]]
        if flips[b, 1]:
            x[b] = x[b].flip(-2)
            t[:, [2, 4]] = size - t[:, [4, 2]]
        k = len(t)
        boxes[b, :k] = t[:, 1:]
        cls[b, :k] = t[:, 0].long()
        valid[b, :k] = True
    return x.contiguous(memory_format=torch.channels_last), boxes, cls, valid


# --------------------------------------------------------------------------- loss


def assign(
    points: torch.Tensor,
    strides: torch.Tensor,
    level: torch.Tensor,
    boxes: torch.Tensor,
    valid: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Centre sampling: (B, N) positive mask and (B, N) index of the assigned box."""
    px, py = points[:, 0].view(1, 1, -1), points[:, 1].view(1, 1, -1)
    s = strides.view(1, 1, -1)
    x1, y1, x2, y2 = (boxes[..., k : k + 1] for k in range(4))  # B, M, 1
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    half = 0.5 * s
    in_box = (px > x1 - half) & (px < x2 + half) & (py > y1 - half) & (py < y2 + half)
    in_ctr = ((px - cx).abs() < CENTER_RADIUS * s) & ((py - cy).abs() < CENTER_RADIUS * s)
    longest = torch.maximum(x2 - x1, y2 - y1)
    lo = torch.tensor([r[0] for r in LEVEL_RANGES])[level].view(1, 1, -1)
    hi = torch.tensor([r[1] for r in LEVEL_RANGES])[level].view(1, 1, -1)
    in_lvl = (longest >= lo) & (longest <= hi)
    cand = in_box & in_ctr & in_lvl & valid.unsqueeze(-1)
    area = ((x2 - x1) * (y2 - y1)).expand_as(cand).masked_fill(~cand, float("inf"))
    best_area, best = area.min(1)
    return torch.isfinite(best_area), best


def xywh2xyxy(b: torch.Tensor) -> torch.Tensor:
    return torch.cat([b[..., :2] - b[..., 2:] / 2, b[..., :2] + b[..., 2:] / 2], -1)


def iou_giou(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    ix = (torch.minimum(a[:, 2], b[:, 2]) - torch.maximum(a[:, 0], b[:, 0])).clamp(min=0)
    iy = (torch.minimum(a[:, 3], b[:, 3]) - torch.maximum(a[:, 1], b[:, 1])).clamp(min=0)
    inter = ix * iy
    union = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1]) + (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = union - inter + 1e-7
    iou = inter / union
    cw = torch.maximum(a[:, 2], b[:, 2]) - torch.minimum(a[:, 0], b[:, 0])
    ch = torch.maximum(a[:, 3], b[:, 3]) - torch.minimum(a[:, 1], b[:, 1])
    hull = cw * ch + 1e-7
    return iou, iou - (hull - union) / hull


def compute_loss(
    raw: list[torch.Tensor],
    boxes: torch.Tensor,
    cls: torch.Tensor,
    valid: torch.Tensor,
    points: torch.Tensor,
    strides: torch.Tensor,
    level: torch.Tensor,
    nc: int,
) -> tuple[torch.Tensor, dict[str, float]]:
    flat = flatten_raw(raw).float()  # B, 4+nc, N
    pred = xywh2xyxy(decode(flat, points, strides).transpose(1, 2))  # B, N, 4
    logits = flat[:, 4:].transpose(1, 2)  # B, N, nc
    pos, idx = assign(points, strides, level, boxes, valid)
    n_pos = max(int(pos.sum()), 1)
    tgt_box = torch.gather(boxes, 1, idx.unsqueeze(-1).expand(-1, -1, 4))[pos]
    tgt_cls = torch.gather(cls, 1, idx)[pos]
    iou, giou = iou_giou(pred[pos], tgt_box)
    target = torch.zeros_like(logits)
    target[pos, tgt_cls] = iou.detach().clamp(min=0.0)
    # Quality focal loss (GFL): BCE towards the IoU, modulated by |p - y|^2.
    p = logits.sigmoid()
    qfl = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    qfl = (qfl * (p - target).abs().pow(2)).sum() / n_pos
    box_loss = (1.0 - giou).sum() / n_pos
    loss = qfl + 2.0 * box_loss
    parts = {
        "qfl": qfl.item(),
        "giou": box_loss.item(),
        "iou": iou.detach().mean().item() if len(iou) else 0.0,
        "pos": n_pos,
    }
    return loss, parts


# --------------------------------------------------------------------------- export


def export(model: Detector, imgsz: int, onnx_path: Path, json_path: Path) -> None:
    import onnx

    wrapper = ExportWrapper(copy.deepcopy(model).float().eval(), imgsz).eval()
    dummy = torch.zeros(1, 3, imgsz, imgsz)
    onnx_path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        wrapper,
        (dummy,),
        str(onnx_path),
        dynamo=False,
        opset_version=17,
        input_names=["images"],
        output_names=["output0"],
        dynamic_axes={"images": {0: "batch"}, "output0": {0: "batch"}},
        do_constant_folding=True,
    )
    m = onnx.load(str(onnx_path))
    meta = {
        "description": "labeler demo model",
        "author": "labeler demo model",
        "task": "detect",
        "stride": str(max(STRIDES)),
        "imgsz": f"[{imgsz}, {imgsz}]",
        "names": str(dict(enumerate(CLASSES))),
    }
    del m.metadata_props[:]
    for k, v in meta.items():
        m.metadata_props.add(key=k, value=v)
    # Name the output's fixed dims (the exporter leaves them symbolic after the reshapes).
    n_points = sum((imgsz // st) ** 2 for st in STRIDES)
    out_dims = m.graph.output[0].type.tensor_type.shape.dim
    out_dims[1].dim_value = 4 + len(CLASSES)
    out_dims[2].dim_value = n_points
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, str(onnx_path))
    config = {
        "task": "detect",
        "names": list(CLASSES),
        "conf": 0.25,
        "iou": 0.45,
        "input_size": [imgsz, imgsz],
    }
    json_path.write_text(json.dumps(config, indent=2) + "\n")
    # Check the graph against torch.
    import onnxruntime as ort

    x = torch.rand(2, 3, imgsz, imgsz, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        ref = wrapper(x).numpy()
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got = sess.run(None, {"images": x.numpy()})[0]
    err = float(np.abs(got - ref).max())
    print(
        f"exported {onnx_path} ({onnx_path.stat().st_size / 1e6:.2f} MB), output {got.shape}, "
        f"max |onnx - torch| = {err:.2e}"
    )
    assert err < 1e-2, err


# --------------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description="Train and export the labeler demo detector.")
    ap.add_argument("--imgsz", type=int, default=320)
    ap.add_argument("--train-n", type=int, default=4000)
    ap.add_argument("--data-seed", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0, help="torch / python seed")
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2, help="processes for data generation")
    ap.add_argument("--out", type=Path, default=ROOT / "labeler/data/models/demo_damage.onnx")
    ap.add_argument("--ckpt", type=Path, default=Path("/tmp/demo_damage.pt"))
    ap.add_argument("--eval-n", type=int, default=300)
    ap.add_argument("--eval-seed", type=int, default=2000)
    ap.add_argument("--no-eval", action="store_true")
    ap.add_argument(
        "--export-only", type=Path, metavar="CKPT", help="skip training: export this checkpoint"
    )
    args = ap.parse_args()

    if args.export_only:
        model = Detector(nc=len(CLASSES))
        model.load_state_dict(torch.load(args.export_only, weights_only=True)["ema"])
        export(model, args.imgsz, args.out, args.out.with_suffix(".json"))
        if not args.no_eval:
            run_eval(args)
        return

    t_start = time.time()
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)

    print(f"generating {args.train_n} training images (seed {args.data_seed}) ...", flush=True)
    images, targets = build_dataset(args.train_n, args.data_seed, args.imgsz, args.workers)
    n_obj = sum(len(t) for t in targets)
    print(f"  done in {time.time() - t_start:.0f}s, {n_obj} objects", flush=True)

    model = Detector(nc=len(CLASSES)).to(memory_format=torch.channels_last)
    ema = copy.deepcopy(model).eval()
    for p_ in ema.parameters():
        p_.requires_grad_(False)
    n_params = sum(p_.numel() for p_ in model.parameters())
    print(f"model: {n_params / 1e6:.2f} M parameters", flush=True)
    decay, no_decay = [], []
    for name, p_ in model.named_parameters():
        (no_decay if p_.ndim <= 1 or name.endswith(".bias") else decay).append(p_)
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}],
        lr=args.lr,
    )
    points, strides = make_points(args.imgsz)
    level = torch.cat(
        [torch.full(((args.imgsz // s) ** 2,), i, dtype=torch.long) for i, s in enumerate(STRIDES)]
    )
    steps_per_epoch = args.train_n // args.batch
    total = steps_per_epoch * args.epochs
    warmup = min(300, total // 10)
    gen = torch.Generator().manual_seed(args.seed)
    step = 0
    t_train = time.time()
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(args.train_n, generator=gen).tolist()
        agg: dict[str, float] = {}
        for it in range(steps_per_epoch):
            lr = args.lr * (
                step / warmup
                if step < warmup
                else 0.02
                + 0.98 * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))
            )
            for g in opt.param_groups:
                g["lr"] = lr
            idx = perm[it * args.batch : (it + 1) * args.batch]
            x, boxes, cls, valid = make_batch(images, targets, idx, gen)
            loss, parts = compute_loss(
                model(x), boxes, cls, valid, points, strides, level, len(CLASSES)
            )
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
            opt.step()
            step += 1
            d = 0.999 * (1 - math.exp(-step / 200))
            with torch.no_grad():
                for e, p_ in zip(
                    ema.state_dict().values(), model.state_dict().values(), strict=True
                ):
                    if e.dtype.is_floating_point:
                        e.mul_(d).add_(p_.detach(), alpha=1 - d)
                    else:
                        e.copy_(p_)
            for k, v in parts.items():
                agg[k] = agg.get(k, 0.0) + v
            if (it + 1) % 25 == 0:
                el = time.time() - t_train
                print(
                    f"ep {epoch + 1}/{args.epochs} it {it + 1}/{steps_per_epoch} lr {lr:.2e} "
                    + " ".join(f"{k} {v / (it + 1):.3f}" for k, v in agg.items())
                    + f" | {step * args.batch / el:.1f} img/s, {el / 60:.1f} min",
                    flush=True,
                )
        torch.save(
            {
                "model": model.state_dict(),
                "ema": ema.state_dict(),
                "args": {k: str(v) for k, v in vars(args).items()},
            },
            args.ckpt,
        )
    train_min = (time.time() - t_train) / 60
    print(f"training done: {train_min:.1f} min ({total} steps)", flush=True)

    export(ema, args.imgsz, args.out, args.out.with_suffix(".json"))
    total_min = (time.time() - t_start) / 60
    print(f"generate + train + export: {total_min:.1f} min", flush=True)
    if not args.no_eval:
        run_eval(args)


def run_eval(args: argparse.Namespace) -> None:
    from eval import evaluate

    res = evaluate(args.out, args.eval_n, args.eval_seed)
    for name, v in res["per_class"].items():
        print(f"  {name:8s} AP50 {v['ap']:.3f} (101-pt {v['ap101']:.3f}) n_gt {v['n_gt']}")
    print(f"  mAP50 {res['mAP50']:.3f} (101-pt {res['mAP50_101pt']:.3f})", flush=True)


if __name__ == "__main__":
    main()
