"""DIVERT pages: the officer's short referral form, the provider's worklist and referral page."""
from diversion.divert.views import bp

__all__ = ["bp"]
