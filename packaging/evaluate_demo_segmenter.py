"""Evaluate the shipped demo segmenter against the generator's true masks (ONNX Runtime only).

    python packaging/evaluate_demo_segmenter.py [--model-dir labeler/data/models/demo_segmenter]
                                                [--images 100] [--seed 4242] [--json out.json]
                                                [--classes dent,...] [--prompts centre,...]

Two held-out sets are reported in docs/models.md: ``--seed 4242 --images 60`` and the harder
``--seed 31337 --images 30`` (more dents touching another dent; the seeds of
``tests/inference/test_demo_segmenter.py``).

Generates held-out images (960x720, the demo's size; seeds the training never used), runs
``encoder.onnx`` once per image and ``decoder.onnx`` once per object and prompt, in the
Segment Anything layout with numpy/OpenCV preprocessing (no torch), and reports the mean IoU
of ``masks > 0`` against the true mask, per class and prompt:

``centre``
    one positive click at the object's centre (a dent's ellipse centre; for a scratch or a
    crack the drawn pixel nearest the centroid), plus SAM's (0, 0) padding point, label -1.
``jittered``
    one positive click off-centre: a dent's centre moved by a normal offset of 0.15 of its
    equivalent radius (kept inside the dent); a random drawn pixel of a scratch or crack.
``box``
    the object's true box as the two corner points (labels 2 and 3).

Also the IoU of the mask's bounding box with the true box (what a box class keeps) and the
median encoder / decoder milliseconds.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from demo_segmenter_data import (
    FRAME,
    MaskedObject,
    box_iou,
    frame_scale,
    generate_with_masks,
    iou,
    mask_box,
    preprocess,
)

ROOT = Path(__file__).resolve().parents[1]
MODEL_DIR = ROOT / "labeler" / "data" / "models" / "demo_segmenter"
PROMPTS = ("centre", "jittered", "box")
CLASS_NAMES = ("dent", "scratch", "crack")


def sessions(model_dir: Path, threads: int) -> tuple[ort.InferenceSession, ort.InferenceSession]:
    """CPU sessions for the encoder and decoder graphs."""
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    cpu = ["CPUExecutionProvider"]
    return (
        ort.InferenceSession(str(model_dir / "encoder.onnx"), opts, providers=cpu),
        ort.InferenceSession(str(model_dir / "decoder.onnx"), opts, providers=cpu),
    )


def prompt_points(
    rng: np.random.Generator, obj: MaskedObject, kind: str
) -> list[tuple[float, float, float]]:
    """(x, y, label) prompts in original pixels for one object."""
    ys, xs = np.nonzero(obj.mask)
    if kind == "box":
        x1, y1, x2, y2 = obj.box
        return [(x1, y1, 2.0), (x2, y2, 3.0)]
    cx, cy = obj.centre
    if obj.class_name == "dent":
        x, y = cx, cy
        if kind == "jittered":
            spread = 0.15 * math.sqrt(xs.size / math.pi)
            for _ in range(20):
                x, y = cx + rng.normal(0, spread), cy + rng.normal(0, spread)
                if obj.mask[int(y), int(x)]:
                    break
    else:
        if kind == "centre":
            i = int(np.argmin((xs - cx) ** 2 + (ys - cy) ** 2))
        else:
            i = int(rng.integers(xs.size))
        x, y = xs[i] + 0.5, ys[i] + 0.5
    return [(float(x), float(y), 1.0), (0.0, 0.0, -1.0)]


def decode(
    decoder: ort.InferenceSession,
    embedding: np.ndarray,
    points: list[tuple[float, float, float]],
    height: int,
    width: int,
) -> np.ndarray:
    """Run the decoder for one prompt; returns the bool mask at the original size."""
    s = frame_scale(height, width)
    coords = np.array([[[x * s, y * s] for x, y, _ in points]], dtype=np.float32)
    labels = np.array([[lab for _, _, lab in points]], dtype=np.float32)
    masks, _, _ = decoder.run(
        None,
        {
            "image_embeddings": embedding,
            "point_coords": coords,
            "point_labels": labels,
            "mask_input": np.zeros((1, 1, 256, 256), np.float32),
            "has_mask_input": np.zeros(1, np.float32),
            "orig_im_size": np.array([height, width], np.float32),
        },
    )
    return masks[0, 0] > 0


def evaluate(
    model_dir: Path,
    n_images: int,
    seed: int,
    threads: int,
    classes: tuple[str, ...] = CLASS_NAMES,
    prompts: tuple[str, ...] = PROMPTS,
) -> dict[str, object]:
    """IoU figures and timings over ``n_images`` held-out images (only ``classes``/``prompts``)."""
    encoder, decoder = sessions(model_dir, threads)
    scores: dict[tuple[str, str], list[float]] = {}
    boxes: dict[tuple[str, str], list[float]] = {}
    enc_ms, dec_ms = [], []
    for i in range(n_images):
        rng = np.random.default_rng([seed, i])
        sample = generate_with_masks(rng, 960, 720)
        h, w = sample.image.shape[:2]
        t = time.perf_counter()
        (embedding,) = encoder.run(None, {"image": preprocess(sample.image)})
        enc_ms.append((time.perf_counter() - t) * 1000)
        assert embedding.shape == (1, 256, FRAME // 16, FRAME // 16)
        for obj in sample.objects:
            for kind in PROMPTS:
                points = prompt_points(rng, obj, kind)  # drawn for every kind: same jitter
                if obj.class_name not in classes or kind not in prompts:
                    continue
                t = time.perf_counter()
                mask = decode(decoder, embedding, points, h, w)
                dec_ms.append((time.perf_counter() - t) * 1000)
                scores.setdefault((obj.class_name, kind), []).append(iou(mask, obj.mask))
                boxes.setdefault((obj.class_name, kind), []).append(
                    box_iou(mask_box(mask), obj.box)
                )
    table = {
        f"{c}/{k}": {
            "n": len(scores[(c, k)]),
            "mask_iou": float(np.mean(scores[(c, k)])),
            "box_iou": float(np.mean(boxes[(c, k)])),
        }
        for c in CLASS_NAMES
        for k in PROMPTS
        if (c, k) in scores
    }
    return {
        "images": n_images,
        "seed": seed,
        "results": table,
        "encoder_ms_median": float(np.median(enc_ms)),
        "decoder_ms_median": float(np.median(dec_ms)),
        "decoder_ms_p95": float(np.percentile(dec_ms, 95)),
    }


def main() -> None:
    """Print the figures (and write them as JSON when asked)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model-dir", type=Path, default=MODEL_DIR)
    ap.add_argument("--images", type=int, default=100)
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--classes", default=",".join(CLASS_NAMES))
    ap.add_argument("--prompts", default=",".join(PROMPTS))
    args = ap.parse_args()
    classes, prompts = tuple(args.classes.split(",")), tuple(args.prompts.split(","))
    report = evaluate(args.model_dir, args.images, args.seed, args.threads, classes, prompts)
    print(f"{args.images} held-out images (960x720, seed {args.seed}), {args.model_dir}")
    print(f"{'class/prompt':<18}{'n':>5}{'mask IoU':>10}{'box IoU':>9}")
    for key, row in report["results"].items():  # type: ignore[union-attr]
        print(f"{key:<18}{row['n']:>5}{row['mask_iou']:>10.3f}{row['box_iou']:>9.3f}")
    print(
        f"encoder {report['encoder_ms_median']:.0f} ms median; decoder "
        f"{report['decoder_ms_median']:.0f} ms median, {report['decoder_ms_p95']:.0f} ms p95 "
        f"(CPU, {args.threads} threads)"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
