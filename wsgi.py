"""Entry point for gunicorn (`gunicorn wsgi:app`) and the flask CLI (`flask --app wsgi ...`).

A configuration the app cannot safely start with is one line on stderr and exit status 4, no traceback
(gunicorn treats 4 as "App failed to load" and stops rather than restarting workers forever).
"""
import gc
import sys

from diversion import create_app
from diversion.config import ConfigError

CONFIG_ERROR_STATUS = 4

try:
    app = create_app()
except ConfigError as error:
    print(f"Configuration error: {error}", file=sys.stderr)
    raise SystemExit(CONFIG_ERROR_STATUS) from None

# What is loaded by now (modules, the app, the ORM's mappings: well over 100,000 objects) lives as long as the
# process. Kept out of the garbage collector's generations, a full collection that a large answer sets off (the report
# of a thousand navigators makes tens of thousands of objects) walks the newer objects, not all of these again.
gc.freeze()
