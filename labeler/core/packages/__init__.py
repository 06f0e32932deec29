"""Vendor work packages: outsourcing without a shared server.

``export_package`` writes a ``.lbpkg`` file for one vendor; the vendor opens it
with ``open_package`` (the app then works on the project inside, offline) and
writes their work back with ``save_package``; ``import_package`` merges it into
the project with full provenance. See :mod:`labeler.core.packages.archive` for the
file layout and the checks applied to this untrusted input.
"""

from labeler.core.packages.archive import DEFAULT_LIMITS, PACKAGE_SUFFIX, PackageLimits
from labeler.core.packages.export import ExportSummary, export_package, select_images
from labeler.core.packages.merge import ImportSummary, import_package, read_package_records
from labeler.core.packages.vendor import open_package, save_package, work_folder
from labeler.core.store.exchange import PackageError

__all__ = [
    "DEFAULT_LIMITS",
    "PACKAGE_SUFFIX",
    "ExportSummary",
    "ImportSummary",
    "PackageError",
    "PackageLimits",
    "export_package",
    "import_package",
    "open_package",
    "read_package_records",
    "save_package",
    "select_images",
    "work_folder",
]
