"""Post-processing shared by the adapters: class-aware NMS and mask-to-polygon conversion."""

from __future__ import annotations

import cv2
import numpy as np

from inference.preprocess import Frame

MAX_NMS_CANDIDATES = 30_000
MASK_MAX_SIDE = 512  # masks are rasterised at most this large per box, then scaled up


def nms(
    boxes: np.ndarray, scores: np.ndarray, class_ids: np.ndarray, iou: float, max_det: int
) -> np.ndarray:
    """Indices kept by class-aware NMS on xyxy ``boxes``, best score first, at most ``max_det``.

    Call it on candidates already filtered by confidence: NMS on all 8,400 raw YOLO
    candidates is ~100x slower than on the few hundred above a threshold.
    """
    if len(boxes) == 0:
        return np.empty(0, dtype=np.int64)
    if len(boxes) > MAX_NMS_CANDIDATES:
        top = np.argpartition(-scores, MAX_NMS_CANDIDATES)[:MAX_NMS_CANDIDATES]
        return top[nms(boxes[top], scores[top], class_ids[top], iou, max_det)]
    if hasattr(cv2, "dnn") and hasattr(cv2.dnn, "NMSBoxesBatched"):
        xywh = boxes.astype(np.float64).copy()
        xywh[:, 2:] -= xywh[:, :2]
        kept = cv2.dnn.NMSBoxesBatched(
            xywh.tolist(), scores.astype(float).tolist(), class_ids.astype(int).tolist(), 0.0, iou
        )
        keep = np.asarray(kept, dtype=np.int64).reshape(-1)
        keep = keep[np.argsort(-scores[keep], kind="stable")]
    else:  # pragma: no cover - OpenCV builds without dnn
        keep = nms_numpy(boxes, scores, class_ids, iou)
    return keep[:max_det]


def nms_numpy(
    boxes: np.ndarray, scores: np.ndarray, class_ids: np.ndarray, iou: float
) -> np.ndarray:
    """Greedy class-aware NMS in numpy (boxes of different classes never suppress each other)."""
    offset = class_ids.astype(np.float64)[:, None] * (float(np.abs(boxes).max()) + 1.0) * 2
    b = boxes.astype(np.float64) + offset
    areas = (b[:, 2] - b[:, 0]).clip(0) * (b[:, 3] - b[:, 1]).clip(0)
    order = np.argsort(-scores, kind="stable")
    keep: list[int] = []
    while order.size:
        i = order[0]
        keep.append(int(i))
        rest = order[1:]
        w = (np.minimum(b[i, 2], b[rest, 2]) - np.maximum(b[i, 0], b[rest, 0])).clip(0)
        h = (np.minimum(b[i, 3], b[rest, 3]) - np.maximum(b[i, 1], b[rest, 1])).clip(0)
        inter = w * h
        overlap = inter / np.maximum(areas[i] + areas[rest] - inter, 1e-9)
        order = rest[overlap <= iou]
    return np.asarray(keep, dtype=np.int64)


def xywh_to_xyxy(xywh: np.ndarray) -> np.ndarray:
    """Centre-size boxes ``(N, 4)`` to corner boxes."""
    out = np.empty_like(xywh, dtype=np.float32)
    half = xywh[:, 2:4] / 2
    out[:, :2] = xywh[:, :2] - half
    out[:, 2:] = xywh[:, :2] + half
    return out


def mask_polygon(
    logits: np.ndarray,
    box: tuple[float, float, float, float],
    frame: Frame,
    input_size: tuple[int, int],
) -> np.ndarray | None:
    """Polygon ``(K, 2)`` in original pixels of the mask inside ``box``, or None if empty.

    ``logits`` is the ``(mh, mw)`` mask before sigmoid on the prototype grid (which covers
    the letterboxed model input). Only the box region is rasterised, at original resolution
    (capped at ``MASK_MAX_SIDE``), thresholded at sigmoid 0.5 (logit 0); the largest contour
    is simplified with ``approxPolyDP``.
    """
    x1, y1, x2, y2 = box
    bw, bh = x2 - x1, y2 - y1
    if bw < 1 or bh < 1:
        return None
    step = max(bw, bh) / MASK_MAX_SIDE if max(bw, bh) > MASK_MAX_SIDE else 1.0
    out_w, out_h = max(1, round(bw / step)), max(1, round(bh / step))
    mh, mw = logits.shape
    # original x -> input x = x / gain + pad -> proto x = input x * mw / in_w (continuous coords)
    ax = mw / input_size[1] / frame.gain_x
    ay = mh / input_size[0] / frame.gain_y
    bx = frame.pad_x * mw / input_size[1]
    by = frame.pad_y * mh / input_size[0]
    # destination pixel u has its centre at original x1 + (u + 0.5) * step
    matrix = np.array(
        [
            [ax * step, 0.0, ax * (x1 + 0.5 * step) + bx - 0.5],
            [0.0, ay * step, ay * (y1 + 0.5 * step) + by - 0.5],
        ]
    )
    crop = cv2.warpAffine(
        logits.astype(np.float32),
        matrix,
        (out_w, out_h),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    binary = (crop > 0).astype(np.uint8)
    contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    largest = max(contours, key=cv2.contourArea)
    epsilon = max(0.5, 0.002 * cv2.arcLength(largest, True))
    points = cv2.approxPolyDP(largest, epsilon, True).reshape(-1, 2).astype(np.float64)
    if len(points) < 3:
        return None
    points = (points + 0.5) * step + (x1, y1)  # contour points are pixel centres
    points[:, 0] = points[:, 0].clip(0, frame.width)
    points[:, 1] = points[:, 1].clip(0, frame.height)
    return points
