"""The HTML report follows the current language; its numbers and embedded data do not.

With ``set_language("ko")`` the page says ``<html lang="ko">`` and its headings, table
headers and notes are Korean; every number in the tables and the embedded JSON (what
tools read back) is the same as in the English report.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from labeler.core.i18n import set_language
from labeler.core.report import report_data
from labeler.core.report.html import render_html
from tests.core.agreement.labeled import Labeled
from tests.core.report.test_report import labeled, parse  # noqa: F401


@pytest.fixture
def language() -> Iterator[None]:
    """Each test chooses its language; afterwards LABELER_LANG (en) applies again."""
    yield
    set_language(None)


def _embedded(document: str) -> str:
    found = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', document)
    assert found is not None
    return found.group(1)


def test_a_korean_report(labeled: Labeled, language: None) -> None:  # noqa: F811
    data = report_data(labeled.project, curation=True)
    set_language("en")
    english = render_html(data)
    set_language("ko")
    korean = render_html(data)
    assert '<html lang="en">' in english and '<html lang="ko">' in korean
    for heading in (
        "프로젝트 요약",
        "작업자 간 일치도",
        "불일치",
        "모델 진단: 실행 1",
        "혼동 행렬",
    ):
        assert heading in korean, heading
    assert "Project summary" in english and "Project summary" not in korean
    assert _embedded(korean) == _embedded(english)
    tables_en, tables_ko = parse(english).tables, parse(korean).tables
    assert tables_en.keys() == tables_ko.keys()
    number = re.compile(r"^-?[\d,.]+$")
    for table_id, rows in tables_en.items():
        korean_rows = tables_ko[table_id]
        assert len(rows) == len(korean_rows), table_id
        for row_en, row_ko in zip(rows[1:], korean_rows[1:], strict=True):  # the body rows
            numbers_en = [c for c in row_en if number.match(c)]
            assert numbers_en == [c for c in row_ko if number.match(c)], table_id
    people = parse(korean).tables["summary-people"]
    assert people[0] == ["사람", "역할", "소속"]
    assert {row[1] for row in people[1:]} == {"작업자"}  # the stored role "annotator", shown
    assert parse(english).tables["summary-people"][1][1] == "annotator"
