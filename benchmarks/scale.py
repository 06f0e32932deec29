"""Every data command at 10k, 100k and 1M images: time, peak memory and the 1M/10k ratio.

Usage::

    python benchmarks/scale.py [--sizes 10000,100000,1000000] [--work DIR] [--keep]
                               [--build-only] [--only "info,export coco,..."]
                               [--timeout SECONDS] [--ratio-limit 100]
                               [--memory-limit-gb 6] [--json FILE]

For each size a project is built (or reused from ``DIR/scale-N``) with bulk SQL
through the store (:class:`labeler.core.store.bulk.BulkLoadStore`): two
annotators with 2-4 boxes on every image (the second one's jittered from the
first's, one in ten of his dropped), one finished model run of 2-4 boxes per
image, a guideline v1 under which everything was labeled and a v2 that changed
one class (its annotations queued for re-review), one reviewer's verdicts on a
tenth of the first annotator's boxes (a fifth of them rejections), one image in
twenty left unlabeled. Image records point to hard links of one small JPEG, so
the paths are distinct and the files real; the curation statistics sidecar is
pre-filled with distinct values (curate's cached-stats mode), since decoding a
million files is not what is measured.

Each command then runs as a real ``labeler`` subprocess (stdout discarded; the
app probe is this script with ``--app-probe``); its wall time and its peak
resident memory (``os.wait4`` of that child) are printed, then one table of all
sizes with the ratio of the largest size to the smallest. A child is limited to
``--memory-limit-gb`` of address space (default 6) so one command cannot take the
shared machine down; one that hits it is reported as failed. Projects are
deleted afterwards unless ``--keep``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from labeler.core.curation.stats import ImageStats, StatsCache  # noqa: E402
from labeler.core.domain import Role  # noqa: E402
from labeler.core.store import Project  # noqa: E402

WIDTH, HEIGHT = 640, 480
CLASSES = ("scratch", "crack", "dent")
CHUNK = 20_000
DISTINCT_FILES = 1_000
T_LABELED = "2026-01-01T00:00:00.000+00:00"
T_REVIEWED = "2026-01-02T00:00:00.000+00:00"
GUIDE_V1 = "# Damage guideline\n\n## scratch\nBox every scratch.\n\n## crack\nBox cracks.\n"
GUIDE_V2 = GUIDE_V1.replace("Box cracks.", "Box cracks, hairline ones included.")
GUIDE_V3 = GUIDE_V2 + "\n## dent\nBox dents larger than a coin.\n"


# Building


def build(folder: Path, n_images: int) -> Path:
    """A realistic ``n_images`` project in ``folder`` (see the module doc)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "scale.labeler"
    _REAL_HASHES.clear()
    _REAL_HASHES.update(_link_images(folder, n_images))
    rng = np.random.default_rng(n_images)
    project = Project.create(path, list(CLASSES), name=f"scale {n_images}")
    try:
        ana = project.add_person("Ana", Role.ANNOTATOR).id
        ben = project.add_person("Ben", Role.ANNOTATOR).id
        rui = project.add_person("Rui", Role.REVIEWER).id
        lee = project.add_person("Lee", Role.QA_LEAD).id
        v1 = project.publish_guideline(GUIDE_V1, "first version", lee).id
        for person in (ana, ben, rui, lee):
            project.acknowledge(person, v1)
        classes = [c.id for c in project.classes()]
        run = project.start_model_run("0" * 64, "scale-model", {"input": 320}, "CPU")
        next_id = [1]  # annotations of a fresh project are numbered from 1, as inserted
        for start in range(0, n_images, CHUNK):
            _build_chunk(
                project,
                rng,
                start,
                min(n_images, start + CHUNK),
                classes,
                (ana, ben, rui),
                v1,
                run.id,
                next_id,
            )
        project.publish_guideline(GUIDE_V2, "cracks: hairline ones too", lee, ["crack"])
    finally:
        project.close()
    _fill_stats_cache(path, n_images, rng)
    return path


