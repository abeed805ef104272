"""API tokens: each user's own (issue, renew, revoke) and, for administrators, everyone's (revoke)."""
from diversion.tokens.views import bp

__all__ = ["bp"]
