"""A person's whole history across Checkpoint and DIVERT."""
from diversion.people.views import bp
from diversion.people import subject_access_views  # noqa: F401,E402  (subject access pages: registers routes)

__all__ = ["bp"]
