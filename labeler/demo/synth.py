"""Seeded generator of synthetic "phone surface damage" images with ground truth.

The images echo used-phone grading photos: a phone back or screen (solid colour, gradient,
brushed metal or glass with glare bands) under uneven light, carrying 0-6 damage marks of three
classes:

``scratch``
    Thin, nearly straight lines, light or dark. One object may hold 1-4 close parallel lines
    (one stroke across the surface); its box covers them all.
``crack``
    Branching polylines radiating from an impact point, sometimes joined by ring segments
    (spider web).
``dent``
    A shaded ellipse: dark on one side, highlight on the other. Dents also carry a polygon
    outline (the ellipse), so the demo data has polygons.

Only numpy and OpenCV are used. Everything is drawn from the ``numpy.random.Generator`` handed
in, so the same seed gives byte-identical pixels. All sizes scale with the image, so a 960x720
image looks like a 640x480 one at a higher resolution.

Example::

    rng = np.random.default_rng(7)
    sample = generate_image(rng, 640, 480)
    for obj in sample.objects:
        print(obj.class_name, obj.box)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

CLASSES: tuple[str, ...] = ("scratch", "crack", "dent")
"""Class names, in the order of the demo model's class indices."""

UNSUITABLE_KINDS: tuple[str, ...] = ("duplicate", "near_duplicate", "blurry", "dark")
"""Kinds of deliberately unsuitable images that :func:`make_unsuitable` can produce."""

Box = tuple[float, float, float, float]
Point = tuple[float, float]

# Phone finishes, BGR.
_PALETTE: tuple[tuple[int, int, int], ...] = (
    (18, 18, 20),  # black
    (40, 38, 36),  # graphite
    (62, 38, 22),  # midnight blue
    (92, 84, 78),  # space grey
    (198, 198, 196),  # silver
    (232, 232, 230),  # white
    (150, 196, 222),  # gold
    (182, 186, 226),  # rose
    (72, 102, 62),  # green
    (150, 108, 122),  # purple
    (42, 40, 150),  # red
    (150, 120, 70),  # sierra blue
)

# Probability of 0, 1, ..., 6 objects in an image.
_COUNT_P = np.array([0.06, 0.16, 0.2, 0.2, 0.16, 0.12, 0.1])


@dataclass(frozen=True)
class SynthObject:
    """One ground-truth damage mark.

    Attributes:
        class_name: one of :data:`CLASSES`.
        box: axis-aligned box ``(x1, y1, x2, y2)`` in pixels (x2, y2 exclusive edges), tightly
            covering what was drawn.
        polygon: outline ``[(x, y), ...]`` for dents, ``None`` for other classes.
    """

    class_name: str
    box: Box
    polygon: list[Point] | None = None


@dataclass(frozen=True, eq=False)
class SynthImage:
    """A generated image and its ground truth.

    Attributes:
        image: BGR uint8 array of shape (height, width, 3).
        objects: the damage marks drawn on it.
    """

    image: np.ndarray
    objects: list[SynthObject]


# --------------------------------------------------------------------------- background


def _add_plane(img: np.ndarray, plane: np.ndarray) -> None:
    """``img += plane[..., None]`` in place, channel by channel (much faster than broadcasting)."""
    for c in range(img.shape[2]):
        img[..., c] += plane


def _mul_plane(img: np.ndarray, plane: np.ndarray) -> None:
    """``img *= plane[..., None]`` in place, channel by channel."""
    for c in range(img.shape[2]):
        img[..., c] *= plane


