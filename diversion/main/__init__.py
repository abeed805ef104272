from diversion.main.views import bp

__all__ = ["bp"]
