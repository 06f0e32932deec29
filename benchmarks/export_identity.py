"""Hashes of every file of eight exports of a project, to compare two versions of the code.

Usage::

    python benchmarks/export_identity.py CODE_ROOT PROJECT OUT.json [--only coco,yolo]

``CODE_ROOT`` is the folder whose ``labeler`` package is imported (this checkout, or an
older one unpacked with ``git archive``). Run it once per version on the same project
and compare the two JSON files: equal dicts mean byte-identical exports, manifests
included. Variants: COCO, YOLO, VOC, CSV; COCO with three splits; YOLO with splits and
``--unresolved keep``; CSV ``--only reviewed``; VOC ``--only consensus --unresolved drop``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

VARIANTS: dict[str, dict[str, object]] = {
    "coco": {"format": "coco"},
    "yolo": {"format": "yolo"},
    "voc": {"format": "voc"},
    "csv": {"format": "csv"},
    "coco-splits": {"format": "coco", "splits": {"train": 0.7, "val": 0.2, "test": 0.1}, "seed": 3},
    "yolo-splits-keep": {
        "format": "yolo", "splits": {"train": 0.8, "val": 0.2}, "unresolved": "keep",
    },
    "csv-reviewed": {"format": "csv", "only": "reviewed"},
    "voc-consensus-drop": {"format": "voc", "only": "consensus", "unresolved": "drop"},
}


def main() -> int:
    """Export every variant and write ``{variant: {file: sha256}}``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("code_root", type=Path)
    parser.add_argument("project", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--only", help="comma-separated variants")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code_root.resolve()))
    from labeler.core.export import ExportOptions, export_dataset
    from labeler.core.store import Project

    wanted = set(args.only.split(",")) if args.only else set(VARIANTS)
    result: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as work, Project.open(args.project) as project:
        for name, settings in VARIANTS.items():
            if name not in wanted:
                continue
            out = Path(work) / name
            export_dataset(project, out, ExportOptions(**settings))  # type: ignore[arg-type]
            result[name] = {
                str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(out.rglob("*"))
                if p.is_file()
            }
            print(name, len(result[name]), "files", flush=True)
            shutil.rmtree(out)
    args.out.write_text(json.dumps(result, indent=1, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
