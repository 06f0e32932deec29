"""The fastest any pre-labeler could be on this machine, against the naive loop, measured.

Usage::

    python benchmarks/prelabel_ceiling.py --model MODEL.onnx --images FOLDER [--n 40]
                                          [--conf 0.05] [--rounds 2]

``benchmarks/prelabel.py`` says how far ``labeler prelabel`` is from the naive loop; this
says how far *any* program can be, so that a target can be checked against the machine
before code is written for it. It measures, on the same JPEGs and in the same run:

- the naive loop end to end (``benchmarks/naive_prelabel.py`` as its own process, alternating
  rounds with the start-up probe below);
- ``labeler prelabel`` end to end on a project holding the images, in the same rounds;
- the start-up floor: a process that imports numpy, OpenCV, ONNX Runtime and simplejpeg
  and builds a one-thread session of the model, then exits; nothing else;
- per image, as CPU time of the thread doing it: labeler's full decode
  (``inference.jpeg_decode.decode_bgr`` into a reused buffer) with labeler's letterbox and
  input tensor; the same at 1/8 (the cheapest decode of all: what is left is the entropy
  decoding every reduction pays); one one-thread ``session.run``, alone;
- ``session.run`` on every core at once, one image each: the model's cost per image when
  the cores share the work perfectly (wall time / images, the better of two rounds).

Then ``floor = start-up + n * decode / cores + n * model-when-shared``: a run with no
overhead at all, every core busy from the first image to the last, no contention between a decode
and a model run (they do contend: a 36 MB decode streams through the L3 the model needs).
The printed ratios are the naive loop's time over these floors; a target above the
full-decode ratio cannot be met on this machine by any pre-labeler that gives the network
what a full decode gives it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from prelabel import _project_with_images, _timed, compile_bytecode  # noqa: E402

from inference.jpeg_decode import DecodeBuffer, decode_bgr  # noqa: E402
from inference.preprocess import letterbox, to_blob  # noqa: E402

SHARED_RUNS = 8  # one-thread runs per core when every core runs the model at once
_START_PROBE = """
import sys
import cv2, numpy, onnxruntime as ort, simplejpeg
options = ort.SessionOptions()
options.intra_op_num_threads = 1
ort.InferenceSession(sys.argv[1], options, providers=["CPUExecutionProvider"])
"""


def _input_blob(image: np.ndarray, size: int) -> np.ndarray:
    """The letterboxed float tensor the model takes (labeler's own letterbox and blob)."""
    return to_blob([letterbox(image, (size, size))[0]])


def _decode_cpu_ms(files: list[np.ndarray], size: int, factor: int) -> float:
    """Median CPU milliseconds per image of decode + letterbox + tensor at ``factor``."""
    buffer = DecodeBuffer()
    costs = []
    for data in files:
        started = time.thread_time()
        image = decode_bgr(data, factor, buffer)
        if image is None:
            raise SystemExit("an image could not be decoded")
        _input_blob(image, size)
        costs.append(time.thread_time() - started)
    return float(np.median(costs)) * 1000


def _model_ms(session, name: str, blobs: list[np.ndarray]) -> tuple[float, float]:
    """(CPU ms of one one-thread run alone, wall ms per image with every core running)."""
    alone = []
    for blob in blobs:
        started = time.thread_time()
        session.run(None, {name: blob})
        alone.append(time.thread_time() - started)
    cores = os.cpu_count() or 1

    def work(offset: int, runs: int) -> None:
        for i in range(runs):
            session.run(None, {name: blobs[(offset + i) % len(blobs)]})

    def all_cores(runs: int) -> float:
        workers = [threading.Thread(target=work, args=(c, runs)) for c in range(cores)]
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return (time.perf_counter() - started) / (runs * cores)

    all_cores(1)  # each thread's first concurrent run allocates its own buffers
    shared = min(all_cores(SHARED_RUNS) for _ in range(2))
    return float(np.median(alone)) * 1000, shared * 1000


def _labeler_command(folder: Path, args: argparse.Namespace, paths: list[Path]) -> list[str]:
    """``labeler prelabel`` over a project already holding the images (as prelabel.py)."""
    from inference import load_model

    compile_bytecode()
    names = load_model(args.model, device="cpu").info.class_names
    project = _project_with_images(folder, names, paths)
    conf = ["--conf", str(args.conf)] if args.conf is not None else []
    return [
        sys.executable,
        "-m",
        "labeler",
        "prelabel",
        str(project),
        "--model",
        str(args.model),
        "--force",
        "--json",
        "--device",
        "cpu",
        *conf,
    ]


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--images", type=Path, required=True, help="a folder of JPEGs")
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--conf", type=float, default=None, help="the naive loop's threshold")
    parser.add_argument("--rounds", type=int, default=2)
    return parser.parse_args(argv)


def _time_processes(
    args: argparse.Namespace, paths: list[Path]
) -> tuple[list[float], list[float], list[float]]:
    """Wall seconds of the naive loop, the start-up probe and labeler, in alternating rounds."""
    with tempfile.TemporaryDirectory(prefix="prelabel-ceiling-") as tmp:
        listing = Path(tmp) / "images.txt"
        listing.write_text("\n".join(str(p) for p in paths))
        conf = ["--conf", str(args.conf)] if args.conf is not None else []
        naive_cmd = [
            sys.executable,
            str(ROOT / "benchmarks" / "naive_prelabel.py"),
            str(args.model),
            str(listing),
            str(Path(tmp) / "naive.json"),
            *conf,
        ]
        probe_cmd = [sys.executable, "-c", _START_PROBE, str(args.model)]
        ours_cmd = _labeler_command(Path(tmp), args, paths)
        naive_s, start_s, ours_s = [], [], []
        for _ in range(args.rounds):
            naive_s.append(_timed(naive_cmd)[0])
            start_s.append(_timed(probe_cmd)[0])
            ours_s.append(_timed(ours_cmd)[0])
    return naive_s, start_s, ours_s


def main(argv: list[str] | None = None) -> int:
    """Measure and print the floors and the naive loop's time over them."""
    import onnxruntime as ort

    args = _parse_args(argv)
    paths = sorted(args.images.glob("*.jpg"))[: args.n]
    if not paths:
        print(f"no JPEGs in {args.images}", file=sys.stderr)
        return 2
    cores = os.cpu_count() or 1
    print(f"{len(paths)} JPEGs from {args.images}; model {args.model.name}; {cores} cores")
    print(f"load average before: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
    naive_s, start_s, ours_s = _time_processes(args, paths)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(args.model), options, providers=["CPUExecutionProvider"])
    name, shape = session.get_inputs()[0].name, session.get_inputs()[0].shape
    size = shape[2] if isinstance(shape[2], int) else 640
    files = [np.fromfile(p, np.uint8) for p in paths]
    full_ms = _decode_cpu_ms(files, size, 1)
    eighth_ms = _decode_cpu_ms(files, size, 8)
    blobs = [_input_blob(decode_bgr(data), size) for data in files[: max(4, cores * 2)]]
    session.run(None, {name: blobs[0]})
    alone_ms, shared_ms = _model_ms(session, name, blobs)
    naive, start = float(np.mean(naive_s)), float(min(start_s))
    n = len(paths)
    print(f"naive loop end to end : {naive:.2f} s ({', '.join(f'{s:.2f}' for s in naive_s)})")
    print(f"start-up floor        : {start:.2f} s (imports + a one-thread session, then exit)")
    print(f"decode + letterbox    : full {full_ms:.1f} ms CPU, 1/8 {eighth_ms:.1f} ms CPU")
    print(
        f"model one-thread run  : {alone_ms:.1f} ms CPU alone; {shared_ms:.1f} ms per image "
        f"with {cores} at once"
    )
    for label, decode_ms in (("full decode", full_ms), ("1/8 decode ", eighth_ms)):
        floor = start + n * decode_ms / cores / 1000 + n * shared_ms / 1000
        print(f"floor, {label}    : {floor:.2f} s -> naive / floor = {naive / floor:.2f}x")
        if label == "full decode":
            full_floor = floor
    ours = float(np.mean(ours_s))
    print(
        f"labeler prelabel      : {ours:.2f} s ({', '.join(f'{s:.2f}' for s in ours_s)}) -> "
        f"naive / ours = {naive / ours:.2f}x; full-decode floor / ours = {full_floor / ours:.0%}"
    )
    print(f"load average after : {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(
        "(no pre-labeler on this machine can beat these ratios; a real run also pays "
        "contention, result writing and the project's own start-up)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
