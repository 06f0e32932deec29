"""The HTML report's Vendors section: the scorecard table and charts, self-contained."""

from __future__ import annotations

import re
from pathlib import Path

from labeler.core.report import build_report
from labeler.core.report.html import table
from labeler.core.report.vendor_section import render_vendors, vendors_data
from labeler.core.store import Project
from tests.core.vendor_case import build_vendor_case


def test_the_report_has_the_scorecard_and_its_charts(tmp_path: Path) -> None:
    path = build_vendor_case(tmp_path)
    with Project.open(path) as project:
        bea = project.add_person("Bea", organization="<b>한빛</b> [/]")
        project.assign_images([project.images()[2].id], [bea.id], batch="<i>1</i>")
        html = build_report(project)
    section = html[html.index('<section id="vendors">') :]
    section = section[: section.index("</section>")]
    assert '<a href="#vendors">Vendors</a>' in html
    rows = re.findall(r"<tr>(.*?)</tr>", section[section.index("<tbody>") :])
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows]
    assert cells[0][:2] == ["&lt;b&gt;한빛&lt;/b&gt; [/]", "&lt;i&gt;1&lt;/i&gt;"]
    cells = cells[1:]
    assert [c[:3] for c in cells] == [
        ["Vendor A", "week 1", "assignments"],
        ["Vendor A", "va2.lbpkg", "package"],
    ]
    week, package = cells
    assert week[3:9] == ["4", "3", "3", "1/1/0", "1.000", "0.667"]
    assert week[11:13] == ["450.00 KRW", "450.00 KRW"]
    assert package[6] == "0/0/1" and package[-1] == "-0.50" and package[12] == "n/a"
    assert section.count("<svg") == 2 and "Gold F1 per batch" in section
    assert "<b>한빛" not in section
    assert "http" not in section.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_no_batches_says_so_and_names_are_escaped(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.labeler", ["a"]) as project:
        html = render_vendors(vendors_data(project), table)
        assert "No vendor batch yet" in html  # an empty project still has the section
    data = {
        "batches": [
            {
                "vendor": "<b>x</b>",
                "batch": "[/]",
                "kind": "assignments",
                "images_sent": 1,
                "images_delivered": 0,
                "objects_delivered": 0,
                "accepted": 0,
                "rejected": 0,
                "fixed": 0,
                "gold_f1": None,
                "agreement_f1": None,
                "median_seconds_per_image": None,
                "questions_asked": 0,
                "cost": None,
                "currency": None,
                "cost_per_accepted_object": None,
                "acceptance": None,
                "trend": {"gold_f1": None, "acceptance": None},
            }
        ]
    }
    html = render_vendors(data, table)
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
