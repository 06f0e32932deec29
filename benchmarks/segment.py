"""AI-assisted shapes: encoder ms per image, decoder ms per click, cached vs uncached paths.

Usage::

    python benchmarks/segment.py [--graphs DIR] [--images 3] [--clicks 30] [--size 1280x960]
                                 [--models demo,sam,sam2] [--threads N] [--providers P,...]

Models (each skipped, saying why, when absent):

- ``demo``: the shipped demo segmenter (``demo_segmenter`` in labeler's shipped models);
- ``sam``: random-weight Segment Anything ViT-B, ``sam``: layout, real architecture;
- ``sam2``: random-weight SAM 2.1 hiera-tiny;
- a folder holding ``encoder.onnx`` and ``decoder.onnx``: that pair (e.g. an earlier demo
  segmenter, to compare it with the shipped one in the same run).

The random-weight graphs come from ``packaging/export_sam_graphs.py`` (``--graphs DIR``,
default ``.pytest_cache/d/sam_graphs``, where the tests leave them); they are exported there
first when torch and the packages are importable. Random weights cost what trained weights
cost: same graph, same arithmetic.

For each model, on the same seeded synthetic images (``--size``):

- encoder ms per image (median of ``--images``);
- decoder ms per click and click -> polygon ms (decode + mask_to_polygons), median and p95
  of ``--clicks`` prompts (one positive point each, spread over the image), on an embedding
  held in memory: what a preview costs once the image is encoded;
- click -> polygon on a fresh image without a cache (encode + decode + polygon), with the
  embedding read back from the disk cache (``.npz`` load + decode + polygon), and from the
  in-memory LRU (decode + polygon): the baseline (uncached) and the ratios are from the
  same run;
- "next image ready": with prefetch the next image's embedding is already in the LRU when
  the annotator moves on (ready = first decode); without, it is encoded then (encode +
  decode).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inference.segmentation import (  # noqa: E402
    ImageEmbedding,
    MaskPrediction,
    Prompt,
    load_segmenter,
)
from labeler.core.embedding_cache import EmbeddingCache  # noqa: E402
from labeler.core.mask_polygons import mask_to_polygons  # noqa: E402

DEFAULT_GRAPHS = ROOT / ".pytest_cache" / "d" / "sam_graphs"
RANDOM = {"sam": "sam_vit_b", "sam2": "sam2.1_hiera_tiny"}


def synthetic_image(width: int, height: int, seed: int) -> np.ndarray:
    """An RGB image with textured background and a few filled shapes (seeded)."""
    rng = np.random.default_rng(seed)
    image = rng.integers(60, 120, (height, width, 3), dtype=np.uint8)
    image = cv2.GaussianBlur(image, (0, 0), 3)
    for _ in range(6):
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        axes = (int(rng.integers(20, width // 6)), int(rng.integers(20, height // 6)))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        cv2.ellipse(image, centre, axes, float(rng.integers(0, 180)), 0, 360, colour, -1)
    return image


def _pair(name: str, graphs: Path) -> tuple[Path, Path] | str:
    """(encoder, decoder) of a benchmark model, or why it is skipped."""
    if Path(name).is_dir():
        return Path(name) / "encoder.onnx", Path(name) / "decoder.onnx"
    if name == "demo":
        from labeler.core.segment_models import read_manifest, shipped_models_dir

        for entry in read_manifest(shipped_models_dir(), "shipped"):
            if entry.kind == "segmenter" and entry.name == "demo_segmenter":
                return entry.file("encoder"), entry.file("decoder")
        return "no demo_segmenter among the shipped models yet"
    folder = graphs / RANDOM[name]
    if not (folder / "encoder.onnx").is_file():
        exported = _export(graphs)
        if exported:
            return exported
    return folder / "encoder.onnx", folder / "decoder.onnx"


def _export(graphs: Path) -> str:
    missing = [m for m in ("torch", "segment_anything", "sam2") if not importlib.util.find_spec(m)]
    if missing:
        return f"random-weight graphs need {', '.join(missing)} to export (dev-time only)"
    print(f"exporting random-weight graphs to {graphs} (a few minutes) ...", flush=True)
    script = ROOT / "packaging" / "export_sam_graphs.py"
    subprocess.run([sys.executable, str(script), str(graphs)], check=True)
    return ""


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def _polygons(prediction: MaskPrediction) -> list:
    """The mask's polygons at tolerance 1 px, traced inside its region as the app does."""
    if prediction.region is None:
        return mask_to_polygons(prediction.mask, 1.0)
    x0, y0, x1, y1 = prediction.region
    return mask_to_polygons(prediction.mask[y0:y1, x0:x1], 1.0)


