"""The demo guideline ships in Korean and English; both parse into the same class rules."""

from pathlib import Path

import pytest

from labeler.core.guideline_text import class_sections
from labeler.core.store import Project
from labeler.data import DEMO_LANGUAGES, demo_guideline
from labeler.demo.build import CLASS_KINDS, build_demo


@pytest.mark.parametrize("language", DEMO_LANGUAGES)
@pytest.mark.parametrize("version", [1, 2])
def test_every_class_has_its_rule_section_in_every_language(language: str, version: int) -> None:
    sections = class_sections(demo_guideline(version, language), list(CLASS_KINDS))
    assert set(sections) == set(CLASS_KINDS)


def test_a_heading_may_gloss_the_class_name_but_not_replace_it() -> None:
    text = "## 3. 클래스\n### 3.2 crack (크랙)\n- 정의\n### 3.3 찍힘\n- 정의\n"
    assert set(class_sections(text, ["crack", "dent"])) == {"crack"}
    # a class whose own name ends in parentheses still matches exactly
    assert set(class_sections("### dent (deep)\nx\n", ["dent (deep)", "dent"])) == {"dent (deep)"}


def test_the_korean_demo_publishes_korean_guidelines(tmp_path: Path) -> None:
    path = build_demo(tmp_path / "demo", n_images=6, log=lambda _m: None, language="ko")
    with Project.open(path) as project:
        versions = project.guideline_versions()
        assert [v.number for v in versions] == [1, 2]
        assert "라벨링 가이드라인" in versions[-1].text
        assert versions[0].changelog == "첫 버전"
        assert set(project.guideline_rules(versions[-1].id)) == set(CLASS_KINDS)
        assert project.rereview_queue()  # v2's class rules changed: labels went to re-review
