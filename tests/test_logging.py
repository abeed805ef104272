"""Application logs carry route patterns and status codes, never personal data."""
import logging


def test_request_log_names_the_route_pattern_not_the_path_or_query(signed_in, caplog, make_user):
    client, _ = signed_in("admin")
    other = make_user("navigator", name="Zofia Kowalczyk")
    with caplog.at_level(logging.INFO, logger="diversion"):
        client.get(f"/admin/users/{other.id}?search=Zofia+Kowalczyk")
    lines = [r.getMessage() for r in caplog.records if r.name == "diversion.request"]
    assert lines and lines[-1].startswith("GET /admin/users/<int:user_id> 200")
    assert not any("Zofia" in r.getMessage() or str(other.id) in r.getMessage().split()[1] for r in caplog.records)


def test_a_failed_sign_in_logs_no_email_or_password(client, caplog):
    with caplog.at_level(logging.DEBUG):
        client.post_form("/sign-in", {"email": "kwame.mensah@police.example", "password": "Hunter-2-secret-x"})
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "kwame" not in text and "Hunter-2" not in text


def test_an_unexpected_error_shows_no_traceback_and_logs_no_request_data(database_url, caplog):
    from tests.conftest import make_app

    app = make_app(database_url)

    @app.route("/explode/<name>")
    def explode(name):  # a deliberately broken view
        raise RuntimeError("boom " + name)
    explode.public = True

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/explode/Amara-Okafor?q=Amara")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert "Traceback" not in body and "boom" not in body
    logged = [r for r in caplog.records if r.name == "diversion.errors"]
    assert logged and "Amara" not in logged[0].getMessage()


# --- issue 9, finding 8: no personal data in any log record ----------------------------------------------------

EMAIL = "kwame.mensah@police.example"
PNC = "2019/0123456A"


def _everything_logged(records) -> str:
    """Each record as any handler could render it: message, arguments and formatted exception."""
    formatter = logging.Formatter("%(name)s %(message)s")
    parts = []
    for record in records:
        parts += [record.getMessage(), repr(record.args), str(record.msg), record.exc_text or "",
                  formatter.format(record)]
        if record.exc_info:
            parts.append(formatter.formatException(record.exc_info))
    return "\n".join(parts)


def _app_with(database_url, view):
    from tests.conftest import make_app

    app = make_app(database_url)
    view.public = True
    app.add_url_rule("/explode", view.__name__, view, methods=["GET", "POST"])
    return app


def test_a_duplicate_pnc_id_or_email_never_reaches_the_log(database_url, caplog):
    """PostgreSQL says `DETAIL: Key (pnc_id)=(2019/0123456A) already exists`; hide_parameters does not hide it."""
    from datetime import date

    from flask import request

    from diversion.extensions import db
    from diversion.models import Person

    def duplicate():
        for _ in range(2):
            db.session.add(Person(given_name="Kwame", family_name="Mensah", date_of_birth=date(1990, 1, 2),
                                  pnc_id=request.args["pnc"], email=request.args["email"]))
        db.session.flush()

    app = _app_with(database_url, duplicate)
    with caplog.at_level(logging.DEBUG):
        response = app.test_client().get("/explode", query_string={"pnc": PNC, "email": EMAIL})
    assert response.status_code == 500
    logged = _everything_logged(caplog.records)
    assert "IntegrityError" in logged and "Traceback" in logged  # a fault: its frames are kept
    assert PNC not in logged and "0123456A" not in logged and EMAIL not in logged and "kwame" not in logged.lower()


def test_an_exception_message_quoting_request_data_is_withheld(database_url, caplog):
    from flask import request

    def explode():
        raise ValueError(f"no person with email {request.args['email']} or PNC {request.args['pnc']} "
                         f"called {request.args['name']}")

    app = _app_with(database_url, explode)
    with caplog.at_level(logging.DEBUG):
        assert app.test_client().get("/explode", query_string={
            "pnc": PNC, "email": EMAIL, "name": "Amara Okafor"}).status_code == 500
    logged = _everything_logged(caplog.records)
    assert "ValueError: [message withheld" in logged
    assert not any(secret in logged for secret in (PNC, EMAIL, "Amara", "Okafor"))


