"""checker: find where news sources disagree about the figures they report."""

__version__ = "0.1.0"
