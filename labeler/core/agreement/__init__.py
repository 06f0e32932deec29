"""Agreement metrics: Cohen's and Fleiss' kappa, Krippendorff's alpha, object agreement."""

from labeler.core.agreement.alpha import krippendorff_alpha
from labeler.core.agreement.kappa import cohen_kappa, fleiss_kappa
from labeler.core.agreement.metric import Metric
from labeler.core.agreement.report import AgreementReport, agreement_report

__all__ = [
    "AgreementReport",
    "Metric",
    "agreement_report",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
]
