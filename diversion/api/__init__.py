"""The JSON API, /api/v1 (see ../shared/api-contract.md)."""
from diversion.api.blueprint import bp
from diversion.api import audit, checkpoint, divert, people, reports, views  # noqa: F401  (registers the routes)
from diversion.api import timeline  # noqa: F401,E402  (a contract's timeline)
from diversion.api import appointments  # noqa: F401,E402  (revision 2: appointments)
from diversion.api import allocation  # noqa: F401,E402  (revision 2: allocation)
from diversion.api import retention  # noqa: F401,E402  (revision 2: retention review)
from diversion.api import breach_packs  # noqa: F401,E402  (issue 12: breach evidence packs)
from diversion.api import subject_access  # noqa: F401,E402  (revision 2: subject access export)
from diversion.api import reoffending  # noqa: F401,E402  (revision 2: outcomes, proven reoffending)
from diversion.api import needs  # noqa: F401,E402  (issue 12: suitability and needs)
from diversion.api import treatment  # noqa: F401,E402  (issue 12: treatment engagement)
from diversion.api import dtoa_return  # noqa: F401,E402  (issue 13: the Drug Testing on Arrest monthly return)
from diversion.api import dtoa  # noqa: F401,E402  (issue 13: Drug Testing on Arrest)

__all__ = ["bp"]
