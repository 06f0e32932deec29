"""The demo's image generator: deterministic, valid ground truth, every class present."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from labeler.demo.synth import CLASSES, generate_image, write_dataset


def test_same_seed_same_image_and_truth() -> None:
    a = generate_image(np.random.default_rng(5), 320, 240)
    b = generate_image(np.random.default_rng(5), 320, 240)
    assert np.array_equal(a.image, b.image)
    assert a.objects == b.objects


def test_ground_truth_lies_inside_the_image() -> None:
    rng = np.random.default_rng(0)
    seen: set[str] = set()
    for _ in range(40):
        sample = generate_image(rng, 400, 300)
        assert sample.image.shape == (300, 400, 3) and sample.image.dtype == np.uint8
        for obj in sample.objects:
            seen.add(obj.class_name)
            x1, y1, x2, y2 = obj.box
            assert 0 <= x1 < x2 <= 400 and 0 <= y1 < y2 <= 300
            if obj.polygon is not None:
                xs, ys = zip(*obj.polygon, strict=True)
                assert x1 - 1 <= min(xs) and max(xs) <= x2 + 1
                assert y1 - 1 <= min(ys) and max(ys) <= y2 + 1
    assert seen == set(CLASSES)


def test_write_dataset_is_byte_identical_and_adds_unsuitable(tmp_path: Path) -> None:
    first = write_dataset(tmp_path / "a", 3, seed=7, width=200, height=150, unsuitable=True)
    second = write_dataset(tmp_path / "b", 3, seed=7, width=200, height=150, unsuitable=True)
    assert [p.read_bytes() for p, _ in first] == [p.read_bytes() for p, _ in second]
    names = [p.name for p, _ in first]
    assert len(names) == 3 + 4 and any("blurry" in n for n in names)
    duplicate = next(p for p, _ in first if "_duplicate" in p.name and "near" not in p.name)
    assert duplicate.read_bytes() in {p.read_bytes() for p, _ in first[:3]}
