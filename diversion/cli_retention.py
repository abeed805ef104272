"""`flask --app wsgi retention recompute`: every live person's review date worked out again from their cases (after
upgrading a database that already holds cases, or after the review period policy changed). In batches, each
committed, with a progress bar; safe to run again and to stop half way."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from diversion.extensions import db

retention_cli = AppGroup("retention", help="Retention review (MoPI): review dates.")


@retention_cli.command("recompute")
@click.option("--batch", default=1000, show_default=True, type=click.IntRange(1, 50_000),
              help="People per transaction")
def recompute(batch: int) -> None:
    """Recompute every person's review date (a retain decision's later date is kept)."""
    from diversion import audit
    from diversion.services import retention

    looked_at = changed = 0
    with click.progressbar(length=retention.live_people_count(), label="Review dates") as bar:
        for seen, moved in retention.recompute_all(batch):
            db.session.commit()
            looked_at, changed = looked_at + seen, changed + moved
            bar.update(seen)
    audit.record("retention.recompute", details={"people": looked_at, "changed": changed})
    db.session.commit()
    click.echo(f"Review dates recomputed for {looked_at} people: {changed} changed.")
