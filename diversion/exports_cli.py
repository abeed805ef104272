"""`flask --app wsgi exports …`: the export worker and the expiry of old export files (services/export_jobs.py)."""
from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from diversion.extensions import db

exports_cli = AppGroup("exports", help="Make queued exports and delete old export files.")


@exports_cli.command("work")
@click.option("--once", is_flag=True, help="Make every queued export, then stop (instead of waiting for more).")
@click.option("--poll", default=2.0, show_default=True, help="Seconds between looks at the queue when it is empty.")
def work(once: bool, poll: float) -> None:
    """Make queued exports, one at a time, for as long as it runs (run one or more beside gunicorn)."""
    from diversion import export_runner

    made = export_runner.work(poll_seconds=poll, stop_when_idle=once)
    click.echo(f"Made {made} export(s).")


@exports_cli.command("expire")
def expire() -> None:
    """Delete export files older than EXPORT_KEEP_DAYS, and fail jobs whose worker stopped mid-way."""
    from diversion.services import export_jobs

    abandoned = export_jobs.fail_abandoned(timedelta(minutes=current_app.config["EXPORT_RUNNING_LIMIT_MINUTES"]))
    expired = export_jobs.expire(timedelta(days=current_app.config["EXPORT_KEEP_DAYS"]))
    db.session.commit()
    click.echo(f"Deleted {expired} export file(s); {abandoned} interrupted job(s) marked failed.")
