from diversion.auth import two_step_views  # noqa: F401  (adds the two-step pages to bp)
from diversion.auth.views import bp

__all__ = ["bp"]
