"""Class edits on a large project: rename, merge and its undo (split), against bare SQL.

Usage::

    python benchmarks/class_edits.py [--annotations 100000]

Builds a project with one image and ``--annotations`` boxes split evenly between two
classes, then times, each in its own transaction: a rename (``RenameClass``), a merge
of one class into the other (``MergeClasses``: half the annotations move) and its
undo (``SplitClass``). The baseline, in the same run on a copy of the same rows, is the
bare ``UPDATE annotations SET class_id`` a merge cannot do without (the annotation
count triggers included): the ratio says what the class edit adds on top.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from labeler.core.class_commands import MergeClasses, RenameClass  # noqa: E402
from labeler.core.geometry import Box  # noqa: E402
from labeler.core.importing import import_images  # noqa: E402
from labeler.core.store import Project  # noqa: E402
from tests.core.conftest import write_image  # noqa: E402


def build(path: Path, annotations: int) -> None:
    """One image, ``annotations`` boxes alternating between classes a and b."""
    write_image(path.parent / "img.png")
    with Project.create(path, ["a", "b"]) as project:
        import_images(project, [path.parent / "img.png"])
        who = project.add_person("x")
        with project.transaction():
            for i in range(annotations):
                project.add_annotation(1, 1 + i % 2, Box(1, 1, 9, 9), who.id)


def timed(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.labeler"
        build(path, args.annotations)
        with Project.open(path) as project:
            conn = project._db.conn  # the baseline only: bare SQL, rolled back

            def bare() -> None:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("UPDATE annotations SET class_id = 2 WHERE class_id = 1")
                conn.execute("ROLLBACK")

            baseline = min(timed(bare) for _ in range(2))
            rename = timed(lambda: RenameClass(1, "a renamed").apply(project))
            undo: list[object] = []
            merge = timed(lambda: undo.append(MergeClasses(1, 2).apply(project)))
            split = timed(lambda: undo[0].apply(project))  # type: ignore[attr-defined]
    moved = args.annotations // 2
    print(f"annotations: {args.annotations:,} ({moved:,} move in the merge)")
    print(f"bare UPDATE of the moved rows (baseline): {baseline:8.1f} ms")
    print(f"rename:                                   {rename:8.1f} ms")
    print(f"merge:                                    {merge:8.1f} ms  ({merge / baseline:.2f}x)")
    print(f"undo of the merge (split):                {split:8.1f} ms  ({split / baseline:.2f}x)")


if __name__ == "__main__":
    main()
