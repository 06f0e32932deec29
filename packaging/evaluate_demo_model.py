"""Evaluate the demo detector on a held-out generated set, through labeler's own inference.

    python packaging/evaluate_demo_model.py [--model labeler/data/models/demo_damage.onnx]

Generates images with a seed the training never saw, at the demo's resolution
(960x720), runs the exported ONNX model through ``inference.load_model`` (the
same letterbox, thresholds and NMS the app uses, at conf 0.001 for a full PR
curve) and scores it with pycocotools: AP50 per class and mean, and mAP@[.5:.95].
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import time
from pathlib import Path

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from inference import load_model
from labeler.demo.synth import CLASSES, generate_image

HELD_OUT_SEED = 9_999
ROOT = Path(__file__).resolve().parents[1]


def evaluate(model_path: Path, n: int) -> dict[str, object]:
    """AP figures of the model on ``n`` held-out images."""
    model = load_model(model_path, device="cpu")
    rng = np.random.default_rng(HELD_OUT_SEED)
    images, truth, detections = [], [], []
    started = time.perf_counter()
    for image_id in range(1, n + 1):
        sample = generate_image(rng, 960, 720)
        images.append({"id": image_id, "width": 960, "height": 720})
        for obj in sample.objects:
            x1, y1, x2, y2 = obj.box
            truth.append({"id": len(truth) + 1, "image_id": image_id, "iscrowd": 0,
                          "category_id": CLASSES.index(obj.class_name) + 1,
                          "bbox": [x1, y1, x2 - x1, y2 - y1], "area": (x2 - x1) * (y2 - y1)})
        [found] = model.predict([sample.image], conf=0.001, iou=0.6, max_det=100)
        for det in found:
            assert det.box is not None
            x1, y1, x2, y2 = det.box
            detections.append({"image_id": image_id, "category_id": det.class_index + 1,
                               "bbox": [x1, y1, x2 - x1, y2 - y1], "score": det.score})
    seconds = time.perf_counter() - started
    gt = COCO()
    gt.dataset = {"images": images, "annotations": truth,
                  "categories": [{"id": i + 1, "name": c} for i, c in enumerate(CLASSES)]}
    with contextlib.redirect_stdout(io.StringIO()):
        gt.createIndex()
        dt = gt.loadRes(detections) if detections else COCO()
        evaluator = COCOeval(gt, dt, "bbox")
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    precision = evaluator.eval["precision"]  # [iou, recall, class, area, maxdet]
    per_class = {}
    for k, name in enumerate(CLASSES):
        curve = precision[0, :, k, 0, 2]
        per_class[name] = float(np.mean(curve[curve > -1])) if (curve > -1).any() else 0.0
    return {"images": n, "objects": len(truth), "AP50_per_class": per_class,
            "mAP50": float(evaluator.stats[1]), "mAP50_95": float(evaluator.stats[0]),
            "seconds_per_image": seconds / n, "provider": model.info.provider}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path,
                        default=ROOT / "labeler" / "data" / "models" / "demo_damage.onnx")
    parser.add_argument("--n", type=int, default=200, help="held-out images")
    args = parser.parse_args()
    print(json.dumps(evaluate(args.model, args.n), indent=2))


if __name__ == "__main__":
    main()
