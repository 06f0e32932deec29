"""Per-image pixel statistics that the curation checks share, decoded once and cached.

Every image is decoded through :func:`labeler.core.images.decode_image` (EXIF
orientation applied) at a reduced scale, turned grey and resized to a fixed long
side, and summarised as:

* ``phash``: the 64-bit perceptual hash (32x32 grey, DCT, the top-left 8x8
  coefficients compared with their median);
* ``pixel_hash``: SHA-256 of the decoded pixels at the reduced scale, to find
  files with different bytes but the same picture (re-saved with other metadata);
* ``blur``: variance of the Laplacian of the size-normalised grey image;
* ``p05``, ``p50``, ``p95``: brightness percentiles (0-255).

Statistics are cached in a sidecar JSON file next to the project, keyed by the
file's content hash, so a second run decodes nothing that did not change.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np

from labeler.core.domain import ImageRecord
from labeler.core.errors import BadImageError
from labeler.core.i18n import _
from labeler.core.images import decode_image, reduction_for
from labeler.core.progress import Progress
from labeler.core.scratch import scratch_file

# Bump when a statistic's definition changes: cached values of older versions are ignored.
STATS_VERSION = 2
NORMALISED_LONG_SIDE = 256
CACHE_SUFFIX = ".imagestats.json"


@dataclass(frozen=True)
class ImageRef:
    """An image to check: the project's id for it, its file, content hash and size."""

    image_id: int
    path: Path | str  # text for a project's images: a million Paths cost 13 s to build
    sha256: str
    width: int
    height: int


@dataclass(frozen=True)
class ImageStats:
    """Pixel statistics of one image (``error`` set when it could not be decoded)."""

    sha256: str
    phash: int = 0
    pixel_hash: str = ""
    blur: float = 0.0
    p05: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    error: str | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready values (the hash as 16 hex digits)."""
        data = asdict(self)
        data["phash"] = f"{self.phash:016x}"
        return data

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> ImageStats:
        """Inverse of :meth:`to_dict`."""
        values = dict(data)
        values["phash"] = int(str(values["phash"]), 16)
        return cls(**values)  # type: ignore[arg-type]


def refs_from_project(project: object) -> list[ImageRef]:
    """Every image of a :class:`~labeler.core.store.Project`, as :class:`ImageRef` values."""
    root = _image_root(project)
    return [
        ImageRef(i, os.path.join(root, path), sha, w, h)
        for i, path, sha, w, h in project.image_file_rows()  # type: ignore[attr-defined]
    ]


def refs_from_records(project: object, records: Iterable[ImageRecord]) -> list[ImageRef]:
    """These image records of ``project`` as :class:`ImageRef` values."""
    root = _image_root(project)
    return [
        ImageRef(r.id, os.path.join(root, r.path), r.sha256, r.width, r.height) for r in records
    ]


def _image_root(project: object) -> str:
    """The folder relative image paths start from, resolved once.

    Joined as text, each ref opens the file ``Project.image_path`` names (its name
    may still go through a link that ``image_path`` resolves), without a ``realpath``
    and a ``Path`` per image: 51 s of a million-image curate; the store's
    ``image_path_resolver``, which gives the resolved names an export lists, takes
    7.9 s for a million and the refs only need to open the files.
    """
    return str(Path(project.path).parent.resolve())  # type: ignore[attr-defined]


def phash(grey: np.ndarray) -> int:
    """64-bit perceptual hash of a grey image: 32x32 DCT, top-left 8x8 against its median."""
    small = cv2.resize(grey, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)
    block = cv2.dct(small)[:8, :8].flatten()
    bits = block > np.median(block)
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return value


def normalised_grey(image: np.ndarray, long_side: int = NORMALISED_LONG_SIDE) -> np.ndarray:
    """The image in grey, resized so its long side is ``long_side`` pixels."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    height, width = grey.shape[:2]
    scale = long_side / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    return cv2.resize(grey, size, interpolation=interpolation)


def compute_stats(ref: ImageRef) -> ImageStats:
    """Decode one image at reduced scale and compute its statistics (never raises)."""
    try:
        reduce = reduction_for(ref.width, ref.height, NORMALISED_LONG_SIDE)
        image = decode_image(ref.path, reduce)
    except BadImageError as exc:
        return ImageStats(ref.sha256, error=exc.reason)
    digest = hashlib.sha256(f"{image.shape}".encode())
    digest.update(np.ascontiguousarray(image).tobytes())
    grey = normalised_grey(image)
    p05, p50, p95 = (float(v) for v in np.percentile(grey, [5, 50, 95]))
    blur = float(cv2.Laplacian(grey, cv2.CV_64F).var())
    return ImageStats(ref.sha256, phash(grey), digest.hexdigest(), round(blur, 4), p05, p50, p95)


class StatsCache:
    """Statistics by content hash, kept in a JSON sidecar (``None`` path: memory only)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[str, ImageStats] = {}
        self._dirty = False
        if path is not None and path.is_file():
            self._load(path)

    @classmethod
    def for_project(cls, project_path: Path) -> StatsCache:
        """The sidecar cache of a project file (``P.labeler.imagestats.json``)."""
        return cls(project_path.with_name(project_path.name + CACHE_SUFFIX))

    def _load(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != STATS_VERSION:
                return
            for entry in data.get("images", []):
                stats = ImageStats.from_dict(entry)
                self._entries[stats.sha256] = stats
        except (OSError, ValueError, TypeError, KeyError):
            self._entries.clear()  # a damaged cache is only a cache: recompute

    def get(self, sha256: str) -> ImageStats | None:
        """Cached statistics of this content, if any."""
        return self._entries.get(sha256)

    def put(self, stats: ImageStats) -> None:
        """Remember statistics (errors are not cached: the file may be fixed)."""
        if stats.error is None:
            self._entries[stats.sha256] = stats
            self._dirty = True

    def __len__(self) -> int:
        return len(self._entries)

    def save(self) -> None:
        """Write the sidecar atomically if anything new was computed."""
        if self.path is None or not self._dirty:
            return
        entries = [self._entries[k].to_dict() for k in sorted(self._entries)]
        text = json.dumps({"version": STATS_VERSION, "images": entries}, separators=(",", ":"))
        try:
            tmp = scratch_file(self.path.parent, "stats", suffix=".json")
        except OSError:
            return
        fd = os.open(tmp, os.O_WRONLY)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, self.path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            return
        self._dirty = False


def collect_stats(
    refs: Sequence[ImageRef],
    cache: StatsCache | None = None,
    progress: Progress | None = None,
    workers: int = 2,
    compute: Callable[[ImageRef], ImageStats] = compute_stats,
) -> dict[int, ImageStats]:
    """Statistics of every image by image id, from the cache or decoded on a thread pool.

    Reports progress and stops with :class:`~labeler.core.errors.OperationCancelled`
    when cancelled (statistics computed so far stay in the cache).
    """
    progress = progress or Progress()
    cache = cache if cache is not None else StatsCache(None)
    result: dict[int, ImageStats] = {}
    todo: list[ImageRef] = []
    for ref in refs:
        cached = cache.get(ref.sha256)
        if cached is None:
            todo.append(ref)
        else:
            result[ref.image_id] = cached
    progress.start(len(todo), _("checking images"))
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="curate") as pool:
            for start in range(0, len(todo), 32):
                progress.check()
                chunk = todo[start : start + 32]
                for ref, stats in zip(chunk, pool.map(compute, chunk), strict=True):
                    result[ref.image_id] = stats
                    cache.put(stats)
                progress.advance(len(chunk))
    finally:
        cache.save()
    return result
