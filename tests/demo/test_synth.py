"""Tests for the demo data generator (labeler.demo.synth)."""

from __future__ import annotations

import hashlib
from collections import Counter
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest

from labeler.demo.synth import (
    CLASSES,
    UNSUITABLE_KINDS,
    SynthImage,
    generate_image,
    make_unsuitable,
    write_dataset,
)


@cache
def _batch(seed: int, n: int, width: int = 320, height: int = 240) -> list[SynthImage]:
    return [generate_image(np.random.default_rng([seed, i]), width, height) for i in range(n)]


def test_same_seed_gives_identical_images() -> None:
    a = generate_image(np.random.default_rng(123), 320, 240)
    b = generate_image(np.random.default_rng(123), 320, 240)
    assert a.image.tobytes() == b.image.tobytes()
    assert a.objects == b.objects


def test_different_seeds_differ() -> None:
    a = generate_image(np.random.default_rng(1), 320, 240)
    b = generate_image(np.random.default_rng(2), 320, 240)
    assert a.image.tobytes() != b.image.tobytes()


def test_image_format() -> None:
    s = generate_image(np.random.default_rng(5), 400, 300)
    assert s.image.shape == (300, 400, 3)
    assert s.image.dtype == np.uint8
    assert 0 <= len(s.objects) <= 6


def test_boxes_inside_image_and_not_degenerate() -> None:
    width, height = 320, 240
    for s in _batch(7, 40):
        for o in s.objects:
            x1, y1, x2, y2 = o.box
            assert 0 <= x1 < x2 <= width, o
            assert 0 <= y1 < y2 <= height, o
            assert x2 - x1 >= 2 and y2 - y1 >= 2, o


def test_every_class_appears_and_counts_vary() -> None:
    batch = _batch(7, 40)
    counts = Counter(o.class_name for s in batch for o in s.objects)
    assert set(counts) == set(CLASSES)
    assert min(counts.values()) >= 5
    per_image = {len(s.objects) for s in batch}
    assert len(per_image) >= 4  # a spread of object counts, 0-6


def test_polygons_only_for_dents_and_inside_their_box() -> None:
    n_dents = 0
    for s in _batch(7, 40):
        for o in s.objects:
            if o.class_name != "dent":
                assert o.polygon is None
                continue
            n_dents += 1
            assert o.polygon is not None and len(o.polygon) >= 8
            x1, y1, x2, y2 = o.box
            for x, y in o.polygon:
                assert x1 - 1e-6 <= x <= x2 + 1e-6 and y1 - 1e-6 <= y <= y2 + 1e-6
    assert n_dents > 0


def test_marks_are_visible_inside_boxes() -> None:
    # Something was actually drawn: the box region differs from a blank surface.
    for s in _batch(17, 10):
        grey = cv2.cvtColor(s.image, cv2.COLOR_BGR2GRAY).astype(np.float32)
        for o in s.objects:
            x1, y1, x2, y2 = (round(v) for v in o.box)
            roi = grey[y1:y2, x1:x2]
            assert float(roi.max() - roi.min()) > 20, o


def test_sizes_scale_with_resolution() -> None:
    small = generate_image(np.random.default_rng(3), 320, 240)
    big = generate_image(np.random.default_rng(3), 960, 720)
    assert big.image.shape == (720, 960, 3)
    assert len(big.objects) == len(small.objects)


def test_rejects_tiny_images() -> None:
    with pytest.raises(ValueError):
        generate_image(np.random.default_rng(0), 32, 32)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_write_dataset_deterministic(tmp_path: Path) -> None:
    a = write_dataset(tmp_path / "a", 3, seed=42, width=320, height=240)
    b = write_dataset(tmp_path / "b", 3, seed=42, width=320, height=240)
    assert [p.name for p, _ in a] == ["synth_0000.jpg", "synth_0001.jpg", "synth_0002.jpg"]
    for (pa, sa), (pb, sb) in zip(a, b, strict=True):
        assert _digest(pa) == _digest(pb)
        assert sa.objects == sb.objects
        img = cv2.imread(str(pa))
        assert img is not None and img.shape == (240, 320, 3)
    # a larger n extends a smaller one
    c = write_dataset(tmp_path / "c", 4, seed=42, width=320, height=240)
    assert _digest(c[2][0]) == _digest(a[2][0])


def test_unsuitable_variants(tmp_path: Path) -> None:
    out = write_dataset(tmp_path, 4, seed=9, width=320, height=240, unsuitable=True)
    assert len(out) == 4 + len(UNSUITABLE_KINDS)
    extra = {p.stem.split("_", 2)[2]: (p, s) for p, s in out[4:]}
    assert set(extra) == set(UNSUITABLE_KINDS)
    dup_path, _ = extra["duplicate"]
    assert _digest(dup_path) == _digest(out[0][0])

    base = out[1][1].image.astype(np.float32)
    near = extra["near_duplicate"][1].image.astype(np.float32)
    assert 0 < float(np.abs(near - base).mean()) < 15

    def sharpness(img: np.ndarray) -> float:
        return float(cv2.Laplacian(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), cv2.CV_64F).var())

    assert sharpness(extra["blurry"][1].image) < 0.2 * sharpness(out[2][1].image)
    assert float(extra["dark"][1].image.mean()) < 25
    assert float(extra["dark"][1].image.mean()) < 0.3 * float(out[3][1].image.mean())


def test_make_unsuitable_rejects_unknown_kind() -> None:
    s = generate_image(np.random.default_rng(0), 128, 96)
    with pytest.raises(ValueError):
        make_unsuitable(np.random.default_rng(0), s, "sideways")
