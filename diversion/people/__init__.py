"""A person's whole history across Checkpoint and DIVERT."""
from diversion.people.views import bp

__all__ = ["bp"]
