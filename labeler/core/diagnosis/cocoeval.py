"""COCO-style detection evaluation, vectorised with numpy, equal to pycocotools' ``COCOeval``.

The numbers are those of ``COCOeval(iouType="bbox")`` with its default
parameters: IoU thresholds ``.50:.05:.95``, 101 recall points, area ranges
``all / small / medium / large`` judged by each object's area, ``maxDets`` 1,
10 and 100, no crowd regions. The algorithm is the same (greedy matching of
detections by descending score to the best free ground truth, ignored ground
truth last; precision made monotone and sampled at the recall points), but
instead of looping over every image and category in Python it walks all groups
at once: step ``r`` handles the ``r``-th detection of every (image, category)
group together, since detections of different groups never compete.

Boxes use pycocotools' own IoU arithmetic (``x + w`` edges); polygons, which
pycocotools would rasterise, use exact polygon IoU (shapely).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely

from labeler.core.geometry import Box, Polygon, shapely_array
from labeler.core.store.bulk import ShapeColumns

IOU_THRESHOLDS = np.linspace(0.5, 0.95, int(np.round((0.95 - 0.5) / 0.05)) + 1, endpoint=True)
RECALL_POINTS = np.linspace(0.0, 1.00, int(np.round((1.00 - 0.0) / 0.01)) + 1, endpoint=True)
MAX_DETS = (1, 10, 100)
AREA_RANGES: dict[str, tuple[float, float]] = {
    "all": (0.0, 1e5**2),
    "small": (0.0, 32.0**2),
    "medium": (32.0**2, 96.0**2),
    "large": (96.0**2, 1e5**2),
}
AREA_NAMES = tuple(AREA_RANGES)
# A box's area for the area ranges is its width x height with each side rounded to
# the decimals the COCO export writes (labeler.core.export.model.DECIMALS). A
# 96 x 96 box at x = 10.3 is stored as corners 10.3 and 106.3; their difference
# is 95.99999999999999, and the unrounded product 9215.999999 would fall out of
# "large" (>= 96**2), where pycocotools, reading the file's w x h, puts it.
AREA_DECIMALS = 3


def box_area(width: np.ndarray, height: np.ndarray) -> np.ndarray:
    """Area of boxes for the area ranges: rounded width x rounded height.

    The product is rounded to twice the decimals, which is its exact decimal
    value: the COCO export writes this same number as the box's ``area``.
    """
    rounded = np.round(width, AREA_DECIMALS) * np.round(height, AREA_DECIMALS)
    return np.round(rounded, 2 * AREA_DECIMALS)


# pycocotools' twelve summary numbers: (name, is_ap, iou threshold or None, area, max dets)
STAT_DEFINITIONS: tuple[tuple[str, bool, float | None, str, int], ...] = (
    ("AP", True, None, "all", 100),
    ("AP50", True, 0.5, "all", 100),
    ("AP75", True, 0.75, "all", 100),
    ("AP_small", True, None, "small", 100),
    ("AP_medium", True, None, "medium", 100),
    ("AP_large", True, None, "large", 100),
    ("AR1", False, None, "all", 1),
    ("AR10", False, None, "all", 10),
    ("AR100", False, None, "all", 100),
    ("AR_small", False, None, "small", 100),
    ("AR_medium", False, None, "medium", 100),
    ("AR_large", False, None, "large", 100),
)


@dataclass(frozen=True)
class ObjectSet:
    """Objects to evaluate as parallel arrays (one row per object).

    ``boxes`` holds ``x, y, w, h``; ``polygons`` maps a row to its polygon when the
    object is not a box. ``score`` is None for ground truth.
    """

    image: np.ndarray
    category: np.ndarray
    boxes: np.ndarray
    area: np.ndarray
    score: np.ndarray | None = None
    polygons: dict[int, Polygon] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.image.shape[0])

    @classmethod
    def from_geometries(
        cls,
        image: Sequence[int],
        category: Sequence[int],
        geometries: Sequence[Box | Polygon],
        score: Sequence[float] | None = None,
    ) -> ObjectSet:
        """Arrays from per-object values; the area is the shape's own (box_area, polygon)."""
        boxes = np.zeros((len(geometries), 4), dtype=float)
        area = np.zeros(len(geometries), dtype=float)
        polygons: dict[int, Polygon] = {}
        for i, geometry in enumerate(geometries):
            x1, y1, x2, y2 = geometry.bounds()
            boxes[i] = (x1, y1, x2 - x1, y2 - y1)
            if isinstance(geometry, Polygon):
                polygons[i] = geometry
                area[i] = geometry.area
            else:
                area[i] = box_area(boxes[i, 2], boxes[i, 3])
        return cls(
            np.asarray(image, dtype=np.int64).reshape(-1),
            np.asarray(category, dtype=np.int64).reshape(-1),
            boxes,
            area,
            None if score is None else np.asarray(score, dtype=float).reshape(-1),
            polygons,
        )

    @classmethod
    def from_columns(cls, columns: ShapeColumns) -> ObjectSet:
        """From store shape columns (boxes ``x1, y1, x2, y2``; polygons by row)."""
        boxes = columns.boxes.copy()
        boxes[:, 2:] -= boxes[:, :2]
        area = box_area(boxes[:, 2], boxes[:, 3])
        for row, polygon in columns.polygons.items():
            area[row] = polygon.area
        return cls(
            columns.image_id.copy(),
            columns.class_id.copy(),
            boxes,
            area,
            None if columns.score is None else columns.score.copy(),
            dict(columns.polygons),
        )

    def geometry(self, row: int) -> Box | Polygon:
        """The shape of one row."""
        if row in self.polygons:
            return self.polygons[row]
        x, y, w, h = self.boxes[row]
        return Box(float(x), float(y), float(x + w), float(y + h))


