"""DIVERT pages: the officer's short referral form, the provider's worklist, lists and referral page."""
from diversion.divert import list_views  # noqa: F401  (it adds its routes to bp)
from diversion.divert import onward_views  # noqa: F401  (its routes join bp)
from diversion.divert.views import bp

__all__ = ["bp"]
