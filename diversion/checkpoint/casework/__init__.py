"""Navigators' pages: the queue of referrals, agreeing contracts, the contract page, the caseload."""
from diversion.checkpoint.casework.views import bp
from diversion.checkpoint.casework import timeline_views  # noqa: F401,E402  (timeline, breach risk)
from diversion.checkpoint.casework import appointment_views  # noqa: F401,E402  (appointments: registers routes)
from diversion.checkpoint.casework import allocation_views  # noqa: F401,E402  (managers' allocation pages)
from diversion.checkpoint.casework import breach_pack_views  # noqa: F401,E402  (issue 12: breach evidence packs)
from diversion.checkpoint.casework import needs_views  # noqa: F401,E402  (issue 12: needs assessment)
from diversion.checkpoint.casework import onward_views  # noqa: F401,E402  (issue 12: onward referrals)

__all__ = ["bp"]
