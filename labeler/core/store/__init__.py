"""The project store: one SQLite file per project, reached only through :class:`Project`."""

from labeler.core.store.project import PROJECT_SUFFIX, Project
from labeler.core.store.schema import SCHEMA_VERSION

__all__ = ["PROJECT_SUFFIX", "SCHEMA_VERSION", "Project"]