@dataclass
class CocoEvaluation:
    """The accumulated evaluation: pycocotools' ``eval['precision']`` and ``eval['recall']``.

    ``precision`` is ``[T, R, K, A, M]`` and ``recall`` ``[T, K, A, M]`` (IoU
    thresholds, recall points, categories, area ranges, max dets); -1 marks a
    category without ground truth.
    """

    category_ids: list[int]
    precision: np.ndarray
    recall: np.ndarray
    images: int
    ground_truth: np.ndarray  # [K] non-ignored ground truth per category (area "all")
    detections: np.ndarray  # [K] detections per category (first 100 per image)

    def summary(self, category: int | None = None) -> dict[str, float]:
        """The twelve COCO summary numbers (``stats``), overall or of one category id."""
        stats = {}
        for name, is_ap, iou, area, max_dets in STAT_DEFINITIONS:
            stats[name] = self._mean(is_ap, iou, area, max_dets, category)
        return stats

    def ap(self, iou: float | None = None, category: int | None = None) -> float:
        """AP at one IoU threshold (or averaged over all), area ``all``, 100 dets; -1 if none."""
        return self._mean(True, iou, "all", 100, category)

    def _mean(
        self, is_ap: bool, iou: float | None, area: str, max_dets: int, category: int | None
    ) -> float:
        a, m = AREA_NAMES.index(area), MAX_DETS.index(max_dets)
        values = self.precision[:, :, :, a, m] if is_ap else self.recall[:, :, a, m]
        if iou is not None:
            values = values[np.flatnonzero(np.isclose(IOU_THRESHOLDS, iou))]
        if category is not None:
            k = self.category_ids.index(category)
            values = values[..., k : k + 1] if not is_ap else values[:, :, k : k + 1]
        defined = values[values > -1]
        return float(np.mean(defined)) if defined.size else -1.0

    def pr_curve(self, category: int, iou: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
        """Interpolated precision at the 101 recall points of one category (area all, 100)."""
        k = self.category_ids.index(category)
        t = int(np.flatnonzero(np.isclose(IOU_THRESHOLDS, iou))[0])
        return RECALL_POINTS.copy(), self.precision[t, :, k, 0, 2].copy()


def coco_evaluate(
    truth: ObjectSet, detections: ObjectSet, image_ids: Sequence[int], category_ids: Sequence[int]
) -> CocoEvaluation:
    """Evaluate ``detections`` against ``truth`` on these images and categories.

    Objects on other images or of other categories are left out, as pycocotools does.
    Within an (image, category) group, equal scores keep the order of ``detections``.
    """
    if detections.score is None:
        raise ValueError("detections need scores")
    images = np.unique(np.asarray(image_ids, dtype=np.int64))
    categories = sorted({int(c) for c in category_ids})
    gt = _Prepared.of(truth, images, categories, None)
    dt = _Prepared.of(detections, images, categories, detections.score)
    dt.keep(dt.rank < MAX_DETS[-1])
    pairs = _pairs(gt, dt, len(categories))
    k_count, a_count = len(categories), len(AREA_NAMES)
    t_count, r_count, m_count = len(IOU_THRESHOLDS), len(RECALL_POINTS), len(MAX_DETS)
    precision = -np.ones((t_count, r_count, k_count, a_count, m_count))
    recall = -np.ones((t_count, k_count, a_count, m_count))
    order = np.lexsort((dt.rank, dt.img, -dt.score, dt.cat))
    for a, name in enumerate(AREA_NAMES):
        low, high = AREA_RANGES[name]
        gt_ignore = (gt.area < low) | (gt.area > high)
        matched, dt_ignore = _match(gt_ignore, dt, pairs, (low, high))
        npig = np.bincount(gt.cat[~gt_ignore], minlength=k_count)
        for m, max_dets in enumerate(MAX_DETS):
            kept = order[dt.rank[order] < max_dets]
            _accumulate(
                (precision, recall),
                (a, m),
                dt.cat[kept],
                matched[:, kept],
                dt_ignore[:, kept],
                npig,
            )
    all_truth = np.bincount(gt.cat, minlength=k_count)
    return CocoEvaluation(
        categories,
        precision,
        recall,
        int(images.size),
        all_truth,
        np.bincount(dt.cat, minlength=k_count),
    )


@dataclass
class _Prepared:
    """One side's objects restricted to the evaluation, in group order, with positions."""

    source: ObjectSet
    rows: np.ndarray  # row in the source ObjectSet
    img: np.ndarray  # position of the image in the sorted image ids
    cat: np.ndarray  # position of the category
    area: np.ndarray
    score: np.ndarray
    rank: np.ndarray  # position within its (image, category) group

    @classmethod
    def of(
        cls,
        objects: ObjectSet,
        images: np.ndarray,
        categories: list[int],
        score: np.ndarray | None,
    ) -> _Prepared:
        cats = np.asarray(categories, dtype=np.int64)
        keep = np.isin(objects.image, images) & np.isin(objects.category, cats)
        rows = np.flatnonzero(keep)
        img = np.searchsorted(images, objects.image[rows])
        cat = np.searchsorted(cats, objects.category[rows])
        values = score[rows] if score is not None else np.zeros(rows.size)
        order = np.lexsort((rows, -values, img, cat))  # stable: input order breaks ties
        rows, img, cat, values = rows[order], img[order], cat[order], values[order]
        group = cat * max(len(images), 1) + img
        starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1] if rows.size else np.zeros(0, int)
        rank = np.arange(rows.size) - np.repeat(starts, np.diff(np.r_[starts, rows.size]))
        return cls(objects, rows, img, cat, objects.area[rows], values, rank)

    def keep(self, mask: np.ndarray) -> None:
        for name in ("rows", "img", "cat", "area", "score", "rank"):
            setattr(self, name, getattr(self, name)[mask])

    def group(self, n_images: int) -> np.ndarray:
        return self.cat * n_images + self.img


