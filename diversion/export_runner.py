"""Runs export jobs (diversion/services/export_jobs.py): the worker loop behind `flask --app wsgi exports work`,
and the same run made inline by the request that queued a job when `EXPORT_RUNNER=inline` (SQLite, `make run`, the
tests). Like a command, it commits: the claim in one transaction, then the file and its `done` status in one more
(or, on any failure, nothing of the file and the job marked `failed`).
"""
from __future__ import annotations

import logging
import os
import socket
import time
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from diversion.extensions import db
from diversion.models import ExportJob
from diversion.services import export_jobs

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run(job_id: int) -> str:
    """Make the file of a job already claimed (running); return its final status. Never raises for the job's own
    failure: that is the job's status, with a code, and a log line that names the job and the kind of error only."""
    job = db.session.get(ExportJob, job_id)
    try:
        if db.engine.dialect.name == "postgresql":  # a job has no request timeout; each statement its own limit
            seconds = int(current_app.config.get("EXPORT_STATEMENT_TIMEOUT", 600))
            db.session.execute(sa.text(f"SET LOCAL statement_timeout = {seconds * 1000}"))
        export_jobs.write(job, chunk_bytes=current_app.config.get("EXPORT_CHUNK_BYTES", export_jobs.CHUNK_BYTES))
        db.session.commit()
        log.info("export job %s done: %s rows, %s bytes", job_id, job.rows, job.bytes)
        return "done"
    except export_jobs.NoLongerRunning:  # failed as abandoned while it was being made: its file goes, it stays failed
        db.session.rollback()
        log.warning("export job %s was no longer running when finished: its file was discarded", job_id)
        return "failed"
    except Exception as failure:  # noqa: BLE001  (whatever it was, the job must end failed, not stay running)
        db.session.rollback()
        code = "unknown_kind" if isinstance(failure, export_jobs.UnknownKind) else "export_failed"
        log.error("export job %s failed: %s", job_id, type(failure).__name__)
        export_jobs.fail(job_id, code)
        db.session.commit()
        return "failed"


def run_inline(job_id: int) -> str | None:
    """In the request that queued it, once the request has committed: claim this job and make it."""
    taken = export_jobs.claim("inline", job_id=job_id)
    db.session.commit()
    return run(taken) if taken is not None else None


def work_once(worker: str | None = None) -> int | None:
    """Fail abandoned jobs, then take the oldest queued job and make it. The job's id, or None if none waited."""
    limit = timedelta(minutes=int(current_app.config.get("EXPORT_RUNNING_LIMIT_MINUTES", 60)))
    export_jobs.fail_abandoned(limit)
    taken = export_jobs.claim(worker or worker_name())
    db.session.commit()
    if taken is not None:
        run(taken)
    return taken


def work(*, poll_seconds: float = 2.0, stop_when_idle: bool = False) -> int:
    """The worker loop: take jobs one at a time, poll when there are none. Returns how many it made."""
    made = 0
    while True:
        taken = work_once()
        if taken is not None:
            made += 1
            continue
        if stop_when_idle:
            return made
        db.session.remove()  # hold no connection while idle
        time.sleep(poll_seconds)
