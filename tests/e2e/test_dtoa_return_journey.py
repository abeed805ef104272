"""A manager, by keyboard, goes from their home page to last month's Drug Testing on Arrest return, reads the funnel
(the chart drawn from its table), picks another month and downloads the return as CSV with a purpose. Each page
axe-core clean, with no script or CSP error."""
from __future__ import annotations

import csv
import io
import threading

import pytest
from werkzeug.serving import make_server

from diversion import clock
from diversion.demo import DEMO_PASSWORD
from diversion.domain import dtoa_return as rules
from diversion.extensions import db
from diversion.services import dtoa_return
from tests import dtoa_rows
from tests.conftest import make_app
from tests.e2e.keyboard import Keyboard
from tests.e2e.test_sign_in_each_role import sign_in_by_keyboard


EXPECTED: dict = {}  # last month's return as the service gives it, demo data and constructed rows together


@pytest.fixture(scope="module")
def live_server(demo_template):
    """The demo data set plus tests in last month and the month before (constructed rows)."""
    with demo_template.copy() as url:
        app = make_app(url)
        last = rules.last_complete_month(clock.today())
        with app.app_context():
            before = dtoa_return.monthly_return(last)  # the demo's own tests that month
            recorder = dtoa_rows.recorder()
            for first, results in ((last, ["cocaine", "both", "opiates", "negative", "negative", "refused"]),
                                   (rules.previous_month(last), ["cocaine", "negative"])):
                for n, result in enumerate(results):
                    day = first.replace(day=n + 1)
                    events = [("initial_assessment_attended", day)] if n == 0 else (
                        [("initial_assessment_missed", day), ("prosecuted_for_non_attendance", day)] if n == 1
                        else [])
                    dtoa_rows.test(dtoa_rows.person(), day, result, recorded_by=recorder, events=events)
            db.session.commit()
            after = dtoa_return.monthly_return(last)
        # The constructed rows add 5 tests, 3 positive, 1 refusal and 1 prosecution to whatever the demo holds.
        assert [after[k] - before[k] for k in ("tested", "assessments_required", "refused",
                                                "prosecuted_for_non_attendance")] == [5, 3, 1, 1]
        EXPECTED.update(after)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_port}"
        server.shutdown()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_manager_reads_last_months_return_and_downloads_it(watched):
    kb, page = Keyboard(watched), watched.page
    last = rules.last_complete_month(clock.today())
    sign_in_by_keyboard(watched, "manager@example.org", DEMO_PASSWORD)
    kb.follow("Drug Testing on Arrest monthly return")
    assert page.locator("h1").inner_text() == f"Monthly return for {last:%B} {last.year}"
    page.wait_for_function("window.Chart && Chart.getChart('funnel-chart')")
    drawn = page.evaluate("Chart.getChart('funnel-chart').data")
    assert drawn["labels"] == page.locator("#funnel-table tbody th").all_inner_texts()
    assert drawn["datasets"][0]["data"][:2] == [EXPECTED["tested"], EXPECTED["assessments_required"]]
    assert page.get_by_role("img", name=page.locator("#funnel-chart").get_attribute("aria-label")).count() == 1
    watched.screenshot("dtoa-return")

    previous = rules.previous_month(last)
    kb.pick("#month", f"{previous:%B}")
    kb.press("Show return")
    assert page.locator("h1").inner_text() == f"Monthly return for {previous:%B} {previous.year}"

    watched.goto(f"/reports/dtoa?month={last:%Y-%m}")
    kb.follow(f"Download CSV of the return for {last:%B} {last.year}")
    kb.type("#purpose", "Home Office monthly return")
    page.get_by_role("button", name="Download CSV").focus()
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    rows = {row[1]: row[2] for row in csv.reader(io.StringIO(open(download.value.path()).read()))}
    assert (rows["month"], rows["tested"], rows["refused"], rows["prosecuted_for_non_attendance"]) == (
        f"{last:%Y-%m}", *(str(EXPECTED[k]) for k in ("tested", "refused", "prosecuted_for_non_attendance")))
    assert watched.problems == []
