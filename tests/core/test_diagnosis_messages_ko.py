"""Diagnosis and slice messages speak the chosen language (and keep the ids and names).

An unknown model run, two runs with no image in common, the same run twice, an empty
slice rule (with the rule help in it) and the truth rule the CLI's help shows.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from labeler.core.diagnosis import TRUTH_RULE
from labeler.core.diagnosis.compare import SameRunError, compare_runs
from labeler.core.diagnosis.diagnose import resolve_run
from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.geometry import Box
from labeler.core.i18n import _, set_language
from labeler.core.slices import RULE_HELP, SliceRuleError, parse_rule
from labeler.core.store import Project


@pytest.fixture
def language() -> Iterator[None]:
    """Each test chooses its language; afterwards LABELER_LANG (en) applies again."""
    yield
    set_language(None)


def _run(project: Project, name: str, image_id: int, class_id: int) -> int:
    run = project.start_model_run(name, name, {}, "CPUExecutionProvider")
    project.add_predictions(run.id, image_id, [(class_id, Box(10, 10, 40, 40), 0.9)])
    project.finish_model_run(run.id)
    return run.id


def test_run_messages(project_with_images: Project, language: None) -> None:
    project = project_with_images
    first, second = project.images()[:2]
    scratch = project.class_by_name("scratch")
    assert scratch is not None
    a = _run(project, "small.onnx", first.id, scratch.id)
    b = _run(project, "big.onnx", second.id, scratch.id)
    set_language("ko")
    with pytest.raises(UnknownEntityError) as unknown:
        resolve_run(project, 99)
    assert str(unknown.value) == (
        f"ID 99인 모델 실행이 없습니다 (실행: {a} (small.onnx), {b} (big.onnx))"
    )
    with pytest.raises(SameRunError) as same:
        compare_runs(project, a, a)
    assert str(same.value).startswith(f"--model과 --against가 같은 실행({a})을")
    with pytest.raises(LabelerError) as apart:
        compare_runs(project, a, b)
    assert str(apart.value) == (
        f"실행 {a}(small.onnx)와 {b}(big.onnx)가 함께 다룬 이미지가 없습니다 "
        "(각각 1장, 1장). 두 모델을 같은 이미지에 실행하세요"
    )
    set_language("en")
    with pytest.raises(LabelerError) as english:
        compare_runs(project, a, b, images=[first.id, second.id])
    assert str(english.value) == (
        f"runs {a} (small.onnx) and {b} (big.onnx) covered no image in common in the slice "
        "(1 and 1 images): run both models on the same images"
    )


def test_rule_help_and_truth_rule(language: None) -> None:
    set_language("ko")
    with pytest.raises(SliceRuleError) as empty:
        parse_rule("   ")
    assert str(empty.value).startswith(
        "슬라이스 규칙이 비어 있습니다. 다음 형식을 쓰세요: 모두 만족"
    )
    assert "class:NAME" in str(empty.value)
    assert _(TRUTH_RULE).startswith("이미지별 정답:")
    set_language("en")
    assert _(RULE_HELP) == RULE_HELP and _(TRUTH_RULE) == TRUTH_RULE
