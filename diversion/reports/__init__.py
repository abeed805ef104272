"""The managers' dashboard and CSV exports."""
from diversion.reports.views import bp

__all__ = ["bp"]