def _grid(width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    xs = np.arange(width, dtype=np.float32)[None, :]
    ys = np.arange(height, dtype=np.float32)[:, None]
    return xs, ys


def _background(rng: np.random.Generator, width: int, height: int, sf: float) -> np.ndarray:
    """Return a float32 BGR background of shape (height, width, 3)."""
    base = np.array(_PALETTE[int(rng.integers(len(_PALETTE)))], dtype=np.float32)
    base = np.clip(base + rng.uniform(-14, 14, size=3).astype(np.float32), 0, 255)
    img = np.empty((height, width, 3), dtype=np.float32)
    img[:] = base
    xs, ys = _grid(width, height)
    diag = math.hypot(width, height)
    kind = int(rng.integers(4))  # 0 solid, 1 gradient, 2 brushed metal, 3 glass

    if kind == 1 or (kind == 3 and rng.random() < 0.5):
        ang = rng.uniform(0, 2 * math.pi)
        ramp = (xs * math.cos(ang) + ys * math.sin(ang)) / diag  # about -1..1
        gain = rng.uniform(0.15, 0.5)
        _mul_plane(img, 1.0 + gain * (ramp - float(ramp.mean())))
    if kind == 2:
        noise = rng.standard_normal((height, width), dtype=np.float32)
        k = max(3, int(width * rng.uniform(0.04, 0.15)))
        horizontal = rng.random() < 0.6
        ksize = (k, 1) if horizontal else (1, k)
        streaks = np.asarray(cv2.blur(noise, ksize), dtype=np.float32)
        streaks *= rng.uniform(6.0, 14.0) / (float(streaks.std()) + 1e-6)
        _add_plane(img, streaks)
    if kind == 3:
        for _ in range(int(rng.integers(1, 4))):
            ang = rng.uniform(0, math.pi)
            d = xs * math.cos(ang) + ys * math.sin(ang)
            d0 = rng.uniform(float(d.min()), float(d.max()))
            w = rng.uniform(0.02, 0.12) * diag
            d -= d0
            d /= w
            np.square(d, out=d)
            np.negative(d, out=d)
            band = np.exp(d, out=d)
            band *= rng.uniform(20, 70)
            _add_plane(img, band)
        if rng.random() < 0.5:
            cx, cy = rng.uniform(0, width), rng.uniform(0, height)
            r = rng.uniform(0.1, 0.3) * diag
            blob = np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * r * r))
            blob *= rng.uniform(15, 50)
            _add_plane(img, blob)

    # Uneven lighting: a smooth random illumination field.
    gy, gx = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    field = rng.uniform(0.75, 1.2, size=(gy, gx)).astype(np.float32)
    field = np.asarray(
        cv2.resize(field, (width, height), interpolation=cv2.INTER_CUBIC), dtype=np.float32
    )
    _mul_plane(img, field)
    img += rng.uniform(-15, 15)
    return np.clip(img, 0, 255, out=img)


# --------------------------------------------------------------------------- helpers


def _mark_colour(rng: np.random.Generator, local: np.ndarray) -> np.ndarray:
    """Pick a light or dark mark colour with clear contrast against ``local`` (BGR mean)."""
    lum = float(local.mean())
    if lum < 90:
        light = True
    elif lum > 170:
        light = False
    else:
        light = bool(rng.random() < 0.5)
    if light:
        target = min(255.0, lum + rng.uniform(75, 140))
    else:
        target = max(0.0, lum - rng.uniform(75, 130))
    tint = rng.uniform(-10, 10, size=3)
    return np.clip(target + tint, 0, 255).astype(np.float32)


def _iou(a: Box, b: Box) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _overlaps(box: Box, boxes: list[Box]) -> bool:
    for other in boxes:
        if _iou(box, other) > 0.15:
            return True
        inside = (
            box[0] >= other[0] and box[1] >= other[1] and box[2] <= other[2] and box[3] <= other[3]
        )
        contains = (
            other[0] >= box[0] and other[1] >= box[1] and other[2] <= box[2] and other[3] <= box[3]
        )
        if inside or contains:
            return True
    return False


def _bounds(polys: list[np.ndarray], pad: float) -> Box:
    pts = np.concatenate(polys, axis=0)
    return (
        float(pts[:, 0].min() - pad),
        float(pts[:, 1].min() - pad),
        float(pts[:, 0].max() + pad),
        float(pts[:, 1].max() + pad),
    )


