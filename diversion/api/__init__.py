"""The JSON API, /api/v1 (see ../shared/api-contract.md)."""
from diversion.api.blueprint import bp
from diversion.api import audit, checkpoint, divert, people, reports, views  # noqa: F401  (registers the routes)
from diversion.api import timeline  # noqa: F401,E402  (a contract's timeline)
from diversion.api import appointments  # noqa: F401,E402  (revision 2: appointments)
from diversion.api import allocation  # noqa: F401,E402  (revision 2: allocation)
from diversion.api import reoffending  # noqa: F401,E402  (revision 2: outcomes, proven reoffending)

__all__ = ["bp"]
