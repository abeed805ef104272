"""services.two_step: the rules for codes, recovery codes and the administrator's reset."""
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import create_engine, func, select, text

from diversion import clock
from diversion.errors import Conflict
from diversion.extensions import db
from diversion.models import AuditEvent, RecoveryCode, UserSession
from diversion.services import sessions, two_step
from tests import factories

T0 = datetime(2026, 11, 26, 9, 0, 0, tzinfo=UTC)


@pytest.fixture
def user(app_context):
    clock.freeze(T0)
    record = factories.user("navigator")
    secret = two_step.begin_enrolment(record)
    record.codes = two_step.confirm_enrolment(record, pyotp.TOTP(secret).at(T0 - timedelta(seconds=30)))
    db.session.commit()
    return record


def _code(user, seconds: float = 0) -> str:
    return pyotp.TOTP(user.totp_secret).at(clock.now() + timedelta(seconds=seconds))


def _failures() -> list[dict]:
    return [e.details for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.two_step_failed").order_by(AuditEvent.id))]


def test_enrolment_confirms_the_secret_and_stores_the_step_used(user):
    assert two_step.is_enrolled(user) and two_step.pending_secret(user) is None
    assert user.totp_confirmed_at == T0
    assert user.totp_last_step == pyotp.TOTP(user.totp_secret).timecode(T0) - 1
    assert len(user.codes) == 10 and two_step.recovery_codes_left(user) == 10


def test_a_secret_is_160_bits_of_base32(app_context):
    record = factories.user("navigator")
    secret = two_step.begin_enrolment(record)
    assert len(secret) == 32 and set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert two_step.grouped(secret).count(" ") == 7


def test_a_wrong_code_does_not_confirm_enrolment(app_context):
    clock.freeze(T0)
    record = factories.user("navigator")
    two_step.begin_enrolment(record)
    check = two_step.confirm_enrolment(record, "123456" if _code(record) != "123456" else "654321")
    assert not check.ok and check.reason == "wrong"
    assert not two_step.is_enrolled(record)
    assert _failures() == [{"reason": "wrong", "during": "set_up"}]


def test_confirming_without_a_started_enrolment_is_a_conflict(app_context):
    with pytest.raises(Conflict):
        two_step.confirm_enrolment(factories.user("navigator"), "123456")


@pytest.mark.parametrize("typed, reason", [(None, "missing"), ("  ", "missing"), ("12345", "malformed"),
                                           ("１２３４５６", "malformed"), ("12345a", "malformed")])
def test_codes_that_are_not_six_digits_are_refused_before_checking(user, typed, reason):
    check = two_step.check_code(user, typed)
    assert (check.ok, check.reason) == (False, reason) and check.message


def test_a_code_is_good_once_and_never_again_after_a_later_one(user):
    current, previous = _code(user), _code(user, -30)
    assert two_step.check_code(user, current).ok
    assert two_step.check_code(user, current).reason == "reused"
    assert two_step.check_code(user, previous).reason == "reused"
    assert [f["reason"] for f in _failures()] == ["reused", "reused"]


def test_a_step_claimed_by_another_request_meanwhile_is_refused(user, app):
    """Two requests with the same code: the second reads the user before the first stores the step, and
    still loses, because the step is claimed in one conditional UPDATE."""
    code = _code(user)
    step = pyotp.TOTP(user.totp_secret).timecode(clock.now())
    db.session.commit()
    # the other request, in its own connection, has just used this step
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as connection:
        connection.execute(text("UPDATE users SET totp_last_step = :step WHERE id = :id"),
                           {"step": step, "id": user.id})
    engine.dispose()
    assert user.totp_last_step == step - 1  # this request's stale view
    check = two_step.check_code(user, code)
    assert (check.ok, check.reason) == (False, "reused")


def test_recovery_codes_are_each_good_once_and_forgiving_of_case_and_spacing(user):
    code = user.codes[0]
    typed = " " + code.upper().replace("-", " ") + " "
    assert two_step.check_recovery_code(user, typed).ok
    assert two_step.recovery_codes_left(user) == 9
    assert two_step.check_recovery_code(user, code).reason == "recovery_wrong"
    assert two_step.check_recovery_code(user, "").reason == "recovery_missing"
    assert two_step.check_recovery_code(user, "\x00" * 16).reason == "recovery_wrong"


def test_letters_crockford_base32_leaves_out_are_read_as_digits(user):
    code = next((c for c in user.codes if "0" in c or "1" in c), None)
    if code is None:
        pytest.skip("no code with a 0 or 1 this time")
    assert two_step.check_recovery_code(user, code.replace("0", "O").replace("1", "l")).ok


def test_one_users_recovery_code_does_not_work_for_another(user):
    other = factories.user("navigator")
    secret = two_step.begin_enrolment(other)
    two_step.confirm_enrolment(other, pyotp.TOTP(secret).at(T0))
    assert not two_step.check_recovery_code(other, user.codes[0]).ok
    assert two_step.check_recovery_code(user, user.codes[0]).ok


def test_new_recovery_codes_replace_the_old_ones(user):
    clock.freeze(T0 + timedelta(seconds=30))
    codes = two_step.renew_recovery_codes(user, _code(user))
    assert isinstance(codes, list) and not set(codes) & set(user.codes)
    assert db.session.scalar(select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id)) == 10
    assert not two_step.check_recovery_code(user, user.codes[1]).ok
    assert two_step.check_recovery_code(user, codes[1]).ok


def test_reset_clears_everything_and_ends_every_session(user):
    admin = factories.user("admin")
    sessions.start(user)
    two_step.reset(user, actor=admin, version=user.version)
    assert (user.totp_secret, user.totp_confirmed_at, user.totp_last_step) == (None, None, None)
    assert two_step.recovery_codes_left(user) == 0
    assert db.session.scalar(select(func.count(UserSession.id)).where(
        UserSession.user_id == user.id, UserSession.ended_reason == "two_step_reset")) == 1
    assert not two_step.check_code(user, "123456").ok


def test_reset_refuses_a_stale_version_and_ones_own_account(user):
    admin = factories.user("admin")
    with pytest.raises(Conflict):
        two_step.reset(user, actor=admin, version=user.version - 1)
    with pytest.raises(Conflict):
        two_step.reset(admin, actor=admin, version=admin.version)


def test_the_qr_code_is_an_inline_svg_with_a_title(user):
    uri = two_step.provisioning_uri(user, user.totp_secret, "Police diversion")
    assert uri.startswith("otpauth://totp/Police%20diversion:") and "issuer=Police%20diversion" in uri
    svg = str(two_step.qr_code_svg(uri, "QR code for the app"))
    assert svg.startswith('<svg role="img"') and "<title>QR code for the app</title>" in svg
    assert "style=" not in svg and "<script" not in svg  # nothing the CSP would have to allow