@dataclass
class _Pairs:
    """Detection-truth pairs of the same group that can match (IoU >= 0.5)."""

    dt: np.ndarray
    gt: np.ndarray
    iou: np.ndarray


def _pairs(gt: _Prepared, dt: _Prepared, k_count: int) -> _Pairs:
    """Every (detection, truth) of one group, with IoU, keeping those >= the lowest threshold."""
    n_images = int(max(gt.img.max(initial=-1), dt.img.max(initial=-1)) + 1)
    g_group, d_group = gt.group(n_images), dt.group(n_images)
    first = np.searchsorted(g_group, d_group, side="left")
    count = np.searchsorted(g_group, d_group, side="right") - first
    d_index = np.repeat(np.arange(len(d_group)), count)
    offsets = np.arange(d_index.size) - np.repeat(np.cumsum(count) - count, count)
    g_index = np.repeat(first, count) + offsets
    iou = pair_iou(dt.source, dt.rows[d_index], gt.source, gt.rows[g_index])
    keep = iou >= IOU_THRESHOLDS[0]
    return _Pairs(d_index[keep], g_index[keep], iou[keep])


def pair_iou(a: ObjectSet, rows_a: np.ndarray, b: ObjectSet, rows_b: np.ndarray) -> np.ndarray:
    """IoU of object ``rows_a[i]`` of ``a`` with ``rows_b[i]`` of ``b`` (as pycocotools does)."""
    da, gb = a.boxes[rows_a], b.boxes[rows_b]
    w = np.minimum(da[:, 0] + da[:, 2], gb[:, 0] + gb[:, 2]) - np.maximum(da[:, 0], gb[:, 0])
    h = np.minimum(da[:, 1] + da[:, 3], gb[:, 1] + gb[:, 3]) - np.maximum(da[:, 1], gb[:, 1])
    inter = np.where((w > 0) & (h > 0), w * h, 0.0)
    union = da[:, 2] * da[:, 3] + gb[:, 2] * gb[:, 3] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = np.where(inter > 0, inter / np.where(union > 0, union, 1.0), 0.0)
    if a.polygons or b.polygons:
        poly = np.isin(rows_a, list(a.polygons)) | np.isin(rows_b, list(b.polygons))
        todo = np.flatnonzero(poly & (inter > 0))
        if todo.size:
            ga = shapely_array([a.geometry(int(r)) for r in rows_a[todo]])
            gb_ = shapely_array([b.geometry(int(r)) for r in rows_b[todo]])
            inter_p = shapely.area(shapely.intersection(ga, gb_))
            union_p = shapely.area(ga) + shapely.area(gb_) - inter_p
            iou[todo] = np.where(union_p > 0, inter_p / np.where(union_p > 0, union_p, 1), 0.0)
    return iou


