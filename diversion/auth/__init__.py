from diversion.auth.views import bp

__all__ = ["bp"]
