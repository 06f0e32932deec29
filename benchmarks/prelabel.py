"""Pre-labelling throughput: a naive reference loop against ours, end to end or engine only.

Usage::

    python benchmarks/prelabel.py [--mode e2e|engine] [--model PATH] [--n 40] [--conf C]
                                  [--images damage|shapes|soft|FOLDER] [--rounds 2]

Generates N camera-size JPEGs (4000x3000, seeded, quality 90) in a temp folder (or takes
the JPEGs of FOLDER), then, in alternating rounds so that load from other processes hits
every side alike:

``--mode e2e`` (default) times whole processes, from start to exit:
    (a) ``benchmarks/naive_prelabel.py``: ``cv2.imread`` at full size, letterbox,
        ``session.run`` with default SessionOptions, NMS, one image at a time;
    (b) the same loop on a 2-thread pool (``--pool 2``);
    (c) ``labeler prelabel PROJECT --model MODEL --force --json --device cpu`` on a
        project that already holds the images (imported before timing);
    and compares (c)'s stored predictions with (a)'s.
``--mode engine`` times ``inference.PrelabelEngine`` against the naive loop in-process.

Matched = share of detections paired one to one (same class, IoU >= 0.8), counted against
the larger of the two totals. Targets: (c) >= 2.0x (a) and >= 1.3x (b), >= 99 % matched.

Without ``--model`` it uses ``labeler/data/models/demo_damage.onnx``; if that is missing it
builds a YOLOv8-shaped stand-in with real convolution layers (and says so).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inference import PrelabelEngine, load_model  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from naive_prelabel import naive_letterbox, naive_predict  # noqa: E402, F401

DEFAULT_MODEL = ROOT / "labeler" / "data" / "models" / "demo_damage.onnx"
MATCH_IOU = 0.8


# -- test images --------------------------------------------------------------------------


def make_damage_images(folder: Path, n: int, seed: int = 0) -> list[Path]:
    """N 4000x3000 JPEGs of generated phone surfaces with damage: what the demo model knows.

    Camera-size content the model was trained for, so its detections are real
    objects rather than guesses on shapes it has never seen (which flip with any
    change of the input and make the comparison meaningless).
    """
    from labeler.demo.synth import generate_image

    rng = np.random.default_rng(seed)
    paths = []
    for i in range(n):
        sample = generate_image(rng, 4000, 3000)
        path = folder / f"cam_{i:04d}.jpg"
        cv2.imwrite(str(path), sample.image, [cv2.IMWRITE_JPEG_QUALITY, 90])
        paths.append(path)
    return paths


def make_images(folder: Path, n: int, seed: int = 0) -> list[Path]:
    """N 4000x3000 JPEGs of random saturated shapes on a noisy, shaded background."""
    rng = np.random.default_rng(seed)
    paths = []
    small = (750, 1000)
    for i in range(n):
        base = rng.integers(60, 160) + rng.integers(-10, 10, 3)  # greyish
        shade = cv2.resize(
            rng.integers(-30, 30, (6, 8, 3)).astype(np.float32), small[::-1]
        ) + base.astype(np.float32)
        image = cv2.resize(shade, (4000, 3000), interpolation=cv2.INTER_LINEAR)
        image += rng.normal(0, 6, (3000, 4000, 1)).astype(np.float32)
        image = image.clip(0, 255).astype(np.uint8)
        for _ in range(int(rng.integers(4, 10))):
            colour = [(0, 0, 255), (0, 255, 0), (255, 0, 0)][int(rng.integers(3))]
            x, y = int(rng.integers(0, 3600)), int(rng.integers(0, 2600))
            w, h = int(rng.integers(150, 700)), int(rng.integers(150, 700))
            if rng.random() < 0.5:
                cv2.rectangle(image, (x, y), (x + w, y + h), colour, -1)
            else:
                cv2.ellipse(image, (x, y), (w // 2, h // 2), 0, 0, 360, colour, -1)
        path = folder / f"cam_{i:04d}.jpg"
        cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, 90])
        paths.append(path)
    return paths


# -- stand-in model -------------------------------------------------------------------------


class _Graph:
    """Accumulates ONNX nodes and initializers with seeded random conv weights."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.nodes: list = []
        self.inits: list = []

    def const(self, name: str, value: np.ndarray) -> str:
        from onnx import numpy_helper

        self.inits.append(numpy_helper.from_array(value, name))
        return name

    def node(self, op: str, inputs: list[str], output: str, **attrs: object) -> str:
        from onnx import helper

        self.nodes.append(helper.make_node(op, inputs, [output], **attrs))
        return output

    def conv(self, x: str, cin: int, cout: int, k: int, s: int, name: str, act: bool = True) -> str:
        """Conv (+ SiLU), He-like init so activations stay in range."""
        w = self.rng.normal(0, np.sqrt(1.0 / (cin * k * k)), (cout, cin, k, k))
        inputs = [x, self.const(f"{name}_w", w.astype(np.float32))]
        inputs.append(self.const(f"{name}_b", np.zeros(cout, np.float32)))
        out = self.node(
            "Conv", inputs, f"{name}_c", kernel_shape=[k, k], strides=[s, s], pads=[k // 2] * 4
        )
        if not act:
            return out
        return self.node("Mul", [out, self.node("Sigmoid", [out], f"{name}_s")], name)


def _backbone(g: _Graph) -> list[tuple[str, int, int]]:
    """Feature maps (name, channels, stride) at strides 8, 16, 32; about YOLOv8n's cost."""
    x = g.conv("images", 3, 16, 3, 2, "b0")
    x = g.conv(x, 16, 32, 3, 2, "b1")
    x = g.conv(x, 32, 32, 3, 1, "b2")
    x = g.conv(x, 32, 64, 3, 2, "b3")
    p3 = g.conv(x, 64, 64, 3, 1, "b4")
    x = g.conv(p3, 64, 128, 3, 2, "b5")
    p4 = g.conv(x, 128, 128, 3, 1, "b6")
    x = g.conv(p4, 128, 256, 3, 2, "b7")
    p5 = g.conv(x, 256, 256, 3, 1, "b8")
    return [(p3, 64, 8), (p4, 128, 16), (p5, 256, 32)]


def _head(g: _Graph, feat: str, cin: int, stride: int, size: int) -> str:
    """(1, 7, cells) for one stride: cell boxes nudged by convs, colour scores per cell."""
    n = (size // stride) ** 2
    h = g.conv(feat, cin, 64, 3, 1, f"h{stride}a")
    h = g.conv(h, 64, 64, 3, 1, f"h{stride}b")
    box = g.conv(h, 64, 4, 1, 1, f"h{stride}box", act=False)
    ys, xs = np.mgrid[0 : size // stride, 0 : size // stride]
    side = np.full_like(xs, 3 * stride)  # 3x3 cells: overlapping like real anchors, NMS merges
    anchors = np.stack([(xs + 0.5) * stride, (ys + 0.5) * stride, side, side])
    box = g.node("Reshape", [box, g.const(f"shape{stride}", np.array([1, 4, n]))], f"br{stride}")
    box = g.node("Mul", [box, "nudge"], f"bn{stride}")
    anchor = g.const(f"a{stride}", anchors.reshape(1, 4, n).astype(np.float32))
    box = g.node("Add", [anchor, box], f"boxes{stride}")
    k = [stride, stride]
    pooled = g.node("AveragePool", ["images"], f"pool{stride}", kernel_shape=k, strides=k)
    logits = g.node("Conv", [pooled, "cls_w", "cls_b"], f"clsc{stride}")
    # A fixed per-anchor prior, like a real head's, so equal cells do not tie.
    prior = g.rng.uniform(-0.3, 0.3, (1, 3, size // stride, size // stride))
    logits = g.node(
        "Add", [logits, g.const(f"prior{stride}", prior.astype(np.float32))], f"cl{stride}"
    )
    scores = g.node("Sigmoid", [logits], f"cls{stride}")
    flat = g.const(f"shapec{stride}", np.array([1, 3, n]))
    scores = g.node("Reshape", [scores, flat], f"clsr{stride}")
    return g.node("Concat", [box, scores], f"out{stride}", axis=1)


def build_stand_in(path: Path, size: int = 640, seed: int = 0) -> Path:
    """A YOLOv8-shaped detector (output (1, 7, 8400), 3 classes) with a real conv backbone.

    Class scores are the saturation of red/green/blue per grid cell (so detections follow
    the image content); boxes are 3x3 cells around each cell, nudged by the conv head so
    nothing is pruned. Costs about what YOLOv8n does (~47 ms per image on one core here).
    """
    import onnx
    from onnx import TensorProto, helper

    g = _Graph(seed)
    mix = 3.0 * (np.eye(3, dtype=np.float32) * 3 - 1)  # 3 * (2 * own - others)
    g.const("cls_w", mix.reshape(3, 3, 1, 1))
    g.const("cls_b", np.full(3, -2.0, np.float32))
    g.const("nudge", np.array(1e-4, np.float32))
    parts = [_head(g, feat, cin, stride, size) for feat, cin, stride in _backbone(g)]
    g.node("Concat", parts, "output0", axis=2)
    anchors_total = sum((size // s) ** 2 for s in (8, 16, 32))
    graph = helper.make_graph(
        g.nodes,
        "standin",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, size, size])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 7, anchors_total])],
        initializer=g.inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    metadata = {
        "task": "detect",
        "names": "{0: 'red', 1: 'green', 2: 'blue'}",
        "imgsz": f"[{size}, {size}]",
        "stride": "32",
    }
    for key, value in metadata.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(model, path)
    return path


# -- comparison -----------------------------------------------------------------------------


def iou(a: tuple, b: tuple) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def matched(ours: list, naive: list) -> int:
    """Greedy one-to-one matching (same class, IoU >= 0.8), best score first."""
    free = list(naive)
    count = 0
    for cls, _score, box in sorted(ours, key=lambda d: -d[1]):
        best, best_iou = None, MATCH_IOU
        for cand in free:
            if cand[0] == cls and (v := iou(box, cand[2])) >= best_iou:
                best, best_iou = cand, v
        if best is not None:
            free.remove(best)
            count += 1
    return count


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("e2e", "engine"), default="e2e")
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--images", default="damage",
                        help="damage: generated phone surfaces (for the demo model); soft: the "
                        "same, slightly blurred like a phone photo; shapes: random coloured "
                        "shapes (for a stand-in model); or a folder of JPEGs")
    parser.add_argument("--conf", type=float, default=None, help="both sides (default: model's)")
    parser.add_argument("--device", default="cpu", choices=("auto", "cpu", "cuda"))
    parser.add_argument("--decode-threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds of each")
    return parser.parse_args(argv)


def _model_path(args: argparse.Namespace, folder: Path) -> Path | None:
    model_path = args.model or DEFAULT_MODEL
    if model_path.exists():
        return model_path
    if args.model is not None:
        print(f"model not found: {model_path}", file=sys.stderr)
        return None
    print(
        f"NOTE: {DEFAULT_MODEL.relative_to(ROOT)} is not there yet; using a "
        "YOLOv8-shaped stand-in (real conv backbone, 640x640, 3 classes)"
    )
    return build_stand_in(folder / "standin.onnx")


def _images(args: argparse.Namespace, folder: Path) -> list[Path]:
    if args.images not in ("damage", "soft", "shapes"):
        paths = sorted(Path(args.images).glob("*.jpg"))[: args.n]
        print(f"using {len(paths)} JPEGs from {args.images}")
        return paths
    started = time.perf_counter()
    make = make_images if args.images == "shapes" else make_damage_images
    paths = make(folder, args.n)
    if args.images == "soft":  # a phone photo's softness: what most real photos look like
        for path in paths:
            image = cv2.GaussianBlur(cv2.imread(str(path)), (0, 0), 1.2)
            cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    print(f"generated {len(paths)} {args.images} JPEGs 4000x3000 in "
          f"{time.perf_counter() - started:.1f} s")
    return paths


def _time_both(model, model_path: Path, paths: list[Path], args: argparse.Namespace):
    """Alternate naive and pipeline rounds so load from other processes hits both alike."""
    import onnxruntime as ort

    size, params = model.info.input_size[0], model.params(args.conf)
    session = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
    engine = PrelabelEngine(model, decode_threads=args.decode_threads, batch_size=args.batch_size)
    naive_predict(session, paths[0], size, params.conf, params.iou, params.max_det)
    engine.predict_path(paths[0])
    naive_s = ours_s = 0.0
    for _ in range(args.rounds):
        started = time.perf_counter()
        naive = [
            naive_predict(session, p, size, params.conf, params.iou, params.max_det) for p in paths
        ]
        naive_s += time.perf_counter() - started
        started = time.perf_counter()
        results = list(engine.run([(i, p) for i, p in enumerate(paths)], conf=args.conf))
        ours_s += time.perf_counter() - started
    return naive, naive_s, results, ours_s


def _share(ours: list[list], naive: list[list]) -> tuple[float, int, int]:
    """Matched share against the larger total, and both totals."""
    total_ours, total_naive = sum(map(len, ours)), sum(map(len, naive))
    hits = sum(matched(o, n) for o, n in zip(ours, naive, strict=True))
    most = max(total_ours, total_naive)
    return (hits / most if most else 1.0), total_ours, total_naive


def _report(naive: list, naive_s: float, results: list, ours_s: float, images: int) -> None:
    ours = [[(d.class_index, d.score, d.box) for d in r.detections] for r in results]
    share, total_ours, total_naive = _share(ours, naive)
    naive_ips, ours_ips = images / naive_s, images / ours_s
    timings = [r.timing for r in results]
    print(f"naive loop : {naive_ips:6.2f} images/s ({naive_s:.1f} s, {total_naive} detections)")
    print(
        f"pipeline   : {ours_ips:6.2f} images/s ({ours_s:.1f} s, {total_ours} detections; "
        f"per image decode {np.mean([t.decode_ms for t in timings]):.0f} ms, "
        f"inference {np.mean([t.inference_ms for t in timings]):.0f} ms, "
        f"post {np.mean([t.postprocess_ms for t in timings]):.1f} ms)"
    )
    print(f"ratio      : {ours_ips / naive_ips:.2f}x (target >= 2.0)")
    print(f"matched    : {share:.1%} (same class, IoU >= {MATCH_IOU}; target >= 99%)")


# -- end to end: whole processes ------------------------------------------------------------


def _project_with_images(folder: Path, class_names: tuple[str, ...], paths: list[Path]) -> Path:
    from labeler.core.importing import import_images
    from labeler.core.store import Project

    project_path = folder / "bench.labeler"
    with Project.create(project_path, list(class_names)) as project:
        report = import_images(project, paths)
    assert report.added == len(paths), report.to_dict()
    return project_path


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(command: list[str]) -> tuple[float, float, str]:
    """Wall-clock and CPU seconds (all threads) of one process, and its stdout."""
    started, cpu = time.perf_counter(), _children_cpu()
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=1800)
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    return seconds, cpu, result.stdout


