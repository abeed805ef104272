"""Exports that cannot be cut off (issue 14, part 2): the case-level export is a job whose file is stored whole or
not at all, ends with a trailer that counts its rows, and is downloaded by its requester alone."""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from diversion import clock, export_runner
from diversion.domain import exports as rules
from diversion.extensions import db
from diversion.models import AuditEvent, ExportChunk, ExportJob, User
from diversion.services import export_jobs, reports
from tests.export_files import ask_and_download, without_trailer
from tests.web.conftest import make_contract  # noqa: F401  (a fixture)

URL = "/reports/export/checkpoint-cases?period=last_12_months"
PURPOSE = {"purpose": "Quarterly board figures for the PCC"}


def _queue(app, user, *, start=None, end=None) -> int:
    with app.app_context():
        today = clock.today()
        job = export_jobs.request("checkpoint-cases", start or today - timedelta(days=365), end or today,
                                  "Board figures", actor=db.session.get(User, user.id))
        db.session.commit()
        return job.id


def _stored_file(job_id: int) -> bytes:
    return gzip.decompress(b"".join(export_jobs.stored_chunks(job_id)))


def test_a_job_goes_from_queued_to_done_and_its_file_is_whole(app, make_user, make_contract, monkeypatch):
    for _ in range(3):
        make_contract()
    manager = make_user("manager")
    monkeypatch.setitem(app.config, "EXPORT_CHUNK_BYTES", 64)  # several chunks, even for a small file
    job_id = _queue(app, manager)
    with app.app_context():
        assert db.session.get(ExportJob, job_id).status == rules.QUEUED
        assert export_jobs.claim("test") == job_id
        db.session.commit()
        assert db.session.get(ExportJob, job_id).status == rules.RUNNING
        assert export_jobs.claim("test") is None  # nothing else waits
        assert export_runner.run(job_id) == "done"
        db.session.expire_all()
        job = db.session.get(ExportJob, job_id)
        data = _stored_file(job_id)
        chunks = db.session.scalar(sa.select(sa.func.count()).select_from(ExportChunk)
                                   .where(ExportChunk.job_id == job_id))
        assert (job.status, job.error, job.rows) == (rules.DONE, None, 3)
        assert job.bytes == len(data) and job.sha256 == hashlib.sha256(data).hexdigest() and chunks > 1
        assert job.stored_bytes == sum(len(c) for c in export_jobs.stored_chunks(job_id))
        monkeypatch.setattr(export_jobs, "_PIECE_BYTES", 50)  # a download hands the CSV on in bounded pieces
        pieces = list(export_jobs.plain_chunks(job_id))
        assert b"".join(pieces) == data and max(map(len, pieces)) <= 50 and len(pieces) > len(data) // 50
    rows = list(csv.reader(io.StringIO(data.decode())))
    assert rows[0] == list(reports.CASE_COLUMNS) and len(rows) == 5
    assert rows[-1] == ["# rows: 3, complete"] and rules.rows_in_trailer(rows[-1][0]) == 3


def test_the_trailer_says_so_only_of_a_whole_file():
    assert rules.rows_in_trailer(rules.trailer(999_000)) == 999_000
    for cut in ("CP-2026-00001,12,2026-01-02", "# rows: 12", "", "# rows: 12, complet"):
        assert rules.rows_in_trailer(cut) is None


def test_a_manager_asks_waits_and_downloads_and_both_are_recorded(signed_in, make_contract, app):
    make_contract()
    make_contract()
    client, manager = signed_in("manager")
    response, rows = ask_and_download(client, URL, PURPOSE)
    assert len(without_trailer(rows)) == 3  # header and two contracts
    with app.app_context():
        job = db.session.scalar(sa.select(ExportJob))
        asked, downloaded = (db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == action))
                             for action in ("report.export", "report.export_download"))
        assert (asked.actor_id, asked.object_id, asked.justification) == (manager.id, "checkpoint-cases",
                                                                          PURPOSE["purpose"])
        assert (downloaded.actor_id, downloaded.object_type, downloaded.object_id) == (manager.id, "export_job",
                                                                                       str(job.id))
        assert downloaded.details["rows"] == 2 and downloaded.details["sha256"] == job.sha256
        assert hashlib.sha256(response.get_data()).hexdigest() == job.sha256
    page = client.get_page(f"/reports/exports/{job.id}")
    assert "2 rows, complete" in page.get_text(" ", strip=True)
    listing = client.get_page("/reports/exports")
    assert listing.select_one(f"#export-{job.id} .govuk-tag").get_text(strip=True) == "Ready"


