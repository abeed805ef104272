"""The diversion case-management app. `create_app` wires things together and does no I/O."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    from diversion import config, errors, logging as app_logging, security, templating
    from diversion.extensions import csrf, db, limiter, login_manager, migrate

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(config.load(app.instance_path, overrides))
    from diversion.ids import BoundedInt

    app.url_map.converters["int"] = BoundedInt
    app.debug = False  # never the interactive debugger, whatever FLASK_DEBUG says

    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    app_logging.configure(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    security.configure(app)
    templating.configure(app)
    _register_database_hooks(app)
    from diversion import erased_records
    from diversion.services import reoffending_import_counts, rollups

    erased_records.install()
    rollups.install()  # the report counters follow every change to a case (services/rollups.py)
    reoffending_import_counts.install()  # ... and to a reoffence written through the ORM

    from diversion import admin, api, auth, divert, dtoa, main, people, reference, reports, tokens
    from diversion.checkpoint import casework, intake
    from diversion.auth import session_loader  # noqa: F401  (registers the user loader)

    app.register_blueprint(auth.bp)
    app.register_blueprint(main.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(intake.bp)
    app.register_blueprint(casework.bp)
    app.register_blueprint(divert.bp)
    app.register_blueprint(dtoa.bp)
    app.register_blueprint(people.bp)
    app.register_blueprint(reference.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(tokens.bp)
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)
    errors.register(app)

    from diversion import cli

    cli.register(app)
    return app


def _register_database_hooks(app: Flask) -> None:
    """One commit per request, made here after a successful view; failures roll back.

    A failed use case (a ServiceError raised, even if the view caught it) also rolls back.
    """
    from flask import g

    from diversion.extensions import db

    from diversion.audit import keep_reads_after_rollback

    @app.after_request
    def _commit(response):
        if response.status_code < 400 and not g.get("service_failed"):
            db.session.commit()
            return response
        db.session.rollback()
        if response.status_code < 500 and g.get("read_audits"):
            keep_reads_after_rollback()
            db.session.commit()
        return response