def bench_model(name: str, encoder: Path, decoder: Path, args: argparse.Namespace) -> dict:
    """Every figure of one model (see the module docstring)."""
    width, height = args.width, args.height
    providers = args.providers.split(",") if args.providers else ["CPUExecutionProvider"]
    started = time.perf_counter()
    segmenter = load_segmenter(encoder, decoder, providers, name=name, threads=args.threads)
    load_s = time.perf_counter() - started
    images = [synthetic_image(width, height, seed) for seed in range(args.images)]
    segmenter.encode(images[0][:64, :64].copy())  # warm-up (first run allocates)
    embeddings, encode_ms = [], []
    for image in images:
        embedding = segmenter.encode(image)
        embeddings.append(embedding)
        encode_ms.append(embedding.encode_ms)
    rng = np.random.default_rng(1)
    clicks = [
        Prompt(points=((float(rng.uniform(0, width)), float(rng.uniform(0, height))),), labels=(1,))
        for _ in range(args.clicks)
    ]
    segmenter.decode(embeddings[0], clicks[0])  # warm-up
    decode_ms, polygon_ms, vertices = [], [], []
    for n, prompt in enumerate(clicks):
        t0 = time.perf_counter()
        prediction = segmenter.decode(embeddings[n % len(embeddings)], prompt)
        rings = _polygons(prediction)
        polygon_ms.append((time.perf_counter() - t0) * 1000)
        decode_ms.append(prediction.decode_ms)
        vertices.append(len(rings[0]) if rings else 0)
    with tempfile.TemporaryDirectory() as folder:
        cache = EmbeddingCache(Path(folder))
        cache.put("img", embeddings[0])
        path = cache.path_for("img", segmenter.info.model_sha256)
        assert path is not None
        disk_ms = []
        for prompt in clicks[:10]:
            t0 = time.perf_counter()
            loaded = ImageEmbedding.load(path)
            _polygons(segmenter.decode(loaded, prompt))
            disk_ms.append((time.perf_counter() - t0) * 1000)
        npz_mb = path.stat().st_size / 1e6
    uncached = statistics.median(encode_ms) + statistics.median(polygon_ms)
    memory = statistics.median(polygon_ms)
    return {
        "model": name,
        "layout": segmenter.info.layout,
        "provider": segmenter.info.provider,
        "load_s": load_s,
        "encoder_ms": statistics.median(encode_ms),
        "decoder_ms": statistics.median(decode_ms),
        "decoder_p95_ms": _pct(decode_ms, 95),
        "click_to_polygon_ms": memory,
        "click_to_polygon_p95_ms": _pct(polygon_ms, 95),
        "uncached_click_ms": uncached,
        "disk_cached_click_ms": statistics.median(disk_ms),
        "embedding_mb": embeddings[0].nbytes / 1e6,
        "npz_mb": npz_mb,
        "vertices": statistics.median(vertices),
        "next_ready_prefetch_ms": statistics.median(polygon_ms),
        "next_ready_no_prefetch_ms": uncached,
    }


def _print(row: dict) -> None:
    print(
        f"\n{row['model']} ({row['layout']}, {row['provider']}; load {row['load_s']:.1f} s; "
        f"embedding {row['embedding_mb']:.1f} MB in memory, {row['npz_mb']:.1f} MB on disk)"
    )
    print(f"  encoder            {row['encoder_ms']:9.0f} ms per image")
    print(
        f"  decoder            {row['decoder_ms']:9.1f} ms per click "
        f"(p95 {row['decoder_p95_ms']:.1f})"
    )
    print(
        f"  click -> polygon   {row['click_to_polygon_ms']:9.1f} ms "
        f"(p95 {row['click_to_polygon_p95_ms']:.1f}; median {row['vertices']:.0f} vertices at "
        "tolerance 1 px), embedding in memory"
    )
    base = row["uncached_click_ms"]
    print(f"  click, uncached    {base:9.0f} ms (encode + decode + polygon): baseline")
    disk = row["disk_cached_click_ms"]
    print(f"  click, disk cache  {disk:9.1f} ms ({base / disk:.0f}x faster than uncached)")
    memory = row["click_to_polygon_ms"]
    print(f"  click, memory LRU  {memory:9.1f} ms ({base / memory:.0f}x faster than uncached)")
    print(
        f"  next image ready   {row['next_ready_prefetch_ms']:9.1f} ms with prefetch, "
        f"{row['next_ready_no_prefetch_ms']:.0f} ms without"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graphs", type=Path, default=DEFAULT_GRAPHS)
    parser.add_argument("--images", type=int, default=3)
    parser.add_argument("--clicks", type=int, default=30)
    parser.add_argument("--size", default="1280x960", help="WIDTHxHEIGHT of the test images")
    parser.add_argument("--models", default="demo,sam,sam2")
    parser.add_argument("--threads", type=int, help="ONNX Runtime threads (default cores - 1)")
    parser.add_argument("--providers", help="ONNX Runtime providers, comma-separated")
    args = parser.parse_args(argv)
    args.width, args.height = (int(v) for v in args.size.lower().split("x"))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{os.cpu_count()} cores, load average {load:.1f} at start; images "
        f"{args.width}x{args.height}, {args.images} encoded, {args.clicks} clicks per model"
    )
    for name in args.models.split(","):
        pair = _pair(name, args.graphs)
        if isinstance(pair, str):
            print(f"\n{name}: skipped ({pair})")
            continue
        _print(bench_model(name, *pair, args))
    if hasattr(os, "getloadavg"):
        print(f"\nload average {os.getloadavg()[0]:.1f} at the end (other agents share the CPU)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
