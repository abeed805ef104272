from tests.conftest import make_app


def test_health_answers_200_after_a_database_round_trip(client, database_url):
    response = client.get("/health")
    assert response.status_code == 200
    expected = {"status": "ok", "database": "ok"}
    if not database_url.startswith("sqlite"):  # the tests connect as the server's superuser
        expected["database_role"] = "owner_or_superuser"
    assert response.get_json() == expected


def test_health_answers_503_when_the_database_is_down(database_url):
    if database_url.startswith("sqlite"):
        down = "sqlite:////nonexistent-directory/nowhere/db.sqlite3"
    else:
        down = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2"
    response = make_app(down).test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}
