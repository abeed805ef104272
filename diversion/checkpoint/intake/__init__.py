"""Custody officers' referral pages, the referral page everyone who may read it shares, and approvals."""
from diversion.checkpoint.intake import list_views, referral_views  # noqa: F401  (they add their routes to bp)
from diversion.checkpoint.intake.views import bp

__all__ = ["bp"]
