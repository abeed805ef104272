"""`flask --app wsgi reoffending import FILE.csv`: load a proven reoffending extract (api-contract, Revision 2:
outcomes) with a progress bar. Bad rows anywhere and nothing is imported; the first problems are listed by line."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import OperationalError

from diversion.errors import ValidationFailed
from diversion.extensions import db

reoffending_cli = AppGroup("reoffending", help="Proven reoffending: import an extract of reoffences.")


def _lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


@reoffending_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_extract(file: Path) -> None:
    """Import FILE, a CSV with the columns pnc_id, offence_date and disposal_date (YYYY-MM-DD). Records already
    held (the same PNC id and dates) are not added again, so an extract can be imported twice safely."""
    from diversion.services import reoffending_import

    try:
        with click.progressbar(length=max(_lines(file) - 1, 1), label=f"Reading {file.name}",
                               show_pos=True, file=sys.stderr) as bar:
            counts = reoffending_import.import_file(file, progress=bar.update)
        click.echo("Matching people and saving...", err=True)
        db.session.commit()
    except ValidationFailed as failure:
        db.session.rollback()
        details = "\n".join(f"  {field}: {' '.join(problems)}" for field, problems in failure.fields.items())
        raise click.ClickException(f"{failure.message}\n{details}") from None
    except OperationalError as error:
        db.session.rollback()
        raise click.ClickException(f"The database stopped the import ({type(error.orig).__name__}); nothing was "
                                   "imported.") from None
    except (UnicodeDecodeError, OSError) as error:
        db.session.rollback()
        raise click.ClickException(f"Could not read {file.name}: {type(error).__name__}") from None
    click.echo(f"Imported {file.name}: {counts['matched']:,} matched to people, {counts['unmatched']:,} "
               f"unmatched; {counts['added']:,} new, {counts['duplicates']:,} already held.")
