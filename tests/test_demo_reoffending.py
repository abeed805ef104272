"""The demo data set gives the reoffending section figures: an earlier cohort whose follow-up has passed, and a
proven reoffending extract for it (completers reoffending least, as the seeds report)."""
from werkzeug.datastructures import MultiDict

from diversion.models import ReoffenceImport
from diversion.extensions import db
from diversion.services import reoffending_report
import sqlalchemy as sa


def test_demo_reoffending_fills_every_outcome_group_at_twelve_months_and_loads_once(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    second = runner.invoke(args=["demo"])
    assert "Reoffending: already loaded" in second.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReoffenceImport)) == 1
        start, end, months, _ = reoffending_report.arguments(MultiDict({"months": "12"}))
        report = reoffending_report.report(start, end, months)
    groups = {g["key"]: g for g in report["groups"]}
    assert all(g["cohort"] > 0 for g in groups.values())
    assert 0 < report["rate"] < 0.5  # "75% have not re-offended"
    assert groups["checkpoint_completed"]["rate"] < groups["checkpoint_breached"]["rate"]
