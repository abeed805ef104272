"""The JSON API, /api/v1 (see ../shared/api-contract.md)."""
from diversion.api.blueprint import bp
from diversion.api import audit, checkpoint, divert, people, reports, views  # noqa: F401  (registers the routes)
from diversion.api import allocation  # noqa: F401,E402  (revision 2: allocation)

__all__ = ["bp"]
