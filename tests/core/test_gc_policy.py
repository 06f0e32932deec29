"""The CLI's garbage-collection policy: rare young collections, no full ones, restored after."""

from __future__ import annotations

import gc
import weakref

from labeler.core.memory import ONE_SHOT_THRESHOLDS, one_shot_collection


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_thresholds_are_set_inside_and_restored_after() -> None:
    before = gc.get_threshold()
    with one_shot_collection():
        assert gc.get_threshold() == ONE_SHOT_THRESHOLDS
        assert gc.get_freeze_count() > 0  # what lived before the command is not scanned again
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_cycle_that_dies_young_is_still_freed() -> None:
    with one_shot_collection():
        a, b = _Node(), _Node()
        a.other, b.other = b, a
        alive = weakref.ref(a)
        del a, b
        keep = [[] for _ in range(3 * ONE_SHOT_THRESHOLDS[0])]  # enough new containers
        assert alive() is None
        del keep


def test_restored_when_the_command_fails() -> None:
    before = gc.get_threshold()
    try:
        with one_shot_collection():
            raise ValueError("bad input")
    except ValueError:
        pass
    assert gc.get_threshold() == before
