"""Exact and near-duplicate images, grouped into clusters.

* Exact duplicates: the same content hash (file SHA-256), or the same decoded
  pixels in different files (a picture re-saved with other metadata).
* Near duplicates: perceptual hashes (pHash) within a Hamming distance of each
  other, linked transitively (single linkage) into clusters.

Each cluster names a ``keep`` image (the one a dataset keeps when it drops the
others): by default the lowest image id, or the one the caller prefers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from labeler.core.curation.hamming_search import pairs_within
from labeler.core.curation.stats import ImageStats

DEFAULT_HAMMING = 10  # imagededup's default for 64-bit pHash


@dataclass(frozen=True)
class DuplicateConfig:
    """Settings of the duplicate check."""

    hamming_threshold: int = DEFAULT_HAMMING
    near: bool = True

    def to_dict(self) -> dict[str, object]:
        """JSON-ready settings."""
        return {"hamming_threshold": self.hamming_threshold, "near": self.near}


@dataclass(frozen=True)
class DuplicateCluster:
    """Images that show the same picture (``exact``) or nearly the same one."""

    kind: str  # "exact" or "near"
    image_ids: tuple[int, ...]
    keep: int
    max_distance: int = 0

    @property
    def dropped(self) -> tuple[int, ...]:
        """The images a deduplicated dataset leaves out."""
        return tuple(i for i in self.image_ids if i != self.keep)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "kind": self.kind,
            "image_ids": list(self.image_ids),
            "keep": self.keep,
            "max_distance": self.max_distance,
        }


@dataclass
class DuplicateReport:
    """Every duplicate cluster found, exact ones first."""

    config: DuplicateConfig
    clusters: list[DuplicateCluster] = field(default_factory=list)

    def group_of(self) -> dict[int, int]:
        """Image id -> its group's smallest image id, for every image in any cluster.

        Exact and near clusters that share an image form one group (what a split
        must keep together).
        """
        union = _UnionFind()
        for cluster in self.clusters:
            for image_id in cluster.image_ids:
                union.union(cluster.image_ids[0], image_id)
        return {i: union.find(i) for i in union.parent}

    def dropped(self) -> dict[int, DuplicateCluster]:
        """Images a deduplicated dataset leaves out, with the cluster that drops them."""
        return {i: c for c in self.clusters for i in c.dropped}

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "settings": self.config.to_dict(),
            "clusters": [c.to_dict() for c in self.clusters],
        }


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[tuple[int, ...]]:
        found: dict[int, list[int]] = {}
        for x in self.parent:
            found.setdefault(self.find(x), []).append(x)
        return sorted(tuple(sorted(g)) for g in found.values() if len(g) > 1)


def hamming(a: int, b: int) -> int:
    """Number of differing bits of two 64-bit hashes."""
    return (a ^ b).bit_count()


def near_pairs(ids: list[int], hashes: list[int], threshold: int) -> list[tuple[int, int, int]]:
    """``(id_a, id_b, distance)`` for every pair within ``threshold`` bits, ordered by position.

    Exact: the same pairs as comparing every pair, found through multi-index
    hashing planned for the number of hashes (:mod:`.hamming_search`).
    """
    if len(ids) < 2:
        return []
    rows, cols, distances = pairs_within(np.array(hashes, dtype=np.uint64), threshold)
    id_array = np.array(ids, dtype=np.int64)
    return list(
        zip(id_array[rows].tolist(), id_array[cols].tolist(), distances.tolist(), strict=True)
    )


def find_duplicates(
    stats: Mapping[int, ImageStats],
    sha256: Mapping[int, str] | None = None,
    config: DuplicateConfig | None = None,
    prefer: Callable[[int], tuple[object, ...]] | None = None,
) -> DuplicateReport:
    """Group images into exact and near-duplicate clusters.

    ``stats`` are per image id (from :func:`~labeler.core.curation.stats.collect_stats`);
    images that could not be decoded take part only through ``sha256``. The kept
    image of a cluster is the one with the smallest ``prefer(image_id)`` (default:
    the lowest id). An image is in at most one cluster: exact clusters are found
    first and join a near cluster through their kept image.
    """
    config = config or DuplicateConfig()
    rank = prefer or (lambda image_id: (image_id,))
    exact = _UnionFind()
    by_key: dict[tuple[str, str], int] = {}
    for image_id in sorted(stats):
        keys = [("file", sha256[image_id])] if sha256 and image_id in sha256 else []
        if stats[image_id].error is None:
            keys.append(("pixels", stats[image_id].pixel_hash))
        for key in keys:
            if key in by_key:
                exact.union(by_key[key], image_id)
            else:
                by_key[key] = image_id
    clusters: list[DuplicateCluster] = []
    in_exact: dict[int, int] = {}
    for group in exact.groups():
        keep = min(group, key=lambda i: (rank(i), i))
        clusters.append(DuplicateCluster("exact", group, keep))
        in_exact.update({i: keep for i in group})
    if config.near:
        clusters.extend(_near_clusters(stats, in_exact, config.hamming_threshold, rank))
    return DuplicateReport(config, clusters)


def _near_clusters(
    stats: Mapping[int, ImageStats],
    in_exact: dict[int, int],
    threshold: int,
    rank: Callable[[int], tuple[object, ...]],
) -> list[DuplicateCluster]:
    """Near-duplicate clusters among images not already merged as exact copies."""
    ids = [i for i in sorted(stats) if stats[i].error is None and in_exact.get(i, i) == i]
    pairs = near_pairs(ids, [stats[i].phash for i in ids], threshold)
    near = _UnionFind()
    for a, b, _distance in pairs:
        near.union(a, b)
    widest: dict[int, int] = {}
    for a, _b, distance in pairs:  # one pass, not one per cluster
        root = near.find(a)
        widest[root] = max(widest.get(root, 0), distance)
    clusters = []
    for group in near.groups():
        keep = min(group, key=lambda i: (rank(i), i))
        clusters.append(DuplicateCluster("near", group, keep, widest[near.find(group[0])]))
    return clusters
