"""Command-line operations (api-contract.md, Operations): users create, users token, demo."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from diversion.errors import Conflict, NotFound, ValidationFailed
from diversion.extensions import db
from diversion.domain import roles

users_cli = AppGroup("users", help="Manage staff accounts and their API tokens.")


def _fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


def _describe(failure: ValidationFailed) -> str:
    return "; ".join(f"{field}: {' '.join(problems)}" for field, problems in failure.fields.items())


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name")
@click.option("--role", required=True, type=click.Choice(roles.ROLES), help="One of the roles")
@click.option("--password", required=True, help="12+ characters, not easily guessed")
def create_user(email: str, name: str, role: str, password: str) -> None:
    """Create a user who can sign in."""
    from diversion.services import users

    try:
        user = users.create(email=email, name=name, role=role, password=password, actor=None)
    except ValidationFailed as failure:
        _fail(_describe(failure))
    db.session.commit()
    click.echo(f"Created user {user.id} ({user.role}).")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="Issued from the command line", help="The system that will use it")
@click.option("--purpose", default="Issued by an operator from the command line", help="What the system does with it")
def issue_token(email: str, name: str, purpose: str) -> None:
    """Issue a new API token for EMAIL (it acts as them for 90 days). The token is the last line printed."""
    from diversion.services import tokens, users

    user = users.find_by_email(email)
    if user is None:
        _fail(f"No user with the email address {email}.")
    try:
        _token, secret = tokens.issue(user, {"name": name, "purpose": purpose}, actor=None)
    except (ValidationFailed, Conflict, NotFound) as failure:
        _fail(failure.message if not getattr(failure, "fields", None) else _describe(failure))
    db.session.commit()
    click.echo("Store this token now: it cannot be shown again.")
    click.echo(secret)


@users_cli.command("reset-two-step")
@click.argument("email")
def reset_two_step(email: str) -> None:
    """Clear EMAIL's two-step sign-in (a lost phone and lost recovery codes): they set it up again at their
    next sign-in. For the last administrator, who has nobody to ask; audited as done from the command line."""
    from diversion.services import two_step, users

    user = users.find_by_email(email)
    if user is None:
        _fail(f"No user with the email address {email}.")
    two_step.clear(user, actor=None)
    db.session.commit()
    click.echo(f"Two-step sign-in reset for user {user.id}: they set it up again when they next sign in.")


@click.command("demo")
@click.option("--seed-figures", is_flag=True,
              help="Instead, load data whose reports give the seeds' headline figures (West Mercia's DIVERT year, "
                   "Durham's Checkpoint completion and reoffending), into a database with no other cases, and "
                   "print those figures as the reports give them.")
@with_appcontext
def demo(seed_figures: bool) -> None:
    """Load the demo data set (safe to run again): one demo user per role."""
    from flask import current_app

    if current_app.config["ENV"] == "production":  # its accounts' passwords are published in the README
        raise click.ClickException("demo refuses to run in production (DIVERSION_ENV=production): it creates "
                                   "accounts whose passwords are published. Use it only in development.")
    if seed_figures:
        _seed_figures()
        return
    from diversion.demo import load_demo

    summary = load_demo()
    db.session.commit()
    for line in summary:
        click.echo(line)


def _seed_figures() -> None:
    from diversion.demo import DEMO_PASSWORD, seed_figures

    try:
        summary = seed_figures.load()
    except Conflict as refused:
        _fail(refused.message)
    db.session.commit()
    for line in summary:
        click.echo(line)
    click.echo("Headline figures, as the reports give them:")
    for line in seed_figures.describe(seed_figures.headlines()):
        click.echo(line)
    db.session.commit()
    click.echo(f"Demo password for every demo account: {DEMO_PASSWORD}")


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo)
    from diversion.cli_retention import retention_cli

    app.cli.add_command(retention_cli)
    from diversion.reoffending_cli import reoffending_cli  # noqa: E402  (issue 12: reoffending follow-up)
    app.cli.add_command(reoffending_cli)
    from diversion.reports_cli import reports_cli  # noqa: E402  (issue 14: the report counters)
    app.cli.add_command(reports_cli)
    from diversion.exports_cli import exports_cli  # noqa: E402  (issue 14: exports that cannot be cut off)
    app.cli.add_command(exports_cli)