def _draw_lines(
    img: np.ndarray,
    polylines: list[tuple[np.ndarray, int]],
    colour: np.ndarray,
    opacity: float,
) -> Box | None:
    """Alpha-blend anti-aliased polylines onto ``img`` in place; return the drawn pixels' box.

    ``polylines`` holds (points float (k, 2), thickness) pairs.
    """
    h, w = img.shape[:2]
    pad = 1 + max(t for _, t in polylines)
    x1, y1, x2, y2 = _bounds([p for p, _ in polylines], pad)
    x0, y0 = max(0, int(x1)), max(0, int(y1))
    xe, ye = min(w, math.ceil(x2) + 1), min(h, math.ceil(y2) + 1)
    if xe - x0 < 2 or ye - y0 < 2:
        return None
    mask = np.zeros((ye - y0, xe - x0), dtype=np.uint8)
    shift = 4  # sub-pixel precision for cv2 drawing
    for pts, thickness in polylines:
        local = np.round((pts - (x0, y0)) * (1 << shift)).astype(np.int32)
        cv2.polylines(mask, [local], False, 255, thickness, cv2.LINE_AA, shift)
    ys, xs = np.nonzero(mask > 64)
    if xs.size == 0:
        return None
    alpha = mask.astype(np.float32) * (opacity / 255.0)
    roi = img[y0:ye, x0:xe]
    roi += (colour - roi) * alpha[..., None]
    return (
        float(x0 + xs.min()),
        float(y0 + ys.min()),
        float(x0 + xs.max() + 1),
        float(y0 + ys.max() + 1),
    )


def _local_mean(img: np.ndarray, box: Box) -> np.ndarray:
    h, w = img.shape[:2]
    x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
    x1, y1 = min(w, int(box[2]) + 1), min(h, int(box[3]) + 1)
    return img[y0:y1, x0:x1].reshape(-1, 3).mean(axis=0)


# --------------------------------------------------------------------------- marks


def _scratch_geometry(
    rng: np.random.Generator, width: int, height: int, sf: float
) -> list[tuple[np.ndarray, int]]:
    s = min(width, height)
    length = rng.uniform(0.15, 0.55) * s
    ang = rng.uniform(0, math.pi)
    direction = np.array([math.cos(ang), math.sin(ang)])
    normal = np.array([-direction[1], direction[0]])
    n_lines = 1 if rng.random() < 0.6 else int(rng.integers(2, 5))
    spacing = rng.uniform(3.0, 8.0) * sf
    margin = 4 * sf + spacing * n_lines
    half = direction * length / 2
    lo = np.abs(half) + margin
    cx = rng.uniform(lo[0], max(lo[0] + 1, width - lo[0]))
    cy = rng.uniform(lo[1], max(lo[1] + 1, height - lo[1]))
    bend = rng.uniform(-0.04, 0.04) * length
    thickness = max(1, round(rng.choice([1, 1, 2, 2, 3]) * sf))
    lines = []
    t = np.linspace(-0.5, 0.5, 7)
    for i in range(n_lines):
        frac = rng.uniform(0.6, 1.0) if i else 1.0
        start = rng.uniform(0, 1 - frac) if i else 0.0
        tt = start - 0.5 + (t + 0.5) * frac
        offset = (i - (n_lines - 1) / 2) * spacing
        along = tt[:, None] * length * direction
        across = (bend * np.cos(math.pi * tt) + offset)[:, None] * normal
        jitter = rng.normal(0, 0.6 * sf, size=(t.size, 2))
        pts = np.array([cx, cy]) + along + across + jitter
        th = thickness if i == 0 else max(1, thickness - int(rng.integers(0, 2)))
        lines.append((pts, th))
    return lines


