"""`flask --app wsgi reports rebuild [--check]`: the report counters recomputed from the cases."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup, with_appcontext

reports_cli = AppGroup("reports", help="The report figures' counters.")


@reports_cli.command("rebuild")
@click.option("--check", is_flag=True,
              help="Change nothing: compare every report with a full recount of the cases, list any difference.")
@with_appcontext
def rebuild(check: bool) -> None:
    """Recompute every report counter (and people counter) from the cases (after an upgrade, or cases loaded with SQL), in one
    transaction; with --check, compare the reports with a full recount instead (exit 1 on any difference)."""
    from diversion import maintenance_limits
    from diversion.extensions import db
    from diversion.services import report_recount, rollups

    if check:
        maintenance_limits.lift(db.session.connection())  # a full recount: maintenance, not a request
        found = report_recount.differences()
        for line in found:
            click.echo(f"differs: {line}")
        click.echo("The counters match a full recount." if not found else f"{len(found)} reports differ.")
        db.session.rollback()
        sys.exit(1 if found else 0)
    rows = rollups.rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"Rebuilt the report counters (and the people counters): {rows} rows.")
