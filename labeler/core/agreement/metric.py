"""A metric value that can be undefined, with the reason why."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Metric:
    """An agreement value computed over ``n`` units.

    When the value is undefined it is NaN and ``explanation`` says why (never an
    exception): for instance every rating being the same class.
    """

    value: float
    n: int
    explanation: str | None = None

    @classmethod
    def undefined(cls, reason: str, n: int = 0) -> Metric:
        """A NaN value with its explanation."""
        return cls(float("nan"), n, f"undefined: {reason}")

    @property
    def defined(self) -> bool:
        """True when the value is a number."""
        return not math.isnan(self.value)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"value": float | None, "n": int, "explanation": str | None}``."""
        return {
            "value": round(self.value, 6) if self.defined else None,
            "n": self.n,
            "explanation": self.explanation,
        }
