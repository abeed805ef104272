"""Your exports: the long exports a manager asked for (services/export_jobs.py), each with its state, and its file
to download once it is whole. A job is its requester's alone: anyone else is told it is not found."""
from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from diversion.access import roles_required
from diversion.domain import exports as rules
from diversion.domain.roles import ADMIN, MANAGER
from diversion.errors import NotFound
from diversion.extensions import db
from diversion.reports.views import bp
from diversion.services import export_jobs, reports


@bp.route("/exports")
@roles_required(MANAGER, ADMIN)
def export_jobs_list():
    return render_template("reports/export_jobs.html", jobs=export_jobs.mine(current_user), titles=reports.EXPORTS,
                           tag=rules.tag)


@bp.route("/exports/<int:job_id>")
@roles_required(MANAGER, ADMIN)
def export_job(job_id: int):
    job = _load(job_id)
    return render_template("reports/export_job.html", job=job, title=reports.EXPORTS.get(job.kind, job.kind),
                           tag=rules.tag(job.status, job.expired_at is not None), errors=rules.ERRORS,
                           downloadable=export_jobs.downloadable(job, current_user))


@bp.route("/exports/<int:job_id>/download")
@roles_required(MANAGER, ADMIN)
def export_job_download(job_id: int):
    job = _load(job_id)
    if not export_jobs.downloadable(job, current_user):  # not ready, failed or expired: its page says which
        return redirect(url_for("reports.export_job", job_id=job.id))
    export_jobs.record_download(job, current_user)  # committed after this view, before the first byte is sent
    gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    # Streamed on the engine itself, outside the request's context and session (each chunk its own short read).
    body = (export_jobs.stored_chunks if gzip else export_jobs.plain_chunks)(job.id, db.engine)
    response = Response(body, mimetype="text/csv")
    if gzip:  # the stored gzip stream as it is: the browser saves the CSV, a fraction of it crosses the network
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Content-Length"] = str(job.stored_bytes if gzip else job.bytes)
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{job.kind}-{job.parameters["from"]}-to-{job.parameters["to"]}.csv"')
    return response


def _load(job_id: int):
    try:
        return export_jobs.load(job_id, current_user)
    except NotFound:
        abort(404)
