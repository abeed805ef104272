"""The managers' dashboard and CSV exports."""
from diversion.reports_pages.views import bp

__all__ = ["bp"]