def test_a_browser_that_takes_gzip_gets_the_stored_stream_as_it_is(signed_in, make_contract, app):
    make_contract()
    client, _ = signed_in("manager")
    plain, _rows = ask_and_download(client, URL, PURPOSE)
    with app.app_context():
        job_id = db.session.scalar(sa.select(ExportJob.id))
    packed = client.get(f"/reports/exports/{job_id}/download", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert int(packed.headers["Content-Length"]) == len(packed.get_data())
    assert gzip.decompress(packed.get_data()) == plain.get_data()


def test_a_job_that_fails_midway_is_failed_keeps_nothing_and_offers_no_download(signed_in, make_contract, app,
                                                                                 monkeypatch):
    for _ in range(4):
        make_contract()
    whole = reports.case_rows

    def breaks_after_two(*args, **kwargs):
        for number, row in enumerate(whole(*args, **kwargs)):
            if number == 2:
                raise RuntimeError("the database went away")
            yield row

    monkeypatch.setattr(reports, "case_rows", breaks_after_two)
    monkeypatch.setitem(app.config, "EXPORT_CHUNK_BYTES", 16)  # chunks were written before it failed
    client, _ = signed_in("manager")
    asked = client.post_form(URL, PURPOSE)
    assert asked.status_code == 302
    with app.app_context():
        job = db.session.scalar(sa.select(ExportJob))
        assert (job.status, job.error, job.rows, job.sha256) == (rules.FAILED, "export_failed", None, None)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportChunk)) == 0
    page = client.get_page(asked.location)
    assert page.select_one("a[href$='/download']") is None
    assert page.select_one("#export-status").get_text(strip=True) == "Failed"
    assert "ask for it again" in page.select_one("#export-error").get_text()
    download = client.get(f"/reports/exports/{job.id}/download")
    assert download.status_code == 302 and download.location.endswith(f"/reports/exports/{job.id}")


def test_with_a_worker_the_request_only_queues_and_the_worker_makes_it(signed_in, make_contract, app, monkeypatch):
    make_contract()
    monkeypatch.setitem(app.config, "EXPORT_RUNNER", "worker")
    client, _ = signed_in("manager")
    asked = client.post_form(URL, PURPOSE)
    page = client.get_page(asked.location)
    assert page.select_one("#export-status").get_text(strip=True) == "Waiting"
    assert page.select_one("a[href$='/download']") is None
    result = app.test_cli_runner().invoke(args=["exports", "work", "--once"])
    assert result.exit_code == 0 and "Made 1 export" in result.output, result.output
    page = client.get_page(asked.location)
    assert page.select_one("#export-status").get_text(strip=True) == "Ready"
    assert page.select_one("a[href$='/download']") is not None


def test_only_the_requester_may_see_or_download_an_export(signed_in, make_user, make_contract, app):
    make_contract()
    owner, owner_user = signed_in("manager")
    _response, _rows = ask_and_download(owner, URL, PURPOSE)
    with app.app_context():
        job_id = db.session.scalar(sa.select(ExportJob.id))
    for role, status in (("manager", 404), ("admin", 404), ("navigator", 403), ("custody_officer", 403),
                         ("provider", 403)):
        other = app.test_client()
        other.sign_in_as(make_user(role))
        for url in (f"/reports/exports/{job_id}", f"/reports/exports/{job_id}/download"):
            assert other.get(url).status_code == status, (role, url)
        if status == 404:
            assert other.get_page("/reports/exports").select_one(f"#export-{job_id}") is None
    with app.app_context():
        downloads = db.session.scalars(sa.select(AuditEvent.actor_id)
                                       .where(AuditEvent.action == "report.export_download")).all()
    assert downloads == [owner_user.id]
    assert owner.get("/reports/exports/999999").status_code == 404


