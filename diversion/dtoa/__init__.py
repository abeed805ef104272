"""Drug Testing on Arrest pages: custody records a test (one page), the provider works the required assessments,
custody decides on a missed one. The monthly return is in reports."""
from diversion.dtoa import work_views  # noqa: F401  (it adds its routes to bp)
from diversion.dtoa.views import bp

__all__ = ["bp"]
