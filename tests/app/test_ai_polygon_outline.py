"""The AI polygon tool's worker steps: outlining inside the decoder's mask region, and an
encoder thread that yields the CPU to clicks."""

from __future__ import annotations

import os
import sys
import threading

import numpy as np
import pytest

from labeler.app.segment_worker import ENCODER_NICE_STEP, outline_mask, yield_to_decoder
from labeler.core.geometry import Box


def _mask() -> np.ndarray:
    mask = np.zeros((1200, 1600), bool)
    yy, xx = np.mgrid[:1200, :1600]
    mask[(xx - 700) ** 2 / 90**2 + (yy - 400) ** 2 / 60**2 <= 1] = True
    mask[300:320, 900:960] = True  # a second, smaller part
    return mask


def test_outline_inside_the_decoders_region_equals_the_whole_image_outline() -> None:
    mask = _mask()
    region = (600, 290, 970, 470)  # bounds every true pixel, as the decoder reports it
    for parts in ("largest", "all"):
        whole = outline_mask(mask, 1.0, parts, False)
        inside = outline_mask(mask, 1.0, parts, False, region)
        assert inside == whole and len(whole) == (1 if parts == "largest" else 2)
    assert outline_mask(mask, 1.0, "largest", True, region) == (Box(610.0, 300.0, 960.0, 461.0),)
    assert outline_mask(mask, 1.0, "largest", True) == (Box(610.0, 300.0, 960.0, 461.0),)


def test_an_empty_region_outlines_nothing() -> None:
    assert outline_mask(np.zeros((50, 60), bool), 1.0, "largest", False, (0, 0, 0, 0)) == ()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_the_encoder_thread_alone_yields_the_cpu_to_the_decoder() -> None:
    seen: list[int] = []

    def encoder_thread() -> None:
        yield_to_decoder()
        yield_to_decoder()  # once per thread, not 5 more each call
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    worker = threading.Thread(target=encoder_thread)
    worker.start()
    worker.join()
    assert seen == [min(19, before + ENCODER_NICE_STEP)]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before
