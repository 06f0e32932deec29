"""A small project with two model runs, the second weaker, shared by the comparison tests.

Five images, alice's labels are the truth (one annotator is her own consensus):

* img0: scratch (10,10,50,50), crack (80,20,120,60)
* img1: dent (20,20,60,60)
* img2: scratch (0,0,40,40)
* img3: scratch (10,10,50,50), dent (60,60,100,100)
* img4: scratch (10,10,50,50)

Run A ("strong") finds every object exactly; it scores img2's scratch 0.3 (below
the 0.5 of the confusion matrix) and adds a background dent on img1 (0.6). It also
covers img4. Run B ("weak") misses the crack, finds img1's dent at IoU 0.833,
adds a background scratch on img1, finds img2's scratch (0.9), misses both
objects of img3 (a 0.1 crack there only) and does not cover img4.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from labeler.core.geometry import Box
from labeler.core.importing import import_images
from labeler.core.store import Project
from tests.core.conftest import write_image

SCRATCH, CRACK, DENT = 1, 2, 3


@dataclass
class TwoRuns:
    path: Path
    images: list[int]
    strong: int
    weak: int


def make_two_runs(folder: Path, name: str = "p.labeler") -> TwoRuns:
    """Create the project (classes scratch, crack, dent) in ``folder``."""
    for i in range(5):
        write_image(folder / "images" / f"img{i}.png", seed=i)
    with Project.create(folder / name, ["scratch", "crack", "dent"]) as project:
        assert import_images(project, [folder / "images"]).added == 5
        images = [image.id for image in sorted(project.images(), key=lambda r: r.path)]
        alice = project.add_person("alice", organization="acme")
        truth = {
            0: [(SCRATCH, Box(10, 10, 50, 50)), (CRACK, Box(80, 20, 120, 60))],
            1: [(DENT, Box(20, 20, 60, 60))],
            2: [(SCRATCH, Box(0, 0, 40, 40))],
            3: [(SCRATCH, Box(10, 10, 50, 50)), (DENT, Box(60, 60, 100, 100))],
            4: [(SCRATCH, Box(10, 10, 50, 50))],
        }
        for n, shapes in truth.items():
            for class_id, box in shapes:
                project.add_annotation(images[n], class_id, box, alice.id)
        strong = project.start_model_run("a" * 64, "strong", {}, "cpu")
        for n, shapes in truth.items():
            found = [(c, b, 0.9) for c, b in shapes]
            if n == 0:
                found = [(SCRATCH, Box(10, 10, 50, 50), 0.9), (CRACK, Box(80, 20, 120, 60), 0.8)]
            if n == 1:
                found.append((DENT, Box(100, 0, 140, 30), 0.6))
            if n == 2:
                found = [(SCRATCH, Box(0, 0, 40, 40), 0.3)]
            project.add_predictions(strong.id, images[n], found)
        project.finish_model_run(strong.id)
        weak = project.start_model_run("b" * 64, "weak", {}, "cpu")
        project.add_predictions(weak.id, images[0], [(SCRATCH, Box(10, 10, 50, 50), 0.9)])
        project.add_predictions(
            weak.id,
            images[1],
            [(DENT, Box(20, 20, 60, 68), 0.7), (SCRATCH, Box(100, 70, 150, 110), 0.8)],
        )
        project.add_predictions(weak.id, images[2], [(SCRATCH, Box(0, 0, 40, 40), 0.9)])
        project.add_predictions(weak.id, images[3], [(CRACK, Box(0, 0, 10, 10), 0.1)])
        project.finish_model_run(weak.id)
        return TwoRuns(project.path, images, strong.id, weak.id)
