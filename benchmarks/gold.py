"""What gold images cost: label readers with and without gold, the gold score, the scorecard.

Usage::

    python benchmarks/gold.py [--images 20000]

Builds the agreement benchmark's project (``benchmarks/agreement.py``: three noisy
annotators, ~5 objects per image, rita's accepted reviews on every 100th image), gives
ana two assignment batches, then times (best of two), in the same run:

* ``project_consensus`` and ``agreement_report`` before any image is gold (the
  baseline) and after every reviewed image (1 %) is marked gold: the ratio is what
  leaving gold answers out costs;
* ``gold_report`` (every answer on the gold images scored) and ``vendor_scorecard``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.agreement import build  # noqa: E402
from labeler.core.agreement import agreement_report  # noqa: E402
from labeler.core.consensus import project_consensus  # noqa: E402
from labeler.core.gold import gold_report  # noqa: E402
from labeler.core.store import Project  # noqa: E402
from labeler.core.vendor_scorecard import vendor_scorecard  # noqa: E402


def _timed(label: str, work: Callable[[], object], runs: int = 2) -> float:
    """The best of ``runs`` timings (the machine is shared: the minimum is the least noisy)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    print(f"{label:<44} {min(times):8.2f} s (best of {runs})")
    return min(times)


def main() -> int:
    """Build, time, print figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        path = build(Path(tmp), args.images, 5)
        with Project.open(path) as project:
            quinn = project.add_person("quinn", "qa_lead")
            ana = project.person_by_name("ana")
            assert ana is not None
            images = [i.id for i in project.images()]
            half = len(images) // 2
            project.assign_images(images[:half], [ana.id], batch="b1")
            project.assign_images(images[half:], [ana.id], batch="b2")
            reviewed = images[::100]  # the build has rita accept ana's labels there
        print(f"built {args.images} images in {time.perf_counter() - started:.1f} s")
        with Project.open(path) as project:
            base_c = _timed("consensus, no gold", lambda: project_consensus(project))
            base_a = _timed("agreement, no gold", lambda: agreement_report(project))
            with project.transaction():
                for image_id in reviewed:
                    project.mark_gold(image_id, quinn.id)
            share = 100 * len(reviewed) / len(images)
            print(f"marked {len(reviewed)} gold images ({share:.1f} %)")
            gold_c = _timed("consensus, gold answers left out", lambda: project_consensus(project))
            gold_a = _timed("agreement, gold answers left out", lambda: agreement_report(project))
            _timed("gold_report (every gold answer scored)", lambda: gold_report(project))
            _timed("vendor_scorecard (2 assignment batches)", lambda: vendor_scorecard(project))
        print(f"ratio consensus with/without gold: {gold_c / base_c:.2f}")
        print(f"ratio agreement with/without gold: {gold_a / base_a:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
