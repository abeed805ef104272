"""Drug Testing on Arrest pages: custody records a test (one page), the provider works the required assessments,
custody decides on a missed one. The monthly return is in reports."""
from diversion.dtoa import list_views, work_views  # noqa: F401  (they add their routes to bp)
from diversion.dtoa.views import bp

__all__ = ["bp"]