def _crack_geometry(
    rng: np.random.Generator, width: int, height: int, sf: float
) -> list[tuple[np.ndarray, int]]:
    s = min(width, height)
    radius = min(rng.uniform(0.08, 0.22) * s, 0.45 * s)
    m = radius + 4 * sf
    cx = rng.uniform(m, width - m)
    cy = rng.uniform(m, height - m)
    centre = np.array([cx, cy])
    n_rays = int(rng.integers(4, 10))
    base_angles = np.sort(
        rng.uniform(0, 2 * math.pi)
        + np.arange(n_rays) * 2 * math.pi / n_rays
        + rng.normal(0, 0.25, n_rays)
    )
    thin = max(1, round(sf))
    lines: list[tuple[np.ndarray, int]] = []
    rays: list[np.ndarray] = []
    for a0 in base_angles:
        ray_len = radius * rng.uniform(0.45, 1.0)
        n_seg = int(rng.integers(3, 7))
        seg = ray_len / n_seg
        pts = [centre.copy()]
        ang = a0
        for _ in range(n_seg):
            ang += rng.normal(0, 0.22)
            pts.append(pts[-1] + seg * np.array([math.cos(ang), math.sin(ang)]))
        ray = np.array(pts)
        rays.append(ray)
        lines.append((ray, thin + (1 if rng.random() < 0.25 else 0)))
        if rng.random() < 0.5 and n_seg >= 3:
            k = int(rng.integers(1, n_seg - 1))
            b_ang = ang + rng.choice([-1, 1]) * rng.uniform(0.4, 0.9)
            b_len = ray_len * rng.uniform(0.2, 0.45)
            b_pts = [ray[k]]
            for _ in range(3):
                b_ang += rng.normal(0, 0.2)
                b_pts.append(b_pts[-1] + b_len / 3 * np.array([math.cos(b_ang), math.sin(b_ang)]))
            lines.append((np.array(b_pts), thin))
    if rng.random() < 0.6:
        for _ in range(int(rng.integers(1, 3))):
            frac = rng.uniform(0.25, 0.7)
            for i in range(n_rays):
                if rng.random() > 0.7:
                    continue
                r1, r2 = rays[i], rays[(i + 1) % n_rays]
                p1 = r1[min(len(r1) - 1, round(frac * (len(r1) - 1)))]
                p2 = r2[min(len(r2) - 1, round(frac * (len(r2) - 1)))]
                mid = (p1 + p2) / 2 + rng.normal(0, 1.5 * sf, size=2)
                lines.append((np.array([p1, mid, p2]), thin))
    lo = np.array([2.0, 2.0])
    hi = np.array([width - 3.0, height - 3.0])
    return [(np.clip(p, lo, hi), t) for p, t in lines]


def _dent(
    rng: np.random.Generator, img: np.ndarray, width: int, height: int, sf: float, boxes: list[Box]
) -> SynthObject | None:
    s = min(width, height)
    for _ in range(10):
        a = rng.uniform(0.04, 0.12) * s
        b = a * rng.uniform(0.5, 1.0)
        phi = rng.uniform(0, math.pi)
        cx = rng.uniform(a + 3, width - a - 3)
        cy = rng.uniform(a + 3, height - a - 3)
        t = np.linspace(0, 2 * math.pi, 32, endpoint=False)
        px = cx + a * np.cos(t) * math.cos(phi) - b * np.sin(t) * math.sin(phi)
        py = cy + a * np.cos(t) * math.sin(phi) + b * np.sin(t) * math.cos(phi)
        px = np.clip(px, 0, width)
        py = np.clip(py, 0, height)
        box = (float(px.min()), float(py.min()), float(px.max()), float(py.max()))
        if not _overlaps(box, boxes):
            break
    else:
        return None
    x0, y0 = int(box[0]), int(box[1])
    x1, y1 = min(width, math.ceil(box[2]) + 1), min(height, math.ceil(box[3]) + 1)
    xs, ys = _grid(x1 - x0, y1 - y0)
    dx, dy = xs + (x0 + 0.5 - cx), ys + (y0 + 0.5 - cy)
    u = (dx * math.cos(phi) + dy * math.sin(phi)) / a
    v = (-dx * math.sin(phi) + dy * math.cos(phi)) / b
    r = np.sqrt(u * u + v * v)
    inside = np.clip((1.0 - r) / 0.12, 0.0, 1.0)
    theta = rng.uniform(0, 2 * math.pi)
    shade = u * math.cos(theta) + v * math.sin(theta)
    roi = img[y0:y1, x0:x1]
    lum = float(roi.mean())
    amp = rng.uniform(35, 70)
    # Shading: highlight on one side, shadow on the other, plus a shallow depression and a rim.
    delta = amp * shade * inside - 0.2 * amp * inside
    rim = np.exp(-(((r - 0.97) / 0.05) ** 2)) * (0.45 * amp)
    delta += rim if lum < 110 else -rim
    roi += delta[..., None]
    polygon = [(round(float(x), 2), round(float(y), 2)) for x, y in zip(px, py, strict=True)]
    return SynthObject("dent", tuple(round(c, 2) for c in box), polygon)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- post-processing


