"""The vendor loop end to end, as a QA lead and a vendor run it (issue 15's demo flow).

Hand count. Images img01..img12; img09 (Ana's crack (20,20)-(60,50), accepted) and
img10 (accepted empty) are gold. Package 1 for Vendor A: img01..img08 assigned to Vik,
gold rate 0.4 after 5 -> round(0.4 x 3 / 0.6) = 2 gold images: 10 images sent.
Inside, Vik boxes a scratch on img01, img02 and img03, puts a crack exactly on the
crack gold image, answers the empty gold image empty, finishes every image and asks
one question. Back home Quinn accepts his scratch on img01 and rejects the one on
img02. Batch va.lbpkg: sent 10, delivered 10, objects 4, accepted/rejected/fixed
1/1/0, gold 2 items with F1 2 x 1 / (1 + 1) = 1 and the empty one right, 1 question;
at 500 KRW per image and 100 per object: 10 x 500 + 4 x 100 = 5400, per accepted
object 5400. Quinn answers and promotes the question, publishes v3 (re-review
queued), and package 2 (img11, img12 and the image asked about) carries v3 and the
answer: sent 3, delivered 0 so far.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labeler.cli import main
from labeler.core.commands import SetAnswered
from labeler.core.geometry import Box
from labeler.core.importing import import_images
from labeler.core.store import Project
from labeler.data import demo_guideline
from tests.core.conftest import write_image

ANSWER = "A long straight line without branches is a scratch (3.2)."


def run_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> dict:
    capsys.readouterr()
    assert main([*map(str, args), "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    path = tmp_path / "main" / "shop.labeler"
    for i in range(1, 13):
        write_image(path.parent / "images" / f"img{i:02d}.png", seed=i)
    with Project.create(path, ["scratch", "crack", "dent"]) as project:
        import_images(project, [path.parent / "images"])
        quinn = project.add_person("Quinn", "qa_lead")
        ana = project.add_person("Ana")
        project.add_person("Vik", organization="Vendor A")
        project.publish_guideline(demo_guideline(1), "first", quinn.id)
        project.publish_guideline(demo_guideline(2), "second", quinn.id)
        for person in (quinn, ana):
            project.acknowledge(person.id)
        nine, ten = (i.id for i in project.images()[8:10])
        crack = project.add_annotation(nine, 2, Box(20, 20, 60, 50), ana.id)
        SetAnswered(nine, ana.id).apply(project)
        SetAnswered(ten, ana.id).apply(project)
        project.review_annotation(crack.id, quinn.id, "accept")
        project.add_review("image", ten, quinn.id, "accept")
    return path


def _vendor_works(
    inner_path: Path, gold: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> int:
    """Vik's session in the package; returns the image (inside) he asked about."""
    with Project.open(inner_path) as inner:
        vik = inner.person_by_name("Vik")
        assert vik is not None
        inner.acknowledge(vik.id)
        asked_about = 0
        for image in inner.images():
            name = gold.get(image.sha256)
            if name == "crack":
                inner.add_annotation(image.id, 2, Box(20, 20, 60, 50), vik.id)
            elif name is None and asked_about < 3:
                inner.add_annotation(image.id, 1, Box(10, 10, 50, 40), vik.id)
                asked_about += 1
                asked = image.id
            SetAnswered(image.id, vik.id).apply(inner)
    question = run_json(
        capsys, "questions", inner_path, "ask", f"id:{asked}", "--as", "Vik", "--text",
        "A long straight crack without branches: crack or scratch?", "--class", "crack",
    )  # fmt: skip
    assert question["state"] == "open"
    return asked


def test_the_vendor_loop(shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    marked = run_json(capsys, "gold", shop, "mark", "--images", "ids:9-10", "--by", "Quinn")
    assert [m["reference"] for m in marked["marked"]] == [1, 0]
    package = tmp_path / "va.lbpkg"
    sent = run_json(
        capsys, "package", "export", shop, "--to", package, "--for", "Vendor A", "--images",
        "ids:1-8", "--assign", "Vik", "--gold-rate", "0.4", "--gold-after", "5",
    )  # fmt: skip
    assert sent["images"] == 10 and sent["assignments"] == 10
    with Project.open(shop) as project:
        nine, ten = project.images()[8:10]
        gold = {nine.sha256: "crack", ten.sha256: "empty"}
    inner_path = Path(run_json(capsys, "package", "open", package)["project"])
    _vendor_works(inner_path, gold, capsys)
    run_json(capsys, "package", "save", package)
    back = run_json(capsys, "package", "import", shop, package)
    assert back["answers"] == 10 and back["questions"] == 1
    with Project.open(shop) as project:
        quinn, vik = project.person_by_name("Quinn"), project.person_by_name("Vik")
        assert quinn is not None and vik is not None
        first, second = (project.annotations(image_id=i.id)[0] for i in project.images()[:2])
        project.review_annotation(first.id, quinn.id, "accept")
        project.review_annotation(second.id, quinn.id, "reject")
    run_json(
        capsys, "vendors", shop, "price", "--vendor", "Vendor A", "--per-image", "500",
        "--per-object", "100", "--currency", "KRW",
    )  # fmt: skip

    (question,) = run_json(capsys, "questions", shop, "list", "--state", "open")["questions"]
    run_json(capsys, "questions", shop, "answer", str(question["id"]), "--as", "Quinn",
             "--text", ANSWER)  # fmt: skip
    promoted = run_json(capsys, "questions", shop, "promote", str(question["id"]), "--as", "Quinn")
    assert promoted["state"] == "promoted"
    guideline = tmp_path / "v3.md"
    guideline.write_text(demo_guideline(2), encoding="utf-8")
    v3 = run_json(capsys, "guideline", "publish", shop, guideline, "--changes",
                  "edge case from Vik's question", "--author", "Quinn")  # fmt: skip
    assert v3["number"] == 3 and v3["rereview_queued"] >= 1

    again = tmp_path / "va2.lbpkg"
    ids = f"ids:11,12,{question['image_id']}"
    second_package = run_json(capsys, "package", "export", shop, "--to", again, "--for",
                              "Vendor A", "--images", ids, "--assign", "Vik")  # fmt: skip
    assert second_package["guideline"] == 3 and second_package["images"] == 3
    with Project.open(Path(run_json(capsys, "package", "open", again)["project"])) as inner:
        current = inner.current_guideline()
        assert current is not None and current.number == 3
        assert [q.answer for q in inner.questions()] == [ANSWER]

    card = run_json(capsys, "vendors", shop)["batches"]
    first_batch, second_batch = card
    assert (first_batch["batch"], first_batch["images_sent"]) == ("va.lbpkg", 10)
    assert (first_batch["images_delivered"], first_batch["objects_delivered"]) == (10, 4)
    assert (first_batch["accepted"], first_batch["rejected"], first_batch["fixed"]) == (1, 1, 0)
    assert (first_batch["gold_items"], first_batch["gold_f1"]) == (2, 1.0)
    assert first_batch["questions_asked"] == 1
    assert (first_batch["cost"], first_batch["cost_per_accepted_object"]) == (5400.0, 5400.0)
    assert (second_batch["batch"], second_batch["images_sent"]) == ("va2.lbpkg", 3)
    assert second_batch["images_delivered"] == 0 and second_batch["returned_at"] is None
    score = run_json(capsys, "gold", shop, "score")
    (vik_row,) = score["people"]
    assert (vik_row["person"], vik_row["items"], vik_row["f1"]["value"]) == ("Vik", 2, 1.0)
    assert (vik_row["empty_gold"], vik_row["empty_correct"], vik_row["false_empty"]) == (1, 1, 0)
