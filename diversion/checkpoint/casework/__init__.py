"""Navigators' pages: the queue of referrals, agreeing contracts, the contract page, the caseload."""
from diversion.checkpoint.casework.views import bp

__all__ = ["bp"]
