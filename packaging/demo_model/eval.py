"""Evaluate the exported demo detector with ONNX Runtime (CPU) on a held-out generated set.

Pipeline, as the app would run it: generate JPEGs with labeler.demo.synth.write_dataset
(seed and size below), read them back with cv2.imread, letterbox to the model's input size
(grey 114), run the ONNX model, keep candidates above a confidence threshold, class-wise NMS,
map boxes back to the image. Reports AP at IoU 0.5 per class and their mean, both all-point
interpolated (VOC 2010+) and 101-point (COCO style), plus precision/recall at the app's
default confidence.

    python packaging/demo_model/eval.py --model labeler/data/models/demo_damage.onnx
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from common import letterbox, to_input  # noqa: E402

from labeler.demo.synth import CLASSES, write_dataset  # noqa: E402


def load_session(model: Path, threads: int = 2) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])


def postprocess(
    out: np.ndarray, r: float, pad: tuple[float, float], conf: float, iou: float, max_det: int = 100
) -> list[tuple[int, float, np.ndarray]]:
    """out (4+nc, N) -> [(class, score, xyxy in original pixels)] after class-wise NMS."""
    scores_all = out[4:]
    cls = scores_all.argmax(0)
    scores = scores_all[cls, np.arange(scores_all.shape[1])]
    keep = scores > conf
    if not keep.any():
        return []
    boxes, cls, scores = out[:4, keep].T, cls[keep], scores[keep]
    order = np.argsort(-scores)[:1000]
    boxes, cls, scores = boxes[order], cls[order], scores[order]
    xywh = np.stack(
        [boxes[:, 0] - boxes[:, 2] / 2, boxes[:, 1] - boxes[:, 3] / 2, boxes[:, 2], boxes[:, 3]], 1
    )
    # class offset so one NMS call never suppresses across classes
    offset = (cls[:, None] * 10000.0).astype(np.float32)
    shifted = xywh.copy()
    shifted[:, :2] += offset
    idx = cv2.dnn.NMSBoxes(shifted.tolist(), scores.tolist(), conf, iou)
    idx = np.array(idx, dtype=int).reshape(-1)[:max_det]
    result = []
    for i in idx:
        x, y, w, h = xywh[i]
        xyxy = np.array(
            [(x - pad[0]) / r, (y - pad[1]) / r, (x + w - pad[0]) / r, (y + h - pad[1]) / r]
        )
        result.append((int(cls[i]), float(scores[i]), xyxy))
    return result


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU between one box a (4,) and boxes b (M, 4), xyxy."""
    ix = np.clip(np.minimum(a[2], b[:, 2]) - np.maximum(a[0], b[:, 0]), 0, None)
    iy = np.clip(np.minimum(a[3], b[:, 3]) - np.maximum(a[1], b[:, 1]), 0, None)
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]) - inter
    return inter / np.maximum(union, 1e-9)


def average_precision(
    dets: list[tuple[int, float, np.ndarray]], gts: dict[int, np.ndarray], iou_thr: float = 0.5
) -> dict[str, float]:
    """dets: (image index, score, box); gts: image index -> (M, 4). Returns AP and stats."""
    n_gt = sum(len(g) for g in gts.values())
    if n_gt == 0:
        return {"ap": float("nan"), "ap101": float("nan"), "n_gt": 0}
    used = {k: np.zeros(len(v), bool) for k, v in gts.items()}
    dets = sorted(dets, key=lambda d: -d[1])
    tp = np.zeros(len(dets))
    for i, (img, _, box) in enumerate(dets):
        g = gts.get(img)
        if g is None or len(g) == 0:
            continue
        ious = box_iou(box, g)
        j = int(ious.argmax())
        if ious[j] >= iou_thr and not used[img][j]:
            used[img][j] = True
            tp[i] = 1
    ctp = np.cumsum(tp)
    recall = ctp / n_gt
    precision = ctp / np.arange(1, len(dets) + 1)
    mrec = np.concatenate([[0.0], recall, [1.0]])
    mpre = np.concatenate([[1.0], precision, [0.0]])
    mpre = np.flip(np.maximum.accumulate(np.flip(mpre)))
    k = np.where(mrec[1:] != mrec[:-1])[0]
    ap = float(np.sum((mrec[k + 1] - mrec[k]) * mpre[k + 1]))
    # COCO: precision envelope sampled at 101 recall points (0 past the last recall)
    env = np.flip(np.maximum.accumulate(np.flip(precision)))
    pos = np.searchsorted(recall, np.linspace(0, 1, 101), side="left")
    ap101 = float(np.mean([env[p] if p < len(env) else 0.0 for p in pos]))
    return {"ap": ap, "ap101": ap101, "n_gt": n_gt}


