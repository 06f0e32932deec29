import pytest

from labeler.language import user_language


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LABELER_LANG": "ko"}, "ko"),
        ({"LABELER_LANG": "en", "LANG": "ko_KR.UTF-8"}, "en"),  # the setting wins
        ({"LABELER_LANG": "fr"}, "en"),  # not shipped: English, not an error
        ({"LANG": "ko_KR.UTF-8"}, "ko"),
        ({"LC_ALL": "ko-KR", "LANG": "en_US.UTF-8"}, "ko"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_language_follows_the_setting_then_the_locale(
    environ: dict[str, str], expected: str
) -> None:
    assert user_language(environ) == expected
