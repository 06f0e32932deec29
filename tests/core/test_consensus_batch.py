"""Two-annotator clustering in one pass gives exactly the per-image consensus."""

from __future__ import annotations

import numpy as np
import pytest

from labeler.core import consensus_batch
from labeler.core.consensus import ConsensusConfig, image_consensus
from labeler.core.consensus_batch import two_annotator_pairs
from labeler.core.domain import Annotation, AnnotationSource, ReviewDecision
from labeler.core.geometry import Box, Polygon, Tag


def _annotation(ident: int, image: int, cls: int, geometry, person: int) -> Annotation:
    return Annotation(ident, image, cls, geometry, person, None, AnnotationSource.MANUAL, "t", "t")


def _random_images(seed: int, n_images: int) -> tuple[dict, dict]:
    """Images with 1-3 annotators drawing near-copies of a few true objects, some off."""
    rng = np.random.default_rng(seed)
    by_image: dict[int, list[Annotation]] = {}
    decisions: dict[int, ReviewDecision] = {}
    ident = 0
    for image in range(1, n_images + 1):
        truth = [(rng.integers(0, 3), rng.uniform(0, 200, 2), rng.uniform(10, 60, 2))
                 for _ in range(rng.integers(0, 5))]
        people = rng.choice([1, 2, 3], size=rng.choice([1, 2, 2, 2, 3]), replace=False)
        found = []
        for person in sorted(people.tolist()):
            for cls, (x, y), (w, h) in truth:
                if rng.random() < 0.15:
                    continue  # overlooked
                dx, dy = rng.normal(0, 4, 2)
                label = int(cls) if rng.random() > 0.15 else int((cls + 1) % 3)
                if rng.random() < 0.2:
                    geometry = Polygon(((x + dx, y + dy), (x + w, y + dy), (x + w / 2, y + h)))
                else:
                    geometry = Box(x + dx, y + dy, x + w + dx, y + h + dy)
                ident += 1
                found.append(_annotation(ident, image, label, geometry, person))
            if rng.random() < 0.2:
                ident += 1
                found.append(_annotation(ident, image, 9, Tag(), person))
        for a in found:
            if rng.random() < 0.1:
                decisions[a.id] = ReviewDecision.REJECT
            elif rng.random() < 0.1:
                decisions[a.id] = ReviewDecision.ACCEPT
        by_image[image] = found
    return by_image, decisions


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_paired_clusters_equal_the_per_image_consensus(seed: int, monkeypatch) -> None:
    monkeypatch.setattr(consensus_batch, "CHUNK_IMAGES", 37)  # several passes
    by_image, decisions = _random_images(seed, 400)
    config = ConsensusConfig()
    pairs = two_annotator_pairs(by_image, decisions, config)
    assert len(pairs) > 100  # most images are the two-annotator case
    for image, labels in by_image.items():
        expected = image_consensus(image, labels, decisions, config, answered_by=[4])
        got = image_consensus(image, labels, decisions, config, [4], pairs.get(image))
        assert got == expected, image