def evaluate(
    model: Path,
    n: int = 300,
    seed: int = 2000,
    width: int = 960,
    height: int = 720,
    conf_eval: float = 0.001,
    iou: float = 0.45,
    conf_app: float = 0.25,
    threads: int = 2,
) -> dict:
    sess = load_session(model, threads)
    meta = sess.get_modelmeta().custom_metadata_map
    size = int(ast.literal_eval(meta["imgsz"])[0])
    inp = sess.get_inputs()[0].name
    with tempfile.TemporaryDirectory() as tmp:
        samples = write_dataset(Path(tmp), n, seed, width, height)
        images = [cv2.imread(str(p), cv2.IMREAD_COLOR) for p, _ in samples]
    dets: dict[int, list] = {c: [] for c in range(len(CLASSES))}
    gts: dict[int, dict[int, np.ndarray]] = {c: {} for c in range(len(CLASSES))}
    for i, (_, s) in enumerate(samples):
        for c, name in enumerate(CLASSES):
            gts[c][i] = np.array(
                [o.box for o in s.objects if o.class_name == name], dtype=np.float64
            ).reshape(-1, 4)
    t0 = time.perf_counter()
    batch = 8 if isinstance(sess.get_inputs()[0].shape[0], str) else 1
    for start in range(0, len(images), batch):
        chunk = images[start : start + batch]
        boxes = [letterbox(im, size) for im in chunk]
        out = sess.run(None, {inp: to_input([b[0] for b in boxes])})[0]
        for j, (_, r, pad) in enumerate(boxes):
            for c, score, xyxy in postprocess(out[j], r, pad, conf_eval, iou):
                dets[c].append((start + j, score, xyxy))
    infer_s = time.perf_counter() - t0
    per_class = {}
    for c, name in enumerate(CLASSES):
        stats = average_precision(dets[c], gts[c])
        # precision / recall at the app's default confidence
        app = [d for d in dets[c] if d[1] >= conf_app]
        app_stats = _pr_at(app, gts[c])
        per_class[name] = {**stats, **app_stats}
    result = {
        "model": str(model),
        "held_out": {"n": n, "seed": seed, "width": width, "height": height},
        "imgsz": size,
        "per_class": per_class,
        "mAP50": float(np.mean([v["ap"] for v in per_class.values()])),
        "mAP50_101pt": float(np.mean([v["ap101"] for v in per_class.values()])),
        "seconds_per_image": infer_s / len(images),
    }
    return result


def _pr_at(dets: list, gts: dict[int, np.ndarray]) -> dict[str, float]:
    n_gt = sum(len(g) for g in gts.values())
    used = {k: np.zeros(len(v), bool) for k, v in gts.items()}
    tp = 0
    for img, _, box in sorted(dets, key=lambda d: -d[1]):
        g = gts[img]
        if len(g):
            ious = box_iou(box, g)
            j = int(ious.argmax())
            if ious[j] >= 0.5 and not used[img][j]:
                used[img][j] = True
                tp += 1
    return {"precision@conf": tp / max(len(dets), 1), "recall@conf": tp / max(n_gt, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default_model = HERE.parents[1] / "labeler/data/models/demo_damage.onnx"
    ap.add_argument("--model", type=Path, default=default_model)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=2000)
    ap.add_argument("--width", type=int, default=960)
    ap.add_argument("--height", type=int, default=720)
    ap.add_argument("--json", type=Path, help="also write the result here")
    args = ap.parse_args()
    res = evaluate(args.model, args.n, args.seed, args.width, args.height)
    print(f"held-out: {args.n} images {args.width}x{args.height} seed {args.seed}")
    print(f"{'class':8s} {'n_gt':>5s} {'AP50':>6s} {'AP50-101':>8s} {'P@.25':>6s} {'R@.25':>6s}")
    for name, v in res["per_class"].items():
        print(
            f"{name:8s} {v['n_gt']:5d} {v['ap']:6.3f} {v['ap101']:8.3f} "
            f"{v['precision@conf']:6.3f} {v['recall@conf']:6.3f}"
        )
    print(f"{'mean':8s} {'':5s} {res['mAP50']:6.3f} {res['mAP50_101pt']:8.3f}")
    print(f"inference {1000 * res['seconds_per_image']:.1f} ms/image (incl. letterbox)")
    if args.json:
        args.json.write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
