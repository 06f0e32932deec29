"""Render docs/screenshots/display_docks.png: the Display and Shapes docks beside the canvas.

The demo project, signed in as Rita (reviewer), on an image where two annotators'
shapes overlap (each label then says whose it is). The Display dock has the scratch
class hidden, a stronger fill and a brighter, more contrasted image (view only);
the Shapes dock lists the image's shapes, one of them locked (the disagreement
overlays, shown in triage.png, are switched off here). Run from the
repository root:

    QT_QPA_PLATFORM=offscreen python docs/screenshots/display_docks.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
SHOTS = ROOT / "docs" / "screenshots"


def _crowded_image(path: Path) -> int:
    """The image with the most annotators' shapes on it."""
    from labeler.core.store import Project

    with Project.open(path) as project:
        people: dict[int, set[int]] = {}
        for annotation in project.annotations():
            people.setdefault(annotation.image_id, set()).add(annotation.annotator_id)
        return max(people, key=lambda image_id: (len(people[image_id]), -image_id))


def main() -> int:
    """Build the scene and save the picture."""
    from labeler.app.launch import application, wait_until_painted
    from labeler.app.main_window import MainWindow
    from labeler.core.store import Project
    from labeler.demo.build import build_demo

    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = build_demo(folder / "demo", 16, log=lambda _m: None)
        image_id = _crowded_image(path)
        project = Project.open(path)
        rita = project.person_by_name("Rita")
        assert rita is not None
        window = MainWindow(project, rita, thumbnail_dir=folder / "thumbs")
        window.resize(1600, 1000)
        for name in ("review", "guideline", "classes"):
            window.docks[name].hide()  # room for the two docks shown
        for name in ("display", "shapes"):
            window.docks[name].show()
            window.docks[name].raise_()
        window.show()
        wait_until_painted(app, window, 20)
        window.image_browser.select_image(image_id)
        wait_until_painted(app, window, 20)
        window.display.set_overlays(False)  # the disagreement marks have triage.png
        panel = window.display_panel
        scratch = project.class_by_name("scratch")
        assert scratch is not None
        panel.class_checks[scratch.id].setChecked(False)
        panel.fill_slider.setValue(30)
        panel.brightness_slider.setValue(15)
        panel.contrast_slider.setValue(25)
        shapes = window.shape_list
        keys = shapes.keys()
        if keys:
            shapes.set_locked(keys[0], True)
            shapes.select(keys[0])
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.02)
        window.grab().save(str(SHOTS / "display_docks.png"))
        labels = [window.canvas_view.drawn_shape(k) for k in keys]
        print([shape.label for shape in labels if shape is not None])
        window.close()
        project.close()
    print(f"wrote {SHOTS / 'display_docks.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
