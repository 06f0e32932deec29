"""labeler: desktop labeling and review for data-centric vision teams."""

__version__ = "0.1.0"