def test_input_the_database_refuses_is_one_line_without_a_traceback(database_url, caplog):
    """A value too long for its column (PostgreSQL: SQLSTATE 22001) is the input's fault, not a code fault."""
    import pytest
    import sqlalchemy as sa
    from flask import request

    from diversion.extensions import db

    if database_url.startswith("sqlite"):
        pytest.skip("SQLite stores over-long text without complaint")

    def too_long():
        db.session.execute(sa.text("CREATE TEMP TABLE t (v varchar(5))"))
        db.session.execute(sa.text("INSERT INTO t VALUES (:value)"), {"value": request.args["email"]})

    app = _app_with(database_url, too_long)
    with caplog.at_level(logging.DEBUG):
        assert app.test_client().get("/explode", query_string={"email": EMAIL}).status_code == 500
    errors = [r for r in caplog.records if r.name == "diversion.errors"]
    assert [r.levelname for r in errors] == ["WARNING"] and not errors[0].exc_text
    assert "sqlstate 22001" in errors[0].getMessage() and "/explode" in errors[0].getMessage()
    assert EMAIL not in _everything_logged(caplog.records)


def test_every_logger_is_redacted_messages_arguments_and_exceptions(app, caplog):
    """Our loggers, Flask's, SQLAlchemy's or gunicorn's: the record is made safe when it is created."""
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("diversion.auth").warning("sign-in failed for %s", EMAIL)
        logging.getLogger("gunicorn.error").info("%(who)s at %(where)s", {"who": EMAIL, "where": "DH1 3HP"})
        logging.getLogger("sqlalchemy.engine").error("Key (pnc_id)=(%s) already exists", PNC)
        logging.getLogger("diversion").warning(f"search for {EMAIL}, PNC {PNC}")
        try:
            raise KeyError(EMAIL)
        except KeyError:
            logging.getLogger("diversion.errors").exception("lookup failed")
    logged = _everything_logged(caplog.records)
    assert EMAIL not in logged and PNC not in logged and "DH1 3HP" not in logged
    assert logged.count("[email]") >= 4 and "[pnc]" in logged and "[postcode]" in logged
    assert "KeyError" in logged and "Traceback" in logged


def test_a_database_message_keeps_its_codes_and_loses_its_values():
    from diversion.logging import scrub

    message = ('duplicate key value violates unique constraint "uq_people_pnc_id"\n'
               "DETAIL:  Key (pnc_id)=(2019/0123456A) already exists.\n"
               'new row for relation "users" violates check constraint "ck_users_role"\n'
               "DETAIL:  Failing row contains (7, kwame, Kwame Mensah, sergeant).\n"
               "[SQL: INSERT INTO people ...]\n[parameters: ('Kwame', 'Mensah')]")
    scrubbed = scrub(message)
    assert 'constraint "uq_people_pnc_id"' in scrubbed and scrubbed.count("DETAIL: [removed]") == 2
    assert not any(secret in scrubbed for secret in ("0123456A", "Kwame", "kwame", "sergeant"))
    assert scrub("Key (lower(email))=(Kwame.Mensah@x.org) already exists.") == "Key (lower(email))=([removed])"


def test_a_throttled_sign_in_logs_no_email(client, make_user, caplog, app):
    """Throttle keys are HMACs under the app's secret; neither they nor the email reach the log."""
    user = make_user("navigator", email="amara.okafor@police.example")
    with caplog.at_level(logging.DEBUG):
        for _ in range(7):
            client.post_form("/sign-in", {"email": user.email, "password": "wrong-password-xyz"})
    import hashlib

    from diversion import throttle

    logged = _everything_logged(caplog.records)
    assert "POST /sign-in 429" in logged  # the throttle did refuse
    with app.test_request_context():
        key = throttle.key("account", user.email)
    assert "amara" not in logged.lower() and hashlib.sha256(user.email.encode()).hexdigest() not in logged
    assert key not in logged
