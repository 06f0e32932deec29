"""``labeler vendors PROJECT [--json]`` and ``vendors PROJECT price`` on the two-batch case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labeler.cli import main
from tests.core.vendor_case import build_vendor_case


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_vendor_case(tmp_path_factory.mktemp("vendors"))


def run_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> dict:
    capsys.readouterr()
    assert main([*map(str, args), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_scorecard_json_and_table(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    week, package = run_json(capsys, "vendors", case)["batches"]
    assert (week["batch"], week["images_delivered"], week["objects_delivered"]) == ("week 1", 3, 3)
    assert (week["accepted"], week["rejected"], week["fixed"], week["gold_f1"]) == (1, 1, 0, 1.0)
    assert (week["cost"], week["currency"], week["questions_asked"]) == (450.0, "KRW", 1)
    assert week["agreement_f1"] == pytest.approx(2 / 3, abs=1e-6)
    assert (package["batch"], package["kind"], package["cost"]) == ("va2.lbpkg", "package", 160.0)
    assert package["trend"] == {"gold_f1": None, "acceptance": -0.5}
    capsys.readouterr()
    assert main(["vendors", str(case)]) == 0
    out = capsys.readouterr().out
    assert "week 1" in out and "va2.lbpkg" in out and "450.00 KRW" in out and "-0.50" in out


def test_price_changes_the_cost_and_hostile_names_print_as_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = build_vendor_case(tmp_path)
    price = run_json(
        capsys, "vendors", case, "price", "--vendor", "Vendor A", "--per-image", "120",
        "--currency", "krw",
    )  # fmt: skip
    assert (price["per_image"], price["per_object"], price["currency"]) == (120.0, None, "KRW")
    week = run_json(capsys, "vendors", case)["batches"][0]
    assert week["cost"] == 360.0 and week["cost_per_accepted_object"] == 360.0
    capsys.readouterr()
    args = ["vendors", str(case), "price", "--vendor", "[/]<b>업체", "--per-object", "7",
            "--currency", "KRW"]  # fmt: skip
    assert main(args) == 0
    assert "[/]<b>업체: 7 KRW per object" in capsys.readouterr().out
    assert main(["vendors", str(case), "price", "--vendor", "V", "--currency", "KRW"]) == 2
    assert "per image, per object" in capsys.readouterr().err
