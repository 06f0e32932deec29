"""The naive pre-labelling loop the benchmarks compare against, runnable as its own process.

``cv2.imread`` at full size, letterbox (INTER_LINEAR, grey 114, as Ultralytics does),
``session.run`` with default SessionOptions, confidence filter, class-wise NMS, one image at
a time (or ``--pool N``: the same per-image function on a thread pool of N). As a script it
is what a person would write in an afternoon; ``benchmarks/prelabel.py --mode e2e`` times
it from process start to exit, like ``labeler prelabel``::

    python benchmarks/naive_prelabel.py MODEL.onnx LIST.txt OUT.json [--pool 2] [--conf 0.25]

``LIST.txt`` holds one image path per line; ``OUT.json`` gets ``{path: [[class, score,
[x1, y1, x2, y2]], ...]}``. Only numpy, OpenCV and ONNX Runtime are imported.
"""

from __future__ import annotations

import argparse
import ast
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np


def naive_letterbox(image: np.ndarray, size: int) -> tuple[np.ndarray, float, int, int]:
    """Resize keeping aspect ratio (INTER_LINEAR) and pad to size x size with grey 114."""
    h, w = image.shape[:2]
    r = min(size / h, size / w)
    nw, nh = round(w * r), round(h * r)
    resized = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_LINEAR)
    left, top = (size - nw) // 2, (size - nh) // 2
    canvas = np.full((size, size, 3), 114, np.uint8)
    canvas[top : top + nh, left : left + nw] = resized
    return canvas, r, left, top


def naive_predict(session, path: Path, size: int, conf: float, iou: float, max_det: int) -> list:
    """Detections ``(class, score, (x1, y1, x2, y2))`` of one image file, full decode."""
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    h, w = image.shape[:2]
    canvas, r, left, top = naive_letterbox(image, size)
    blob = canvas[..., ::-1].transpose(2, 0, 1)[None].astype(np.float32) / 255.0
    out = session.run(None, {session.get_inputs()[0].name: blob})[0][0].T  # (N, 4 + nc)
    scores = out[:, 4:].max(1)
    keep = scores > conf
    out, scores = out[keep], scores[keep]
    ids = out[:, 4:].argmax(1)
    xywh = out[:, :4].copy()
    xywh[:, :2] -= xywh[:, 2:] / 2
    idx = cv2.dnn.NMSBoxesBatched(xywh.tolist(), scores.tolist(), ids.tolist(), conf, iou)
    idx = sorted(np.asarray(idx, int).reshape(-1).tolist(), key=lambda i: -scores[i])[:max_det]
    dets = []
    for i in idx:
        x1 = np.clip((xywh[i, 0] - left) / r, 0, w)
        y1 = np.clip((xywh[i, 1] - top) / r, 0, h)
        x2 = np.clip((xywh[i, 0] + xywh[i, 2] - left) / r, 0, w)
        y2 = np.clip((xywh[i, 1] + xywh[i, 3] - top) / r, 0, h)
        dets.append((int(ids[i]), float(scores[i]), (float(x1), float(y1), float(x2), float(y2))))
    return dets


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("list", type=Path, help="a text file of image paths, one a line")
    parser.add_argument("out", type=Path)
    parser.add_argument("--pool", type=int, default=0, help="threads (0: a plain loop)")
    parser.add_argument("--conf", type=float, default=0.25)
    parser.add_argument("--iou", type=float, default=0.45)
    parser.add_argument("--max-det", type=int, default=300)
    args = parser.parse_args()
    import onnxruntime as ort

    session = ort.InferenceSession(str(args.model), providers=["CPUExecutionProvider"])
    imgsz = ast.literal_eval(session.get_modelmeta().custom_metadata_map.get("imgsz", "None"))
    size = session.get_inputs()[0].shape[2]
    size = size if isinstance(size, int) else (imgsz[0] if imgsz else 640)
    paths = args.list.read_text().split("\n")
    paths = [p for p in paths if p]

    def one(path: str) -> list:
        return naive_predict(session, Path(path), size, args.conf, args.iou, args.max_det)

    if args.pool:
        with ThreadPoolExecutor(args.pool) as pool:
            results = list(pool.map(one, paths))
    else:
        results = [one(p) for p in paths]
    args.out.write_text(json.dumps(dict(zip(paths, results, strict=True))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
