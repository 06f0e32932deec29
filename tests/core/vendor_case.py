"""A small two-batch vendor case, counted by hand (shared by the core, CLI and GUI tests).

Six images img0..img5 (160x120); Quinn (QA lead), Ana (in-house), Vik (Vendor A).
img5 is gold: Ana's crack (20,20)-(60,50), accepted by Quinn.

Batch "week 1" (in-house assignments to Vik: img0, img1, img2, img5):

- img0: Vik's scratch (10,10)-(50,50) (accepted) and crack (60,60)-(100,100)
  (rejected), 30 s; Ana drew the same scratch: Vik vs Ana 1 match of 2 + 1 objects,
  agreement F1 2/3 over 1 comparison.
- img1: answered empty, 10 s, and Vik asked a question on it.
- img2: never answered (sent, not delivered).
- img5 (gold): Vik's crack exactly on the reference, 20 s: gold F1 1 over 1 item.

  Sent 4, delivered 3, objects 3, accepted 1, rejected 1, fixed 0; median 20 s;
  1 question; price 100 KRW per image and 50 per object (Vendor A's):
  cost 3 x 100 + 3 x 50 = 450, per accepted object 450.

Batch "va2.lbpkg" (a package for Vendor A: img3, img4): Vik boxes img3 (fixed by
Quinn after the import) and answers img4 empty. Sent 2, delivered 2, objects 1, fixed 1;
no gold, no agreement, no timer; price 80 KRW per image for this batch: cost 160, no
accepted object. Trend against week 1: acceptance 0 - 1/2 = -0.5, gold F1 none.
"""

from __future__ import annotations

from pathlib import Path

from labeler.core.commands import SetAnswered
from labeler.core.geometry import Box
from labeler.core.importing import import_images
from labeler.core.packages import export_package, import_package, open_package, save_package
from labeler.core.store import Project
from tests.core.conftest import write_image


def build_vendor_case(folder: Path) -> Path:
    """Write the project of the module docstring under ``folder``; returns its path."""
    path = folder / "main" / "shop.labeler"
    for i in range(6):
        write_image(path.parent / "images" / f"img{i}.png", seed=i)
    with Project.create(path, ["scratch", "crack", "dent"]) as project:
        import_images(project, [path.parent / "images"])
        img = [i.id for i in project.images()]
        quinn = project.add_person("Quinn", "qa_lead")
        ana = project.add_person("Ana")
        vik = project.add_person("Vik", organization="Vendor A")
        reference = project.add_annotation(img[5], 2, Box(20, 20, 60, 50), ana.id)
        SetAnswered(img[5], ana.id).apply(project)
        project.review_annotation(reference.id, quinn.id, "accept")
        project.mark_gold(img[5], quinn.id)
        project.assign_images([img[0], img[1], img[2], img[5]], [vik.id], batch="week 1")
        kept = project.add_annotation(img[0], 1, Box(10, 10, 50, 50), vik.id)
        wrong = project.add_annotation(img[0], 2, Box(60, 60, 100, 100), vik.id)
        project.add_annotation(img[0], 1, Box(10, 10, 50, 50), ana.id)
        SetAnswered(img[0], ana.id).apply(project)
        project.add_annotation(img[5], 2, Box(20, 20, 60, 50), vik.id)
        for image, seconds in ((img[0], 30.0), (img[1], 10.0), (img[5], 20.0)):
            SetAnswered(image, vik.id).apply(project)
            project.add_image_time(image, vik.id, seconds)
        project.ask_question(img[1], vik.id, "is a faint line a scratch?")
        project.review_annotation(kept.id, quinn.id, "accept")
        project.review_annotation(wrong.id, quinn.id, "reject")
        project.set_vendor_price("Vendor A", per_image=100, per_object=50, currency="KRW")
        project.set_vendor_price("Vendor A", batch="va2.lbpkg", per_image=80, currency="KRW")
        project.assign_images([img[3], img[4]], [vik.id], batch="va2.lbpkg")
        package = export_package(
            project, folder / "va2.lbpkg", "Vendor A", project.images_by_ids(img[3:5])
        ).path
    with Project.open(open_package(package)) as inner:
        inside = inner.person_by_name("Vik")
        assert inside is not None
        three, four = inner.images()[0].id, inner.images()[1].id
        inner.add_annotation(three, 3, Box(5, 5, 45, 45), inside.id)
        SetAnswered(three, inside.id).apply(inner)
        SetAnswered(four, inside.id).apply(inner)
    save_package(package)
    with Project.open(path) as project:
        import_package(project, package)
        boxed = project.annotations(image_id=img[3])[0]
        project.review_annotation(boxed.id, quinn.id, "fix", fix_geometry=Box(6, 6, 44, 44))
    return path