def _link_images(folder: Path, n_images: int) -> dict[int, str]:
    """``images/NNNN/NNNNNNN.jpg``; returns the content hash of each image by index.

    The first ``DISTINCT_FILES`` are distinct small JPEGs (a package export of them
    checks their content); the others are hard links of one JPEG per folder of
    10,000 (a file takes at most 65,000 links), with made-up distinct hashes.
    """
    rng = np.random.default_rng(0)
    picture = rng.integers(0, 255, (HEIGHT, WIDTH, 3), dtype=np.uint8)
    hashes: dict[int, str] = {}
    source = folder / "sources" / "source.jpg"
    for i in range(n_images):
        target = _image_path(folder, i)
        if i % 10_000 == 0:
            target.parent.mkdir(parents=True, exist_ok=True)
            source = folder / "sources" / f"{i // 10_000:04d}.jpg"
            source.parent.mkdir(exist_ok=True)
            cv2.imwrite(str(source), picture)
        if i < DISTINCT_FILES:
            small = rng.integers(0, 255, (HEIGHT // 4, WIDTH // 4, 3), dtype=np.uint8)
            cv2.imwrite(str(target), cv2.resize(small, (WIDTH, HEIGHT)))
            hashes[i] = hashlib.sha256(target.read_bytes()).hexdigest()
        else:
            os.link(source, target)
    return hashes


def _image_path(folder: Path, i: int) -> Path:
    return folder / "images" / f"{i // 10_000:04d}" / f"{i:07d}.jpg"


_REAL_HASHES: dict[int, str] = {}


def _sha(i: int) -> str:
    """Image ``i``'s content hash (made up past the distinct files)."""
    return _REAL_HASHES.get(i) or hashlib.sha256(f"scale image {i}".encode()).hexdigest()


def _boxes(rng: np.random.Generator, count: int) -> np.ndarray:
    xy = rng.uniform(0, 1, (count, 2)) * (WIDTH - 130, HEIGHT - 130)
    wh = rng.uniform(20, 120, (count, 2))
    return np.round(np.hstack([xy, xy + wh]), 2)


def _build_chunk(
    project: Project,
    rng: np.random.Generator,
    start: int,
    stop: int,
    classes: list[int],
    people: tuple[int, int, int],
    version: int,
    run_id: int,
    next_id: list[int],
) -> None:
    ana, ben, rui = people
    unlabeled = {i for i in range(start, stop) if i % 20 == 19}
    images = [
        (
            _sha(i),
            f"images/{i // 10_000:04d}/{i:07d}.jpg",
            WIDTH,
            HEIGHT,
            30_000,
            "prelabeled" if i in unlabeled else ("needs_review" if i % 7 == 0 else "done"),
        )
        for i in range(start, stop)
    ]
    ana_rows, ben_rows, predictions = [], [], []
    for i in range(start, stop):
        image_id = i + 1
        count = int(rng.integers(2, 5))
        boxes = _boxes(rng, count)
        labels = rng.integers(0, len(classes), count)
        scores = np.round(rng.uniform(0.3, 0.99, count), 4)
        jitter = np.round(rng.normal(0, 3, (count, 4)), 2)
        for k in range(count):
            box = boxes[k].tolist()
            moved = np.clip(boxes[k] + jitter[k], 0, (WIDTH, HEIGHT, WIDTH, HEIGHT)).tolist()
            predictions.append(
                (image_id, classes[int(labels[(k + 1) % count])], *moved, float(scores[k]))
            )
            if i in unlabeled:
                continue
            ana_rows.append((image_id, classes[int(labels[k])], *box, ana, version, T_LABELED))
            if (i + k) % 10 != 3:
                ben_rows.append(
                    (image_id, classes[int(labels[k])], *moved, ben, version, T_LABELED)
                )
    with project.transaction():
        project.load_image_rows(images)
        first = next_id[0]
        next_id[0] += len(ana_rows) + len(ben_rows)
        project.load_box_annotation_rows(ana_rows)
        project.load_box_annotation_rows(ben_rows)
        reviews = []
        for offset in range(0, len(ana_rows), 10):
            rejected = offset % 50 == 0
            reviews.append(
                (
                    first + offset,
                    rui,
                    "reject" if rejected else "accept",
                    "box too loose" if rejected else None,
                    "2.1" if rejected else None,
                    version,
                    T_REVIEWED,
                )
            )
        project.load_review_rows(reviews)
        project.load_box_prediction_rows(run_id, range(start + 1, stop + 1), predictions)


def _fill_stats_cache(path: Path, n_images: int, rng: np.random.Generator) -> None:
    """Distinct pixel statistics per image, as a finished earlier curate run leaves them."""
    cache = StatsCache.for_project(path)
    hashes = rng.integers(0, 2**63 - 1, n_images, dtype=np.int64)
    blur = rng.uniform(80, 900, n_images)
    for i in range(n_images):
        cache.put(
            ImageStats(
                _sha(i), int(hashes[i]), _sha(-i - 1), round(float(blur[i]), 4), 20.0, 120.0, 230.0
            )
        )
    cache.save()


# Timing


def commands(path: Path, work: Path, page_offset: int) -> Iterator[tuple[str, list[str]]]:
    """(name, argv) of every command timed, in order (the ones that write come last)."""
    labeler = [sys.executable, "-m", "labeler"]
    p = str(path)
    yield "info", [*labeler, "info", p, "--json"]
    yield "agreement", [*labeler, "agreement", p, "--json"]
    yield "diagnose", [*labeler, "diagnose", p, "--model", "1"]
    yield "disagreements --between", [*labeler, "disagreements", p, "--between", "Ana", "Ben"]
    yield "disagreements --model", [*labeler, "disagreements", p, "--model", "1"]
    yield "disagreements --consensus", [*labeler, "disagreements", p, "--consensus", "Ana"]
    yield "consensus", [*labeler, "consensus", p, "--json"]
    for fmt in ("coco", "yolo", "voc", "csv"):
        out = str(work / f"export-{fmt}")
        yield f"export {fmt}", [*labeler, "export", p, out, "--format", fmt, "--overwrite"]
    yield "curate (cached stats)", [*labeler, "curate", p, "--json"]
    yield "suggest", [*labeler, "suggest", p, "--json"]
    yield "rereview --count", [*labeler, "rereview", p, "--count"]
    yield (
        "rereview page (50)",
        [*labeler, "rereview", p, "--limit", "50", "--offset", str(page_offset), "--json"],
    )
    with Project.open(path) as project:  # a cursor in the middle of the queue
        middle = project.rereview_queue(limit=1, offset=project.rereview_count() // 2)
    yield (
        "rereview page after (50)",
        [*labeler, "rereview", p, "--limit", "50", "--after", str(middle[0].annotation_id)],
    )
    yield "report", [*labeler, "report", p, str(work / "report.html"), "--force"]
    yield "app: window to first image", [sys.executable, __file__, "--app-probe", p]
    package = str(work / "vendor.lbpkg")
    Path(package).unlink(missing_ok=True)  # left by an earlier run: export refuses to overwrite
    yield (
        "package export (1000 images)",
        [
            *labeler,
            "package",
            "export",
            p,
            "--to",
            package,
            "--for",
            "Vendor",
            "--images",
            "limit:1000",
            "--with-prelabels",
        ],
    )
    yield "package import", [*labeler, "package", "import", p, package]
    guide = work / "guide-v3.md"
    guide.write_text(GUIDE_V3, encoding="utf-8")
    yield (
        "guideline publish",
        [
            *labeler,
            "guideline",
            "publish",
            p,
            str(guide),
            "--changes",
            "dents",
            "--classes",
            "dent",
        ],
    )


def run_timed(
    argv: list[str], limit_bytes: int, timeout: float | None = None
) -> tuple[float, float, int, str, float]:
    """Run one child; (seconds, peak RSS in MB, exit code, last line printed, CPU seconds).

    The probe's stdout and every child's stderr go to a temporary file; the child
    is reaped with ``os.wait4``, whose resource usage is that child's alone.
    """

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        child = subprocess.Popen(
            argv,
            stdout=log if "--app-probe" in argv else subprocess.DEVNULL,
            stderr=log,
            preexec_fn=limit,
            env=env,
            cwd=ROOT,
        )
        timer = threading.Timer(timeout, child.kill) if timeout else None
        if timer is not None:
            timer.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        if timer is not None:
            timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        lines = log.read().decode(errors="replace").strip().splitlines()
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, usage.ru_maxrss / 1024, child.returncode, lines[-1] if lines else "", cpu


def app_probe(path: Path) -> int:
    """Open the workspace on ``path`` offscreen; print ms to the first image painted."""
    started = time.perf_counter()
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from labeler.app.main_window import MainWindow

    QCoreApplication.setOrganizationName("labeler-benchmark")
    app = QApplication.instance() or QApplication([])
    imported = time.perf_counter()
    project = Project.open(path)
    person = project.person_by_name("Ana")
    assert person is not None
    window = MainWindow(project, person, owns_project=False, thumbnail_dir=path.parent / "thumbs")
    window.resize(1400, 900)
    window.show()
    deadline = time.perf_counter() + 120
    while not window.is_image_displayed() and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.001)
    painted = time.perf_counter()
    print(
        json.dumps(
            {
                "imports_ms": round((imported - started) * 1000),
                "window_to_image_ms": round((painted - imported) * 1000),
                "displayed": window.is_image_displayed(),
            }
        ),
        flush=True,
    )
    # Panels started whole-project jobs (QA, triage) on the thread pool at open; the
    # figure is taken, so leave without waiting for them.
    os._exit(0)


def measure(
    size: int,
    work: Path,
    only: set[str] | None,
    limit_gb: float,
    timeout: float | None,
    stop_after: dict[str, float] | None = None,
) -> dict[str, dict]:
    """Time every command on the project of one size.

    ``stop_after``: per command, the seconds after which it has missed its target
    (``--ratio-limit`` times its time at the smallest size) and is stopped.
    """
    folder = work / f"scale-{size}"
    path = folder / "scale.labeler"
    if not path.exists():
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        build(folder, size)
        print(
            f"[{size:,}] built in {time.perf_counter() - started:.1f} s "
            f"({path.stat().st_size / 1e6:.0f} MB)",
            flush=True,
        )
    results: dict[str, dict] = {}
    for name, argv in commands(path, folder, size):
        if only and name not in only:
            continue
        load = os.getloadavg()[0]
        limit = min(x for x in (timeout, (stop_after or {}).get(name)) if x) if (
            timeout or (stop_after or {}).get(name)) else None
        seconds, peak, code, tail, cpu = run_timed(argv, int(limit_gb * 2**30), limit)
        entry = {
            "s": round(seconds, 2), "cpu_s": round(cpu, 2), "peak_mb": round(peak), "rc": code,
            "load": load,
        }
        if name.startswith("app"):
            try:
                probe = json.loads(tail)
                entry["window_s"] = probe["window_to_image_ms"] / 1000
            except (ValueError, KeyError):
                entry["rc"] = code or 1
        elif code == -9 and limit and seconds >= limit:
            entry["error"] = f"stopped after {limit:.0f} s"
        elif code != 0:
            entry["error"] = tail[-200:]
        results[name] = entry
        extra = f" window->image {entry['window_s']:.2f} s" if "window_s" in entry else ""
        print(
            f"[{size:,}] {name:32s} {seconds:8.2f} s {cpu:8.2f} s CPU {abs(peak):8.0f} MB "
            f"rc={code} load={load:.1f}{extra} {entry.get('error', '')}",
            flush=True,
        )
        for leftover in folder.glob("export-*"):
            shutil.rmtree(leftover, ignore_errors=True)
    return results


def table(all_results: dict[int, dict[str, dict]]) -> str:
    """A Markdown table: seconds (peak MB) per size and the largest/smallest time ratio."""
    sizes = sorted(all_results)
    names = list(dict.fromkeys(n for s in sizes for n in all_results[s]))
    head = "| command | " + " | ".join(f"{s:,}" for s in sizes) + " | ratio |"
    lines = [head, "|---" * (len(sizes) + 2) + "|"]
    for name in names:
        cells = []
        for size in sizes:
            entry = all_results[size].get(name)
            if entry is None:
                cells.append("")
                continue
            seconds = entry.get("window_s", entry["s"])
            failed = f" ({entry['error']})" if entry.get("error") else ""
            failed = failed or (" FAILED" if entry["rc"] else "")
            cells.append(f"{seconds:.2f} s ({abs(entry['peak_mb']):,} MB){failed}")
        first, last = all_results[sizes[0]].get(name), all_results[sizes[-1]].get(name)
        ratio = ""
        if first and last and len(sizes) > 1:
            a, b = first.get("window_s", first["s"]), last.get("window_s", last["s"])
            ratio = f"{b / a:.1f}" if a else ""
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {ratio} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--work", type=Path, default=Path("/tmp/labeler-scale"))
    parser.add_argument("--keep", action="store_true", help="keep the projects afterwards")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--only", help="comma-separated command names to time")
    parser.add_argument("--memory-limit-gb", type=float, default=6.0)
    parser.add_argument("--timeout", type=float, help="stop a command after this many seconds")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--ratio-limit",
        type=float,
        help="stop a command at a larger size once it has taken this many times its "
        "time at the first size (it has missed the linear target by then)",
    )
    parser.add_argument("--app-probe", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.app_probe:
        return app_probe(args.app_probe)
    sizes = [int(s) for s in args.sizes.split(",")]
    only = {s.strip() for s in args.only.split(",")} if args.only else None
    all_results: dict[int, dict[str, dict]] = {}
    for size in sizes:
        if args.build_only:
            folder = args.work / f"scale-{size}"
            started = time.perf_counter()
            if not (folder / "scale.labeler").exists():
                shutil.rmtree(folder, ignore_errors=True)
                build(folder, size)
            print(f"[{size:,}] ready after {time.perf_counter() - started:.1f} s", flush=True)
            continue
        stop_after = None
        if args.ratio_limit and all_results:
            first = all_results[min(all_results)]
            stop_after = {n: e["s"] * args.ratio_limit for n, e in first.items() if not e["rc"]}
        all_results[size] = measure(
            size, args.work, only, args.memory_limit_gb, args.timeout, stop_after
        )
        if args.json:  # written after every size: a long run's figures survive a stop
            args.json.write_text(json.dumps(all_results, indent=1), encoding="utf-8")
        if not args.keep:
            shutil.rmtree(args.work / f"scale-{size}", ignore_errors=True)
    if all_results:
        print()
        print(table(all_results))
        if args.json:
            args.json.write_text(json.dumps(all_results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
