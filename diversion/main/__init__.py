from diversion.main.views import bp
from diversion.main import outcomes  # noqa: F401,E402  (the officer's outcomes list)

__all__ = ["bp"]
