"""Generated data with known answers: images, ground truth with negatives, annotators, a model.

Every file is written the way another tool would write it (COCO JSON), so the
tests can compare labeler with a reference computed on the same files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tests.core.conftest import write_image

WIDTH, HEIGHT = 200, 150
CLASSES = ["dent", "scratch"]


@dataclass
class Generated:
    """Where the files are and what they hold."""

    images: Path
    names: list[str]
    truth: Path  # COCO ground truth, negatives listed with no annotations
    results: Path  # COCO results list (the model's detections)
    annotators: dict[str, Path]  # name -> COCO file listing every image
    boxes: dict[str, dict[str, list[tuple[int, list[int]]]]]  # who -> image -> (class, xywh)


def _box(rng: np.random.Generator) -> list[int]:
    w, h = int(rng.integers(12, 60)), int(rng.integers(12, 60))
    x, y = int(rng.integers(0, WIDTH - w)), int(rng.integers(0, HEIGHT - h))
    return [x, y, w, h]


def _coco(names: list[str], boxes: dict[str, list[tuple[int, list[int]]]]) -> dict:
    images = [
        {"id": n + 1, "file_name": name, "width": WIDTH, "height": HEIGHT}
        for n, name in enumerate(names)
    ]
    annotations = []
    for n, name in enumerate(names):
        for category, (x, y, w, h) in boxes.get(name, []):
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "image_id": n + 1,
                    "category_id": category,
                    "bbox": [x, y, w, h],
                    "area": w * h,
                    "iscrowd": 0,
                }
            )
    categories = [{"id": k + 1, "name": c} for k, c in enumerate(CLASSES)]
    return {"images": images, "annotations": annotations, "categories": categories}


def _jitter(rng: np.random.Generator, box: list[int], amount: int) -> list[int]:
    x, y, w, h = box
    dx, dy = (int(v) for v in rng.integers(-amount, amount + 1, 2))
    x, y = min(max(0, x + dx), WIDTH - w), min(max(0, y + dy), HEIGHT - h)
    return [x, y, w, h]


def generate(folder: Path, n_images: int = 40, negatives: int = 16, seed: int = 7) -> Generated:
    """Write ``n_images`` images, a truth with ``negatives`` empty images, 3 annotators, a model."""
    rng = np.random.default_rng(seed)
    images = folder / "images"
    names = [f"img{n:03d}.png" for n in range(n_images)]
    for n, name in enumerate(names):
        write_image(images / name, WIDTH, HEIGHT, seed=1000 + n)
    truth: dict[str, list[tuple[int, list[int]]]] = {}
    for name in names[negatives:]:
        truth[name] = [
            (int(rng.integers(1, 3)), _box(rng)) for _ in range(int(rng.integers(1, 4)))
        ]
    boxes: dict[str, dict[str, list[tuple[int, list[int]]]]] = {"truth": truth}
    for who, miss, extra in (("Ana", 0.1, 0.1), ("Bo", 0.2, 0.15), ("Cy", 0.15, 0.3)):
        mine: dict[str, list[tuple[int, list[int]]]] = {}
        for name in names:
            kept = [(c, _jitter(rng, b, 4)) for c, b in truth.get(name, []) if rng.random() > miss]
            if rng.random() < extra:
                kept.append((int(rng.integers(1, 3)), _box(rng)))
            mine[name] = kept
        boxes[who] = mine
    paths = {}
    for who in ("truth", "Ana", "Bo", "Cy"):
        paths[who] = folder / f"{who}.json"
        paths[who].write_text(json.dumps(_coco(names, boxes[who])))
    results = []
    for n, name in enumerate(names):
        for category, box in truth.get(name, []):
            if rng.random() < 0.85:
                results.append(_result(n + 1, category, _jitter(rng, box, 6), rng))
        for _ in range(int(rng.integers(0, 3))):  # false alarms, on negatives too
            results.append(_result(n + 1, int(rng.integers(1, 3)), _box(rng), rng))
    (folder / "results.json").write_text(json.dumps(results))
    return Generated(
        images,
        names,
        paths["truth"],
        folder / "results.json",
        {k: paths[k] for k in ("Ana", "Bo", "Cy")},
        boxes,
    )


def _result(image_id: int, category: int, box: list[int], rng: np.random.Generator) -> dict:
    return {
        "image_id": image_id,
        "category_id": category,
        "bbox": box,
        "score": round(float(rng.uniform(0.05, 1.0)), 4),
    }
