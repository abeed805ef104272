"""SQLAlchemy 2 typed models. Import every module here so Alembic sees the whole schema."""
from diversion.models.audit import AuditEvent
from diversion.models.base import Base
from diversion.models.users import ApiToken, User, UserSession

__all__ = ["ApiToken", "AuditEvent", "Base", "User", "UserSession"]