def test_old_files_expire_and_abandoned_jobs_fail(app, make_user, make_contract, signed_in):
    make_contract()
    client, manager = signed_in("manager")
    _response, _rows = ask_and_download(client, URL, PURPOSE)
    stuck = _queue(app, manager)
    with app.app_context():
        done = db.session.scalar(sa.select(ExportJob.id).where(ExportJob.status == rules.DONE))
        assert export_jobs.claim("a worker that will die", job_id=stuck) == stuck
        db.session.commit()
        later = clock.now() + timedelta(days=8)
        assert export_jobs.fail_abandoned(timedelta(minutes=60), now=later) == 1
        assert export_jobs.expire(timedelta(days=7), now=clock.now()) == 0  # not yet
        assert export_jobs.expire(timedelta(days=7), now=later) == 1
        db.session.commit()
        assert db.session.get(ExportJob, stuck).error == "interrupted"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportChunk)) == 0
        assert db.session.get(ExportJob, done).expired_at is not None
    page = client.get_page(f"/reports/exports/{done}")
    assert page.select_one("#export-status").get_text(strip=True) == "Expired"
    assert client.get(f"/reports/exports/{done}/download").status_code == 302
    result = app.test_cli_runner().invoke(args=["exports", "expire"])
    assert result.exit_code == 0 and "Deleted 0 export file(s)" in result.output, result.output


def test_two_workers_never_take_the_same_job(app, make_user):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("concurrent workers are a PostgreSQL deployment (SQLite runs jobs inline)")
    manager = make_user("manager")
    queued = {_queue(app, manager) for _ in range(30)}
    taken: list[tuple[str, int]] = []
    barrier = threading.Barrier(4)

    def worker(name: str) -> None:
        with app.app_context():
            barrier.wait()
            while (job_id := export_jobs.claim(name)) is not None:
                db.session.commit()
                taken.append((name, job_id))
                time.sleep(0.01)  # making the file
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [job_id for _name, job_id in taken]
    assert sorted(ids) == sorted(queued)  # every job taken, none twice
    assert len({name for name, _ in taken}) > 1  # and the workers shared them
    with app.app_context():
        workers = dict(db.session.execute(sa.select(ExportJob.id, ExportJob.worker)).all())
    assert all(workers[job_id] == name for name, job_id in taken)


def test_a_slow_job_failed_as_abandoned_meanwhile_stays_failed_and_keeps_no_file(app, make_user, make_contract,
                                                                                  monkeypatch):
    make_contract()
    manager = make_user("manager")
    job_id = _queue(app, manager)
    rows = export_jobs._rows

    def slow_rows(job):
        yield from rows(job)
        # ... so slow that another worker, in its own transaction, fails it as abandoned before the file is finished

        def other_worker():
            with app.app_context():
                later = clock.now() + timedelta(minutes=61)
                assert export_jobs.fail_abandoned(timedelta(minutes=60), now=later) == 1
                db.session.commit()
                db.session.remove()
        thread = threading.Thread(target=other_worker)
        thread.start()
        thread.join()

    monkeypatch.setattr(export_jobs, "_rows", slow_rows)
    with app.app_context():
        assert export_jobs.claim("a slow worker", job_id=job_id) == job_id
        db.session.commit()
        assert export_runner.run(job_id) == "failed"
        db.session.expire_all()
        job = db.session.get(ExportJob, job_id)
        assert (job.status, job.error, job.sha256) == (rules.FAILED, "interrupted", None)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportChunk)
                                 .where(ExportChunk.job_id == job_id)) == 0
        assert not export_jobs.downloadable(job, db.session.get(User, manager.id))
