"""A second, weaker prediction run for the demo, written as a COCO predictions file.

Derived from the demo model's run: about a third of its detections dropped, the
rest shifted and shrunk by up to 15 % of their size and scored lower, every
project image listed as seen. Imported with ``labeler import --predictions``, it is
what an older model would have said.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from labeler.core.store import Project


def write_weaker_predictions(project_path: Path, run_id: int, out: Path, seed: int = 7) -> Path:
    """Write the weaker run's COCO file (boxes only) to ``out``; returns ``out``."""
    rng = np.random.default_rng(seed)
    with Project.open(project_path) as project:
        classes = [c for c in project.classes() if c.kind != "tag"]
        images = project.images()
        found = dict(project.run_predictions_by_image(run_id))
    annotations = []
    for image in images:
        for p in sorted(found.get(image.id, []), key=lambda p: p.id):
            if not hasattr(p.geometry, "bounds") or rng.random() < 0.35:
                continue
            x1, y1, x2, y2 = p.geometry.bounds()
            w, h = x2 - x1, y2 - y1
            dx, dy = rng.uniform(-0.15, 0.15) * w, rng.uniform(-0.15, 0.15) * h
            shrink = rng.uniform(0.75, 1.0)
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "image_id": image.id,
                    "category_id": p.class_id,
                    "bbox": [
                        round(x1 + dx, 2),
                        round(y1 + dy, 2),
                        round(w * shrink, 2),
                        round(h * shrink, 2),
                    ],
                    "score": round(float(p.score) * 0.8, 4),
                }
            )
    data = {
        "images": [
            {"id": i.id, "file_name": i.path, "width": i.width, "height": i.height} for i in images
        ],
        "categories": [{"id": c.id, "name": c.name} for c in classes],
        "annotations": annotations,
    }
    out.write_text(json.dumps(data), encoding="utf-8")
    return out
