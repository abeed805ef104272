"""The managers' dashboard and CSV exports."""
from diversion.reports.views import bp
from diversion.reports import dtoa_return_page  # noqa: F401,E402  (registers the monthly return's page)
from diversion.reports import reoffending_import_page  # noqa: F401,E402  (a manager uploads an extract)

__all__ = ["bp"]
