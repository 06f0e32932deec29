"""The vendor scorecard on the two-batch case of :mod:`tests.core.vendor_case` (counted by hand)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labeler.core.store import Project
from labeler.core.store.vendor_batches import PriceError
from labeler.core.vendor_scorecard import project_batches, vendor_scorecard
from tests.core.vendor_case import build_vendor_case


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_vendor_case(tmp_path_factory.mktemp("vendor"))


def test_batches_are_the_package_and_the_assignment_batch(case: Path) -> None:
    with Project.open(case) as project:
        batches = project_batches(project)
        img = [i.id for i in project.images()]
    assert [(b.vendor, b.name, b.kind) for b in batches] == [
        ("Vendor A", "week 1", "assignments"),
        ("Vendor A", "va2.lbpkg", "package"),
    ]
    week, package = batches
    assert week.images == frozenset({img[0], img[1], img[2], img[5]})
    assert package.images == frozenset(img[3:5]) and package.returned_at is not None
    assert week.returned_at is None  # img2 is still open


def test_scorecard_numbers_match_the_hand_count(case: Path) -> None:
    with Project.open(case) as project:
        week, package = vendor_scorecard(project).vendor("Vendor A")
    assert (week.images_sent, week.images_delivered, week.objects_delivered) == (4, 3, 3)
    assert (week.accepted, week.rejected, week.fixed) == (1, 1, 0)
    assert (week.gold_items, week.gold_f1) == (1, 1.0)
    assert week.agreement_f1 == pytest.approx(2 / 3) and week.agreement_comparisons == 1
    assert week.median_seconds_per_image == 20.0 and week.questions_asked == 1
    assert (week.currency, week.cost, week.cost_per_accepted_object) == ("KRW", 450.0, 450.0)
    assert week.trend == {"gold_f1": None, "acceptance": None}
    assert week.people == ["Vik"]
    assert (package.images_sent, package.images_delivered, package.objects_delivered) == (2, 2, 1)
    assert (package.accepted, package.rejected, package.fixed) == (0, 0, 1)
    assert package.gold_items == 0 and package.gold_f1 is None
    assert package.agreement_f1 is None and package.median_seconds_per_image is None
    assert (package.cost, package.cost_per_accepted_object) == (160.0, None)
    assert package.trend["acceptance"] == pytest.approx(-0.5)
    assert package.trend["gold_f1"] is None
    data = json.loads(json.dumps(vendor_scorecard_dict(case)))
    assert data["batches"][0]["acceptance"] == 0.5 and data["batches"][1]["acceptance"] == 0.0


def vendor_scorecard_dict(case: Path) -> dict:
    with Project.open(case) as project:
        return vendor_scorecard(project).to_dict()


def test_prices_refuse_what_cannot_be_a_price(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.labeler", ["a"]) as project:
        for kwargs, message in (
            ({"currency": "KRW"}, "per image, per object"),
            ({"per_image": -1.0, "currency": "KRW"}, "0 or more"),
            ({"per_image": float("nan"), "currency": "KRW"}, "0 or more"),
            ({"per_image": 1.0}, "currency"),
        ):
            with pytest.raises(PriceError, match=message):
                project.set_vendor_price("V", **kwargs)
        price = project.set_vendor_price("V", per_object=12.5, currency="krw")
        assert (price.currency, price.per_image, price.per_object) == ("KRW", None, 12.5)
        project.set_vendor_price("V", per_object=13.0, currency="KRW")  # replaces
        assert [p.per_object for p in project.vendor_prices()] == [13.0]