def _match(
    gt_ignore: np.ndarray, dt: _Prepared, pairs: _Pairs, area_range: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Greedy COCO matching at every IoU threshold for one area range.

    Returns ``matched`` (``[T, D]`` bool) and ``ignore`` (``[T, D]`` bool) per detection.
    A detection takes, among the free ground truth with IoU >= t, a non-ignored one
    before an ignored one, then the highest IoU, then the later one (pycocotools' order).
    """
    t_count, d_count = len(IOU_THRESHOLDS), len(dt.rows)
    matched = np.zeros((t_count, d_count), dtype=bool)
    dt_ignore = np.zeros((t_count, d_count), dtype=bool)
    taken = np.zeros((t_count, gt_ignore.size), dtype=bool)
    if pairs.dt.size:
        rank = dt.rank[pairs.dt]
        order = np.lexsort((-pairs.gt, -pairs.iou, gt_ignore[pairs.gt], pairs.dt, rank))
        p_dt, p_gt, p_iou, rank = pairs.dt[order], pairs.gt[order], pairs.iou[order], rank[order]
        bounds = np.searchsorted(rank, np.arange(int(rank.max()) + 2))
        for r in range(int(rank.max()) + 1):
            step = slice(bounds[r], bounds[r + 1])
            s_dt, s_gt, s_iou = p_dt[step], p_gt[step], p_iou[step]
            for t, threshold in enumerate(IOU_THRESHOLDS):
                valid = np.flatnonzero((s_iou >= min(threshold, 1 - 1e-10)) & ~taken[t, s_gt])
                if not valid.size:
                    continue
                seg = s_dt[valid]
                first = valid[np.r_[True, seg[1:] != seg[:-1]]]
                matched[t, s_dt[first]] = True
                taken[t, s_gt[first]] = True
                dt_ignore[t, s_dt[first]] = gt_ignore[s_gt[first]]
    outside = (dt.area < area_range[0]) | (dt.area > area_range[1])
    dt_ignore |= ~matched & outside[None, :]
    return matched, dt_ignore


def _accumulate(
    out: tuple[np.ndarray, np.ndarray],
    where: tuple[int, int],
    cat: np.ndarray,
    matched: np.ndarray,
    ignore: np.ndarray,
    npig: np.ndarray,
) -> None:
    """Fill precision and recall of one (area, max dets) cell for every category."""
    precision, recall = out
    a, m = where
    tps = matched & ~ignore
    fps = ~matched & ~ignore
    bounds = np.searchsorted(cat, np.arange(len(npig) + 1))
    for k, n_truth in enumerate(npig):
        if n_truth == 0:
            continue
        seg = slice(bounds[k], bounds[k + 1])
        tp_sum = np.cumsum(tps[:, seg], axis=1).astype(float)
        fp_sum = np.cumsum(fps[:, seg], axis=1).astype(float)
        nd = tp_sum.shape[1]
        for t in range(tp_sum.shape[0]):
            tp, fp = tp_sum[t], fp_sum[t]
            rc = tp / n_truth
            pr = tp / (fp + tp + np.spacing(1))
            recall[t, k, a, m] = rc[-1] if nd else 0
            q = np.zeros(len(RECALL_POINTS))
            if nd:
                pr = np.maximum.accumulate(pr[::-1])[::-1]
                inds = np.searchsorted(rc, RECALL_POINTS, side="left")
                inside = inds < nd
                q[inside] = pr[inds[inside]]
            precision[t, :, k, a, m] = q
