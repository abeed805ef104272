"""The managers' dashboard and CSV exports."""
from diversion.reports.views import bp
from diversion.reports import dtoa_return_page  # noqa: F401,E402  (registers the monthly return's page)
from diversion.reports import reoffending_import_page  # noqa: F401,E402  (a manager uploads an extract)
from diversion.reports import export_jobs_pages  # noqa: F401,E402  (registers "Your exports")

__all__ = ["bp"]
