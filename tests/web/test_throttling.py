"""Sign-in throttling: per account and per address, counting failures only, never permanent."""
import os
import time

import limits.storage.memory
import pytest
import redis

from tests.conftest import make_app
from tests.factories import PASSWORD


def _fail(client, email):
    return client.post_form("/sign-in", {"email": email, "password": "wrong-password-xyz"})


def test_after_five_failures_the_account_answers_429_even_to_the_right_password(client, make_user):
    user = make_user("navigator")
    for _ in range(5):
        assert _fail(client, user.email).status_code == 200
    response = client.post_form("/sign-in", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_throttling_one_account_does_not_lock_out_another(client, make_user):
    victim, other = make_user("navigator"), make_user("manager")
    for _ in range(5):
        _fail(client, victim.email)
    assert client.post_form("/sign-in", {"email": other.email, "password": PASSWORD}).status_code == 302


def test_successful_sign_ins_do_not_count_towards_the_limit(app, make_user):
    user = make_user("navigator")
    for _ in range(7):
        browser = app.test_client()
        assert browser.sign_in_with_password(user.email, PASSWORD).status_code == 302


def test_many_accounts_tried_from_one_address_are_throttled(database_url, _migrated, make_user):
    app = make_app(database_url, SIGNIN_LIMIT_PER_ADDRESS="8 per 15 minutes")
    client = app.test_client()
    for n in range(8):
        assert _fail(client, f"guess{n}@police.example").status_code == 200
    assert _fail(client, "guess-last@police.example").status_code == 429


class _StoppedClock:
    """Stands in for the `time` module inside the limiter's memory store: time passes only when the test says."""

    def __init__(self):
        self.now = time.time()

    def time(self):
        return self.now


def test_the_lockout_ends_when_the_window_passes(database_url, _migrated, make_user, monkeypatch):
    clock = _StoppedClock()
    monkeypatch.setattr(limits.storage.memory, "time", clock)  # however slow the machine, the window holds still
    app = make_app(database_url, SIGNIN_LIMIT_PER_ACCOUNT="2 per 10 minutes")
    user = make_user("navigator")
    client = app.test_client()
    _fail(client, user.email), _fail(client, user.email)
    clock.now += 9 * 60
    assert client.post_form("/sign-in", {"email": user.email, "password": PASSWORD}).status_code == 429
    clock.now += 61
    assert client.post_form("/sign-in", {"email": user.email, "password": PASSWORD}).status_code == 302


def _redis_url():
    # database 15, or 14, 13... for pytest-xdist's workers gw1, gw2...: each worker flushes only its own
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    url = f"redis://127.0.0.1:6379/{15 - worker}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("Redis at 127.0.0.1:6379 is unreachable under CI")
        pytest.skip("Redis at 127.0.0.1:6379 is unreachable")
    return url


def test_counts_are_shared_through_redis_when_configured(database_url, _migrated, make_user):
    url = _redis_url()
    redis.Redis.from_url(url).flushdb()
    user = make_user("navigator")
    # Two app instances stand for two gunicorn workers: the second sees the first one's failures.
    first = make_app(database_url, RATELIMIT_STORAGE_URI=url).test_client()
    second = make_app(database_url, RATELIMIT_STORAGE_URI=url).test_client()
    for _ in range(5):
        _fail(first, user.email)
    assert second.post_form("/sign-in", {"email": user.email, "password": PASSWORD}).status_code == 429
    keys = [k.decode() for k in redis.Redis.from_url(url).keys("*")]
    assert keys and not any(user.email in key for key in keys)
    redis.Redis.from_url(url).flushdb()
