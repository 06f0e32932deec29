"""Unsuitable images: the "exception filtering" step in front of training.

Checks, each configurable (``None`` switches a check off):

* ``blurry``: variance of the Laplacian of the grey image normalised to a
  256-pixel long side below ``blur_threshold``;
* ``dark``: the 95th brightness percentile below ``dark_p95``;
* ``overexposed``: the 5th brightness percentile above ``bright_p05``;
* ``too_small``: the shorter side below ``min_side`` pixels;
* ``odd_aspect``: long side / short side above ``max_aspect``;
* ``unreadable``: the file cannot be decoded (always checked).

The size and aspect checks use the stored image size and decode nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

from labeler.core.curation.stats import ImageRef, ImageStats
from labeler.core.i18n import N_, _

# Measured on the synthetic demo (labeler.demo.synth): sharp images score >= 4,
# the blurred copy 0.6. Real camera photos score far higher: raise it to 20-100 there.
DEFAULT_BLUR_THRESHOLD = 1.5


@dataclass(frozen=True)
class QualityConfig:
    """Thresholds of the image checks; ``None`` turns a check off."""

    blur_threshold: float | None = DEFAULT_BLUR_THRESHOLD
    dark_p95: float | None = 20.0
    bright_p05: float | None = 235.0
    min_side: int | None = 32
    max_aspect: float | None = 5.0

    def to_dict(self) -> dict[str, object]:
        """JSON-ready settings."""
        return asdict(self)

    @property
    def needs_pixels(self) -> bool:
        """Whether any enabled check needs the decoded image."""
        return any(v is not None for v in (self.blur_threshold, self.dark_p95, self.bright_p05))


@dataclass(frozen=True)
class QualityIssue:
    """One reason an image is unsuitable, with the measured value and the limit.

    ``check`` is the stable code; ``message`` is the reason in English, the same in every
    language (it goes into files: the export manifest's exclusions and quality issues);
    ``text`` is the same reason in the language of the person reading it.
    """

    image_id: int
    check: str
    value: float
    limit: float
    message: str
    text: str = field(default="", compare=False)

    @classmethod
    def of(
        cls, image_id: int, check: str, value: float, limit: float, template: str, **fields: object
    ) -> QualityIssue:
        """An issue whose reason is ``template`` (marked with ``N_``) filled with ``fields``."""
        english = template.format(**fields)
        return cls(image_id, check, value, limit, english, _(template).format(**fields))

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, language-independent (no ``text``): what files record."""
        data = asdict(self)
        del data["text"]
        return data


@dataclass
class QualityReport:
    """Every issue found, by image."""

    config: QualityConfig
    issues: list[QualityIssue] = field(default_factory=list)

    def by_image(self) -> dict[int, list[QualityIssue]]:
        """Issues grouped by image id."""
        grouped: dict[int, list[QualityIssue]] = {}
        for issue in self.issues:
            grouped.setdefault(issue.image_id, []).append(issue)
        return grouped

    def counts(self) -> dict[str, int]:
        """How many images failed each check."""
        counts: dict[str, int] = {}
        for issue in self.issues:
            counts[issue.check] = counts.get(issue.check, 0) + 1
        return dict(sorted(counts.items()))

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "settings": self.config.to_dict(),
            "counts": self.counts(),
            "issues": [{**i.to_dict(), "text": i.text or i.message} for i in self.issues],
        }


def check_quality(
    refs: Sequence[ImageRef],
    stats: Mapping[int, ImageStats] | None,
    config: QualityConfig | None = None,
) -> QualityReport:
    """Run the enabled checks on every image (``stats`` needed for the pixel checks)."""
    config = config or QualityConfig()
    report = QualityReport(config)
    for ref in sorted(refs, key=lambda r: r.image_id):
        report.issues.extend(_size_issues(ref, config))
        image_stats = stats.get(ref.image_id) if stats is not None else None
        if image_stats is not None:
            report.issues.extend(_pixel_issues(ref.image_id, image_stats, config))
    return report


def _size_issues(ref: ImageRef, config: QualityConfig) -> list[QualityIssue]:
    issues = []
    short, long = sorted((ref.width, ref.height))
    if config.min_side is not None and short < config.min_side:
        issues.append(
            QualityIssue.of(
                ref.image_id,
                "too_small",
                float(short),
                float(config.min_side),
                N_("too small: {ref.width}x{ref.height}, shorter side under {config.min_side} px"),
                ref=ref,
                config=config,
            )
        )
    aspect = long / max(short, 1)
    if config.max_aspect is not None and aspect > config.max_aspect:
        issues.append(
            QualityIssue.of(
                ref.image_id,
                "odd_aspect",
                round(aspect, 3),
                float(config.max_aspect),
                N_("odd aspect ratio {aspect:.1f}:1 (limit {config.max_aspect:g}:1)"),
                aspect=aspect,
                config=config,
            )
        )
    return issues


def _pixel_issues(image_id: int, stats: ImageStats, config: QualityConfig) -> list[QualityIssue]:
    if stats.error is not None:
        return [
            QualityIssue.of(
                image_id, "unreadable", 0.0, 0.0, N_("unreadable: {stats.error}"), stats=stats
            )
        ]
    issues = []
    if config.blur_threshold is not None and stats.blur < config.blur_threshold:
        issues.append(
            QualityIssue.of(
                image_id,
                "blurry",
                stats.blur,
                config.blur_threshold,
                N_("blurry: variance of Laplacian {stats.blur:.2f} < {config.blur_threshold:g}"),
                stats=stats,
                config=config,
            )
        )
    if config.dark_p95 is not None and stats.p95 < config.dark_p95:
        issues.append(
            QualityIssue.of(
                image_id,
                "dark",
                stats.p95,
                config.dark_p95,
                N_(
                    "too dark: 95% of pixels at or below brightness {stats.p95:.0f} (limit "
                    "{config.dark_p95:g})"
                ),
                stats=stats,
                config=config,
            )
        )
    if config.bright_p05 is not None and stats.p05 > config.bright_p05:
        issues.append(
            QualityIssue.of(
                image_id,
                "overexposed",
                stats.p05,
                config.bright_p05,
                N_(
                    "overexposed: 95% of pixels at or above brightness {stats.p05:.0f} (limit "
                    "{config.bright_p05:g})"
                ),
                stats=stats,
                config=config,
            )
        )
    return issues