def _degrade(rng: np.random.Generator, img: np.ndarray, sf: float) -> np.ndarray:
    """Blur, sensor noise and JPEG artefacts; returns uint8."""
    h, w = img.shape[:2]
    original = img
    if rng.random() < 0.3:
        sigma = rng.uniform(0.5, 1.3) * sf
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    elif rng.random() < 0.2:
        k = max(3, int(rng.uniform(3, 7) * sf)) | 1
        kernel = np.zeros((k, k), dtype=np.float32)
        ang = rng.uniform(0, math.pi)
        c = k // 2
        dx, dy = math.cos(ang) * c, math.sin(ang) * c
        cv2.line(kernel, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 1)
        img = cv2.filter2D(img, -1, kernel / kernel.sum())
    sigma_n = rng.uniform(0.0, 6.0)
    if sigma_n > 1.0:
        noise = rng.standard_normal((h, w), dtype=np.float32) * sigma_n
        if img is original:
            img = img.copy()
        _add_plane(img, noise)
    out = np.clip(img, 0, 255, out=img).astype(np.uint8)
    if rng.random() < 0.4:
        q = int(rng.integers(35, 86))
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, q])
        decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR) if ok else None
        if decoded is not None:
            out = np.asarray(decoded, dtype=np.uint8)
    return out


# --------------------------------------------------------------------------- public API


def generate_image(rng: np.random.Generator, width: int = 640, height: int = 480) -> SynthImage:
    """Generate one synthetic phone-surface image with 0-6 damage marks.

    Args:
        rng: source of all randomness; the same generator state gives the same image.
        width: image width in pixels (at least 64).
        height: image height in pixels (at least 64).

    Returns:
        The BGR uint8 image and its ground-truth objects. Boxes lie inside the image; dents
        carry an ellipse polygon that lies inside their box.
    """
    if width < 64 or height < 64:
        raise ValueError("width and height must be at least 64 pixels")
    sf = min(width, height) / 480.0
    img = _background(rng, width, height, sf)
    n_objects = int(rng.choice(len(_COUNT_P), p=_COUNT_P))
    objects: list[SynthObject] = []
    boxes: list[Box] = []
    for _ in range(n_objects):
        cls = CLASSES[int(rng.integers(len(CLASSES)))]
        if cls == "dent":
            obj = _dent(rng, img, width, height, sf, boxes)
            if obj is not None:
                objects.append(obj)
                boxes.append(obj.box)
            continue
        make = _scratch_geometry if cls == "scratch" else _crack_geometry
        for _ in range(10):
            lines = make(rng, width, height, sf)
            est = _bounds([p for p, _ in lines], 2)
            if not _overlaps(est, boxes):
                break
        else:
            continue
        colour = _mark_colour(rng, _local_mean(img, est))
        opacity = rng.uniform(0.65, 1.0)
        drawn = _draw_lines(img, lines, colour, opacity)
        if drawn is None or drawn[2] - drawn[0] < 2 or drawn[3] - drawn[1] < 2:
            continue
        objects.append(SynthObject(cls, drawn))
        boxes.append(drawn)
    return SynthImage(_degrade(rng, img, sf), objects)


