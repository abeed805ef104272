from diversion.admin.views import bp
from diversion.admin import retention_pages, data_protection_page  # noqa: F401,E402  (register their routes)

__all__ = ["bp"]
