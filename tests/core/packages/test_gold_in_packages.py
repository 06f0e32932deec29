"""Gold images ride in packages and assignment batches at a rate, indistinguishable from others."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest

from labeler.core.commands import SetAnswered
from labeler.core.domain import AssignmentTask
from labeler.core.geometry import Box
from labeler.core.gold import gold_report
from labeler.core.gold_mix import (
    GoldRateError,
    add_gold_to_package,
    assign_with_gold,
    check_rate,
    gold_count,
    mix,
)
from labeler.core.importing import import_images
from labeler.core.packages import export_package, import_package, open_package, save_package
from labeler.core.store import Project
from tests.core.conftest import write_image

REGULAR, GOLD = 12, 3


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """12 ordinary images given to Vik (Vendor A), 3 reviewed images marked gold."""
    path = tmp_path / "main" / "shop.labeler"
    for i in range(REGULAR + GOLD):
        write_image(path.parent / "images" / f"img{i:02d}.png", seed=i)
    with Project.create(path, ["scratch", "crack", "dent"]) as project:
        import_images(project, [path.parent / "images"])
        quinn = project.add_person("Quinn", "qa_lead")
        ana = project.add_person("Ana")
        vik = project.add_person("Vik", organization="Vendor A")
        images = project.images()
        for image in images[REGULAR:]:
            label = project.add_annotation(image.id, 2, Box(20, 20, 60, 50), ana.id)
            SetAnswered(image.id, ana.id).apply(project)
            project.review_annotation(label.id, quinn.id, "accept")
            project.mark_gold(image.id, quinn.id)
        project.assign_images(
            [i.id for i in images[:REGULAR]], [vik.id], blind=True, batch="va.lbpkg"
        )
    return path


def test_gold_count_and_mix_keep_the_first_images_and_the_rate() -> None:
    assert gold_count(12, 0.25, 5) == 2  # 2 of the 9 seen after the first 5: ~22 %
    assert gold_count(50, 0.1, 5) == 5  # 5 of 50 after the first 5: 10 %
    assert gold_count(5, 0.1, 5) == 0 and gold_count(10, 0.0, 5) == 0
    mixed = mix(list(range(12)), [100, 101], 5, seed=3)
    assert mixed[:5] == [0, 1, 2, 3, 4]
    assert sorted(mixed) == [*range(12), 100, 101]
    assert [i for i in mixed if i < 100] == list(range(12))
    for rate, after in ((1.0, 5), (-0.1, 5), (0.1, -1)):
        with pytest.raises(GoldRateError):
            check_rate(rate, after)


def test_a_package_carries_gold_that_nothing_gives_away(shop: Path, tmp_path: Path) -> None:
    with Project.open(shop) as project:
        regular = project.images()[:REGULAR]
        gold_ids = project.gold_image_ids()
        images, plan = add_gold_to_package(project, regular, "Vendor A", rate=0.25, after=5)
        assert plan.total == 2
        assert [i.id for i in images[:5]] == [i.id for i in regular[:5]]
        assert len([i for i in images if i.id in gold_ids]) == 2
        gold_shas = {i.sha256 for i in images if i.id in gold_ids}
        summary = export_package(project, tmp_path / "va.lbpkg", "Vendor A", images, blind=True)
    assert summary.images == REGULAR + 2 and summary.annotations == 0
    with zipfile.ZipFile(summary.path) as archive:
        names = archive.namelist()
        manifest = archive.read("manifest.json").decode()
    image_names = sorted(n for n in names if n.startswith("images/"))
    assert len(image_names) == REGULAR + 2
    assert all(len(Path(n).stem) == 64 and n.endswith(".png") for n in image_names)
    assert "gold" not in manifest.lower()
    inner_path = open_package(summary.path)
    conn = sqlite3.connect(f"file:{inner_path}?mode=ro", uri=True)
    try:
        assert conn.execute("SELECT COUNT(*) FROM gold_images").fetchone() == (0,)
        assert conn.execute("SELECT COUNT(*) FROM gold_reference").fetchone() == (0,)
        assert conn.execute("SELECT COUNT(*) FROM annotations").fetchone() == (0,)  # no reference
        assert conn.execute("SELECT COUNT(*) FROM reviews").fetchone() == (0,)
        assert not conn.execute(
            "SELECT 1 FROM events WHERE entity = 'gold' OR after LIKE '%gold%'"
        ).fetchall()
        assert not conn.execute("SELECT 1 FROM meta WHERE key LIKE '%gold%'").fetchall()
        rows = conn.execute(
            "SELECT i.sha256, a.task, a.blind, a.hide_prelabels, a.batch, a.created_at, "
            "a.done_at, i.status, i.added_at FROM assignments a JOIN images i "
            "ON i.id = a.image_id ORDER BY a.id"
        ).fetchall()
        paths = {r[0]: r[1] for r in conn.execute("SELECT sha256, path FROM images")}
    finally:
        conn.close()
    assert len(rows) == REGULAR + 2
    assert {r[1:8] for r in rows} == {rows[0][1:8]}  # same task, flags, batch, times, status
    added = [r[8] for r in rows]
    assert added == sorted(added)  # images were added in the package's order, gold among them
    positions = [n for n, r in enumerate(rows) if r[0] in gold_shas]
    assert min(positions) >= 5  # after the first five, among the others
    assert all(paths[s] == f"images/{s}.png" for s in paths)  # named by content


def test_gold_answers_come_back_and_are_scored(shop: Path, tmp_path: Path) -> None:
    with Project.open(shop) as project:
        images, _ = add_gold_to_package(
            project, project.images()[:REGULAR], "Vendor A", rate=0.25, after=5
        )
        gold_shas = {i.sha256 for i in images if i.id in project.gold_image_ids()}
        package = export_package(project, tmp_path / "va.lbpkg", "Vendor A", images).path
    with Project.open(open_package(package)) as inner:
        vik = inner.person_by_name("Vik")
        assert vik is not None
        first = True
        for image in inner.images():
            if image.sha256 in gold_shas:
                if first:  # one right, one answered "nothing here"
                    inner.add_annotation(image.id, 2, Box(20, 20, 60, 50), vik.id)
                first = False
            SetAnswered(image.id, vik.id).apply(inner)
    save_package(package)
    with Project.open(shop) as project:
        import_package(project, package)
        report = gold_report(project)
        vik_score = report.person("Vik")
        assert vik_score is not None and vik_score.items == 2
        assert (vik_score.matched, vik_score.reference_objects, vik_score.false_empty) == (1, 2, 1)
        assert vik_score.f1.value == pytest.approx(2 * 1 / (2 + 1))


def test_in_house_batches_mix_gold_into_each_persons_list(shop: Path) -> None:
    with Project.open(shop) as project:
        ana = project.person_by_name("Ana")
        bo = project.add_person("Bo")
        assert ana is not None
        regular = [i.id for i in project.images()[:10]]
        plan = assign_with_gold(
            project, regular, [bo.id], rate=0.1, after=5, batch="week 1", blind=True
        )
        assert plan.total == 1  # 1 of the 6 Bo sees after his first 5
        mine = project.assignments_for(bo.id, AssignmentTask.ANNOTATE)
        assert [a.image_id for a in mine[:5]] == regular[:5]
        assert len(mine) == 11
        assert {(a.batch, a.blind, a.hide_prelabels) for a in mine} == {("week 1", True, False)}
        gold = [a for a in mine if a.image_id in project.gold_image_ids()]
        assert len(gold) == 1
        # Ana made the reference of every gold image: she is never given one to score.
        again = assign_with_gold(
            project, regular, [ana.id], rate=0.5, after=0, batch="w2", blind=True
        )
        assert again.total == 0
