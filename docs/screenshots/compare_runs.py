"""Render docs/screenshots/compare_runs.png (QA view) and compare_report.png (HTML report).

The demo project (its model's pre-labels are run 1) gets a second, weaker run
imported with ``labeler import --predictions``; the QA view's "Compare runs" tab and
``labeler report --model 1 --against 2`` show the two side by side. Run from the
repository root (needs chromium for the report picture):

    QT_QPA_PLATFORM=offscreen python docs/screenshots/compare_runs.py
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
SHOTS = ROOT / "docs" / "screenshots"
LABELER = [sys.executable, "-m", "labeler.cli"]


def _prepare(folder: Path) -> Path:
    from labeler.demo.build import build_demo
    from tests.cli.demo_runs import write_weaker_predictions

    path = build_demo(folder / "demo", 24, log=lambda _m: None)
    weak = write_weaker_predictions(path, 1, folder / "older.json")
    subprocess.run(
        [
            *LABELER,
            "import",
            str(path),
            "--predictions",
            str(weak),
            "--format",
            "coco",
            "--model-name",
            "older-detector",
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    return path


def _report_picture(path: Path, folder: Path) -> None:
    report = folder / "report.html"
    subprocess.run(
        [*LABELER, "report", str(path), str(report), "--model", "1", "--against", "2"],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    html = report.read_text(encoding="utf-8")
    section = re.search(r'<section id="compare">.*?</section>', html, re.S)
    assert section is not None
    start, end = html.index("<main>") + len("<main>"), html.index("</main>")
    only = folder / "compare_only.html"
    only.write_text(html[:start] + section.group(0) + html[end:], encoding="utf-8")
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={folder / 'chromium'}",
            "--window-size=1400,2400",
            f"--screenshot={SHOTS / 'compare_report.png'}",
            only.as_uri(),
        ],
        check=True,
        capture_output=True,
    )


def _qa_picture(path: Path, folder: Path) -> None:
    from labeler.app.launch import application, wait_until_painted
    from labeler.app.main_window import MainWindow
    from labeler.core.store import Project

    app = application()
    project = Project.open(path)
    quinn = project.person_by_name("Quinn")
    assert quinn is not None
    window = MainWindow(project, quinn, thumbnail_dir=folder / "thumbs")
    window.resize(1500, 1000)
    window.show()
    wait_until_painted(app, window, 20)
    view = window.qa_view
    assert view.dock is not None
    view.dock.show()
    view.dock.setFloating(True)
    view.dock.resize(1120, 1500)
    view.tabs.setCurrentWidget(view.compare_view)
    compare = view.compare_view
    compare.set_runs(1, 2)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (compare.has_result() and compare.data.run_a == 1):
        app.processEvents()
        time.sleep(0.02)
    for _ in range(50):
        app.processEvents()
        time.sleep(0.02)
    view.dock.grab().save(str(SHOTS / "compare_runs.png"))
    print(compare.summary.text())
    window.close()
    project.close()


def main() -> int:
    """Build the scene and save both pictures."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = _prepare(folder)
        _report_picture(path, folder)
        _qa_picture(path, folder)
    print(f"wrote {SHOTS / 'compare_runs.png'} and {SHOTS / 'compare_report.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