def make_unsuitable(rng: np.random.Generator, base: SynthImage, kind: str) -> SynthImage:
    """Derive a deliberately unsuitable image from ``base``, for curation demos.

    Args:
        rng: source of randomness.
        base: the image to derive from.
        kind: one of :data:`UNSUITABLE_KINDS`: ``duplicate`` (an exact copy), ``near_duplicate``
            (slightly brighter, noisier copy), ``blurry`` (heavy Gaussian blur) or ``dark``
            (very underexposed).

    Returns:
        A new image with the same ground-truth objects as ``base``.
    """
    img = base.image
    sf = min(img.shape[:2]) / 480.0
    if kind == "duplicate":
        out = img.copy()
    elif kind == "near_duplicate":
        f = img.astype(np.float32) * rng.uniform(1.02, 1.06) + rng.uniform(3, 8)
        f += rng.standard_normal(img.shape[:2], dtype=np.float32)[..., None] * 2.0
        out = np.clip(f, 0, 255).astype(np.uint8)
    elif kind == "blurry":
        out = cv2.GaussianBlur(img, (0, 0), rng.uniform(6.0, 9.0) * sf)
    elif kind == "dark":
        f = img.astype(np.float32) * rng.uniform(0.06, 0.12)
        f += rng.standard_normal(img.shape[:2], dtype=np.float32)[..., None] * 1.5
        out = np.clip(f, 0, 255).astype(np.uint8)
    else:
        raise ValueError(f"unknown unsuitable kind {kind!r}; expected one of {UNSUITABLE_KINDS}")
    return SynthImage(out, list(base.objects))


def write_dataset(
    out_dir: Path,
    n: int,
    seed: int,
    width: int = 960,
    height: int = 720,
    unsuitable: bool = False,
) -> list[tuple[Path, SynthImage]]:
    """Generate ``n`` images and write them as JPEGs into ``out_dir``.

    Image ``i`` depends only on ``(seed, i)``, so a larger ``n`` extends a smaller one. Files
    are named ``synth_0000.jpg``, ``synth_0001.jpg``, ... and written at a JPEG quality drawn
    per image (80-95). The same seed writes byte-identical files.

    Args:
        out_dir: folder to write into (created if missing).
        n: number of regular images.
        seed: dataset seed.
        width: image width in pixels.
        height: image height in pixels.
        unsuitable: also write one image of each of :data:`UNSUITABLE_KINDS`, derived from the
            first regular images, named ``synth_NNNN_<kind>.jpg`` after the regular ones. An
            exact duplicate is byte-identical to its source file.

    Returns:
        ``(path, sample)`` pairs in file order. ``sample.image`` is the array before JPEG
        encoding; ``sample.objects`` is the ground truth.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[tuple[Path, SynthImage]] = []
    qualities: list[int] = []
    for i in range(n):
        rng = np.random.default_rng([seed, i])
        sample = generate_image(rng, width, height)
        quality = int(rng.integers(80, 96))
        path = out_dir / f"synth_{i:04d}.jpg"
        _imwrite(path, sample.image, quality)
        written.append((path, sample))
        qualities.append(quality)
    if unsuitable and n > 0:
        for k, kind in enumerate(UNSUITABLE_KINDS):
            src = k % n
            rng = np.random.default_rng([seed, n + k, 1])
            sample = make_unsuitable(rng, written[src][1], kind)
            path = out_dir / f"synth_{n + k:04d}_{kind}.jpg"
            _imwrite(path, sample.image, qualities[src] if kind == "duplicate" else 90)
            written.append((path, sample))
    return written


def _imwrite(path: Path, image: np.ndarray, quality: int) -> None:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise OSError(f"could not encode {path}")
    path.write_bytes(buf.tobytes())
