from diversion.admin.views import bp

__all__ = ["bp"]
