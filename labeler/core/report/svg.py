"""Small inline-SVG charts for the HTML report: bars, lines and a heatmap.

Every function returns one ``<svg>`` element as text, sized in CSS pixels, with
all user text escaped. No scripts, fonts or images are referenced.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
INK = "#1f2933"
MUTED = "#7b8794"
GRID = "#e4e7eb"
# Korean names (classes, people, vendors) must render: the common Korean fonts of macOS,
# Windows and Linux come before the generic fallback.
FONT = (
    'font-family="system-ui, -apple-system, Segoe UI, Roboto, Apple SD Gothic Neo, '
    'Malgun Gothic, Noto Sans KR, Noto Sans CJK KR, Nanum Gothic, sans-serif"'
)


def _text(x: float, y: float, text: str, size: int = 12, **attrs: str) -> str:
    fill = attrs.pop("fill", INK)
    extra = " ".join(f'{k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}" {extra}>'
        f"{escape(text)}</text>"
    )


def _svg(width: float, height: float, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(label)}" '
        f"{FONT}>" + "".join(body) + "</svg>"
    )


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 4, 5 or 8 times a power of ten at or above ``value`` (1 for 0)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 4, 5, 8, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _trim_zeros(
    xs: Sequence[float], ys: Sequence[float]
) -> tuple[Sequence[float], Sequence[float]]:
    """Drop the zero tail of a precision curve (recall never reached), keeping one point."""
    end = len(ys)
    while end > 1 and ys[end - 1] == 0:
        end -= 1
    return xs[:end], ys[:end]


def _unit(value: float) -> float:
    return min(max(value, 0.0), 1.0)


def _truncate(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    bars: Sequence[tuple[str, float | None]],
    label: str,
    max_value: float | None = 1.0,
    value_format: Callable[[float], str] = lambda v: f"{v:.2f}",
    width: int = 460,
    color: str = PALETTE[0],
    missing: str = "n/a",
) -> str:
    """Horizontal bars, one per ``(name, value)``; a None value is drawn as ``missing``.

    The words drawn (``missing`` here, the axes of the other charts) are parameters,
    so a caller can say them in its reader's language.
    """
    row, left, right = 24, 150, 56
    height = max(len(bars), 1) * row + 28
    top = max((v for _, v in bars if v is not None), default=0.0)
    scale_max = max_value if max_value is not None else nice_ceiling(top)
    plot = width - left - right
    body = []
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = left + plot * tick
        body.append(f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 22}" stroke="{GRID}"/>')
        body.append(
            _text(
                x, height - 8, value_format(scale_max * tick), 10, text_anchor="middle", fill=MUTED
            )
        )
    for i, (name, value) in enumerate(bars):
        y = 6 + i * row
        body.append(_text(left - 8, y + 14, _truncate(name), 12, text_anchor="end"))
        if value is None:
            body.append(_text(left + 4, y + 14, missing, 11, fill=MUTED))
            continue
        length = plot * max(0.0, min(value / scale_max, 1.0)) if scale_max else 0.0
        body.append(
            f'<rect x="{left}" y="{y + 2}" width="{length:.1f}" height="{row - 8}" rx="3" '
            f'fill="{color}"><title>{escape(name)}: {escape(value_format(value))}</title></rect>'
        )
        body.append(_text(left + length + 6, y + 14, value_format(value), 11))
    return _svg(width, height, body, label)


def line_chart(
    series: Sequence[tuple[str, Sequence[float], Sequence[float]]],
    label: str,
    x_label: str = "recall",
    y_label: str = "precision",
    width: int = 460,
    height: int = 300,
) -> str:
    """Lines on a ``[0, 1] x [0, 1]`` plot with a legend, one per ``(name, xs, ys)``."""
    left, bottom, top, right = 44, 40, 12, 130
    plot_w, plot_h = width - left - right, height - top - bottom
    body = []
    for tick in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        x, y = left + plot_w * tick, top + plot_h * (1 - tick)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        body.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="{GRID}"/>'
        )
        body.append(_text(left - 6, y + 4, f"{tick:.1f}", 10, text_anchor="end", fill=MUTED))
        body.append(
            _text(x, top + plot_h + 14, f"{tick:.1f}", 10, text_anchor="middle", fill=MUTED)
        )
    body.append(_text(left + plot_w / 2, height - 6, x_label, 11, text_anchor="middle", fill=MUTED))
    body.append(
        _text(
            12,
            top + plot_h / 2,
            y_label,
            11,
            text_anchor="middle",
            fill=MUTED,
            transform=f"rotate(-90 12 {top + plot_h / 2:.1f})",
        )
    )
    for i, (name, xs, ys) in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        xs, ys = _trim_zeros(xs, ys)
        points = " ".join(
            f"{left + plot_w * _unit(x):.1f},{top + plot_h * (1 - _unit(y)):.1f}"
            for x, y in zip(xs, ys, strict=True)
        )
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2">'
            f"<title>{escape(name)}</title></polyline>"
        )
        ly = top + 10 + i * 18
        body.append(
            f'<rect x="{width - right + 10}" y="{ly - 8}" width="12" height="4" fill="{color}"/>'
        )
        body.append(_text(width - right + 28, ly - 2, _truncate(name, 16), 11))
    return _svg(width, height, body, label)


def heatmap(
    labels: Sequence[str],
    matrix: Sequence[Sequence[int]],
    label: str,
    axes: tuple[str, str] = ("truth", "predicted"),
) -> str:
    """A confusion-matrix heatmap: rows are truth, columns predictions; shade by row share.

    ``axes`` names the rows and the columns.
    """
    cell = 48 if len(labels) <= 8 else 34
    left, top = 120, 96
    size = cell * len(labels)
    width, height = left + size + 72, top + size + 12
    body = [
        _text(left + size / 2, 14, axes[1], 11, text_anchor="middle", fill=MUTED),
        _text(
            14,
            top + size / 2,
            axes[0],
            11,
            text_anchor="middle",
            fill=MUTED,
            transform=f"rotate(-90 14 {top + size / 2:.1f})",
        ),
    ]
    for j, name in enumerate(labels):
        x = left + j * cell + cell / 2
        body.append(
            _text(x, top - 8, _truncate(name, 12), 11, transform=f"rotate(-45 {x:.1f} {top - 8})")
        )
        body.append(
            _text(
                left - 8, top + j * cell + cell / 2 + 4, _truncate(name, 16), 11, text_anchor="end"
            )
        )
    for i, row in enumerate(matrix):
        total = sum(row) or 1
        for j, value in enumerate(row):
            share = value / total
            diagonal = i == j and i < len(labels) - 1
            base = (89, 161, 79) if diagonal else (225, 87, 89)
            shade = tuple(round(255 - (255 - c) * share) for c in base)
            fill = "#{:02x}{:02x}{:02x}".format(*shade)
            x, y = left + j * cell, top + i * cell
            body.append(
                f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" rx="3" '
                f'fill="{fill}">'
                f"<title>{escape(labels[i])} as {escape(labels[j])}: {value}</title></rect>"
            )
            ink = "#ffffff" if share > 0.55 else INK
            body.append(
                _text(
                    x + cell / 2 - 1,
                    y + cell / 2 + 3,
                    str(value),
                    11,
                    text_anchor="middle",
                    fill=ink,
                )
            )
    return _svg(width, height, body, label)
