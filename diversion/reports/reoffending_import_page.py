"""A manager imports a proven reoffending extract (a police national computer CSV) from the reports pages, as the
command line does, for extracts up to a size a web request handles well; larger ones go through the command line
(`flask --app wsgi reoffending import`) or the API in parts. The upload is written to a temporary file that is gone
when the request ends; the import is audited with its counts only (no PNC ids)."""
from __future__ import annotations

import tempfile

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from diversion.access import roles_required
from diversion.domain.roles import ADMIN, MANAGER
from diversion.errors import ValidationFailed
from diversion.extensions import csrf
from diversion.pages import PageErrors
from diversion.reports.views import bp
from diversion.services import reoffending_import

UPLOAD_LIMIT = 8 * 1024 * 1024  # about 200,000 records; the command line takes any size
CHOOSE = "Choose the extract to import: a CSV file"


@bp.route("/reoffending/import", methods=["GET", "POST"])
@csrf.exempt  # checked below, once the upload's own size limit is set (the app-wide check would read it at 1 MB)
@roles_required(MANAGER, ADMIN)
def reoffending_import_page():
    if request.method == "GET":
        return _page(PageErrors())
    request.max_content_length = UPLOAD_LIMIT  # before the body is read: a larger upload is a 413 page
    csrf.protect()
    upload = request.files.get("extract")
    if upload is None or not upload.filename:
        return _page(PageErrors({"extract": [CHOOSE]})), 422
    name = _shown_name(upload.filename)
    if not name.lower().endswith(".csv"):
        return _page(PageErrors({"extract": ["The extract must be a CSV file (its name ends .csv)"]})), 422
    with tempfile.NamedTemporaryFile(suffix=".csv") as held:
        upload.save(held)
        held.flush()
        try:
            counts = reoffending_import.import_file(held.name, actor=current_user, file_name=name)
        except ValidationFailed as failure:
            return _page(PageErrors({"extract": [failure.message]}), problems=failure.fields), 422
        except UnicodeDecodeError:
            return _page(PageErrors({"extract": ["The extract must be a CSV file in UTF-8 text"]})), 422
    flash(f"Imported {name}: {counts['matched']:,} records matched to people here, {counts['unmatched']:,} "
          f"not matched; {counts['added']:,} new, {counts['duplicates']:,} already held.", "success")
    return redirect(url_for("reports.dashboard") + "#reoffending")


def _shown_name(filename: str) -> str:
    """The upload's name as it is kept and shown: its last part only, printable characters, at most 100."""
    last = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in last if c.isprintable())[:100] or "extract"


def _page(errors: PageErrors, problems: dict | None = None):
    return render_template("reports/reoffending_import.html", errors=errors, problems=problems or {},
                           limit_mb=UPLOAD_LIMIT // (1024 * 1024))
