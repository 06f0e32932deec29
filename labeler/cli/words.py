"""The core's stored words as the CLI prints them (one table: :mod:`labeler.core.words`)."""

from __future__ import annotations

from labeler.core.words import WORDS, truth_word, word

__all__ = ["WORDS", "truth_word", "word"]