def _stored_detections(project_path: Path, class_names: tuple[str, ...],
                       paths: list[Path]) -> list[list]:
    """The newest run's predictions per image, in ``paths`` order, as (class, score, box)."""
    from labeler.core.store import Project

    index = {name: i for i, name in enumerate(class_names)}
    with Project.open(project_path) as project:
        names = {c.id: c.name for c in project.classes()}
        run = project.model_runs()[-1]
        by_path = {Path(project.image_path(project.image(i))).resolve(): preds
                   for i, preds in project.run_predictions_by_image(run.id)}
    out = []
    for path in paths:
        preds = by_path.get(path.resolve(), [])
        out.append([(index[names[p.class_id]], p.score, p.geometry.bounds()) for p in preds])
    return out


def compile_bytecode() -> None:
    """Write labeler's bytecode cache, as an installed package (or any earlier run) has it.

    Otherwise, where ``PYTHONDONTWRITEBYTECODE`` is set (this sandbox sets it), every
    ``labeler`` process compiles its ~200 modules from source (125-150 ms here) while the
    naive loop's numpy, OpenCV and ONNX Runtime come compiled from their wheels.
    """
    import compileall

    for package in ("labeler", "inference"):
        compileall.compile_dir(ROOT / package, quiet=1)


def _e2e(model, model_path: Path, paths: list[Path], folder: Path,
         args: argparse.Namespace) -> None:
    names = model.info.class_names
    compile_bytecode()
    project_path = _project_with_images(folder, names, paths)
    listing = folder / "images.txt"
    listing.write_text("\n".join(str(p) for p in paths))
    params = model.params(args.conf)
    conf = ["--conf", str(params.conf)]
    naive_out = folder / "naive.json"
    naive_cmd = [sys.executable, str(ROOT / "benchmarks" / "naive_prelabel.py"),
                 str(model_path), str(listing), str(naive_out), *conf]
    sides = {
        "naive loop": naive_cmd,
        "naive, 2-thread pool": [*naive_cmd[:-3], str(folder / "pool.json"), *conf, "--pool", "2"],
        "labeler prelabel": [sys.executable, "-m", "labeler", "prelabel", str(project_path),
                             "--model", str(model_path), "--force", "--json",
                             "--device", args.device, *conf],
    }
    seconds: dict[str, list[float]] = {name: [] for name in sides}
    cpu: dict[str, list[float]] = {name: [] for name in sides}
    order = list(sides)
    summary: dict = {}
    for round_no in range(args.rounds):
        for name in order[round_no % 3:] + order[: round_no % 3]:
            elapsed, used, out = _timed(sides[name])
            seconds[name].append(elapsed)
            cpu[name].append(used)
            if name == "labeler prelabel":
                summary = json.loads(out)
    for name, values in seconds.items():
        print(f"{name:22s}: {len(paths) / np.mean(values):6.2f} images/s end to end "
              f"({', '.join(f'{v:.2f}' for v in values)} s; CPU {np.mean(cpu[name]):.2f} s)")
    naive_s = np.mean(seconds["naive loop"])
    pool_s = np.mean(seconds["naive, 2-thread pool"])
    ours_s = np.mean(seconds["labeler prelabel"])
    print(f"ratio vs naive loop    : {naive_s / ours_s:.2f}x (target >= 2.0)")
    print(f"ratio vs 2-thread pool : {pool_s / ours_s:.2f}x (target >= 1.3)")
    naive = json.loads(naive_out.read_text())
    naive_dets = [[(c, s, tuple(b)) for c, s, b in naive[str(p)]] for p in paths]
    ours = _stored_detections(project_path, names, paths)
    share, total_ours, total_naive = _share(ours, naive_dets)
    print(f"matched                : {share:.1%} ({total_ours} ours, {total_naive} naive; "
          f"same class, IoU >= {MATCH_IOU}; target >= 99%)")
    print(f"labeler prelabel said  : {summary.get('images_per_second')} images/s inside the "
          f"run, decode 1/{summary.get('decode_factor')} (chosen on the first images)")


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="prelabel-bench-") as tmp:
        folder = Path(tmp)
        model_path = _model_path(args, folder)
        if model_path is None:
            return 2
        paths = _images(args, folder)
        model = load_model(model_path, device=args.device)
        info = model.info
        if info.task != "detect":
            print(f"the naive reference handles YOLOv8 detection only, not {info.task!r}")
            return 2
        batch = "dynamic" if info.dynamic_batch else info.static_batch
        print(
            f"model: {model_path.name} task={info.task} input={info.input_size} batch={batch} "
            f"provider={info.provider} threads={info.threads} classes={len(info.class_names)}"
        )
        if os.getloadavg:
            print(f"load average before: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
        if args.mode == "e2e":
            _e2e(model, model_path, paths, folder, args)
        else:
            naive, naive_s, results, ours_s = _time_both(model, model_path, paths, args)
            _report(naive, naive_s, results, ours_s, len(paths) * args.rounds)
        print(f"load average after : {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
