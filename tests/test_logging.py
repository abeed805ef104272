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
