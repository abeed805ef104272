"""The demo data set gives the treatment engagement section figures: onward referrals from both schemes, most
started within three weeks, some later or not at all; loaded once."""
import sqlalchemy as sa

from diversion.extensions import db
from diversion.models import OnwardReferral


def test_demo_onward_referrals_come_from_both_schemes_with_starts_and_load_once(demo_app):
    runner = demo_app.test_cli_runner()
    second = runner.invoke(args=["demo"])
    assert "Treatment engagement: 0 Checkpoint onward referrals made, 0 starts recorded" in second.output
    with demo_app.app_context():
        rows = db.session.execute(sa.select(OnwardReferral.scheme, OnwardReferral.started_on.is_not(None),
                                            OnwardReferral.did_not_start)).all()
    schemes = {scheme for scheme, _started, _no in rows}
    assert schemes == {"checkpoint", "divert"}
    assert sum(1 for _s, started, _n in rows if started) > sum(1 for _s, _st, no in rows if no) > 0
