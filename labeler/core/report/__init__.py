"""The self-contained HTML report: project summary, agreement, disagreements, diagnosis."""

from labeler.core.report.build import build_report, report_data, write_report
from labeler.core.report.html import render_html

__all__ = ["build_report", "render_html", "report_data", "write_report"]
