"""The report names Korean fonts, so Korean class, person and vendor names render."""

from labeler.core.report.html import CSS
from labeler.core.report.svg import FONT

KOREAN_FONTS = ("Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans CJK KR")


def test_page_and_charts_declare_korean_fonts_before_the_generic_fallback() -> None:
    for declared in (CSS, FONT):
        positions = [declared.find(font) for font in KOREAN_FONTS]
        assert all(p > 0 for p in positions), declared
        assert max(positions) < declared.find("sans-serif")
