"""Exports that cannot be cut off (issue 14, part 2): a long export is a job, made in the background, stored whole,
and downloaded by the person who asked for it once it is ready.

Why a job. At a national size (1,000,000 contracts) the ten-year case-level CSV takes longer than the web server's
request timeout; streamed in the request, the worker was killed mid-stream and the manager got a file that looked
whole and was not. As a job nothing depends on how long it takes: the request records the disclosure and queues the
job; a worker process (`flask --app wsgi exports work`, diversion/export_runner.py) makes the file; the requester's
"Your exports" page offers the download only once the job is `done`.

The queue is the `export_jobs` table itself, on the PostgreSQL the app already has: a worker takes the oldest
queued job with `SELECT … FOR UPDATE SKIP LOCKED` and a conditional UPDATE (`… WHERE status = 'queued'`), so two
workers never take the same job and no other machinery (Redis, RQ) is needed for a handful of exports a day. On
SQLite, in development and in the tests (`EXPORT_RUNNER=inline`), the request runs the same job itself, by the
same code, right after committing it.

Where the file lives. In the database, gzip-compressed, in chunks of about a megabyte (`export_chunks`), written in
the transaction that marks the job done: a job is done with every byte of its file or has none (a failure rolls the
chunks back), the app keeps nothing on a local disk (any instance behind the load balancer serves any download),
the runtime role's ordinary grants cover it, and expiry is a DELETE. Compressed, the ten-year file of a million
rows is a few tens of megabytes; files are deleted after `EXPORT_KEEP_DAYS` (`flask --app wsgi exports expire`).
Large objects were not used: they need their own privileges and unlinking, and SQLite has none.

A whole file ends with its trailer (`# rows: N, complete`, diversion/domain/exports.py), and the job records its
rows, bytes and SHA-256, shown beside the download: a file missing the trailer was cut off.
"""
from __future__ import annotations

import hashlib
import io
import zlib
from datetime import date, datetime, timedelta
from typing import Iterable, Iterator

import sqlalchemy as sa

from diversion import audit, clock, csv_safe
from diversion.domain import exports as rules
from diversion.errors import NotFound
from diversion.extensions import db
from diversion.models import ExportChunk, ExportJob
from diversion.services import reports

CHUNK_BYTES = 1024 * 1024  # stored gzip bytes per chunk row
_DRAIN_AT = 256 * 1024  # CSV text gathered before it is hashed and compressed
_PIECE_BYTES = 256 * 1024  # CSV bytes sent at a time to a client that does not take gzip


def request(kind: str, start: date, end: date, purpose: object, *, actor, group_by: str | None = None) -> ExportJob:
    """Record the disclosure (with its stated purpose; 422 without one) and queue the job that makes the file."""
    stated = reports.disclose(kind, start, end, purpose, actor=actor, group_by=group_by)
    job = ExportJob(kind=kind, parameters={"from": start.isoformat(), "to": end.isoformat(), "group_by": group_by},
                    requested_by_id=actor.id, purpose=stated, status=rules.QUEUED)
    db.session.add(job)
    db.session.flush()
    return job


def claim(worker: str, job_id: int | None = None) -> int | None:
    """Take a queued job (the oldest, or `job_id`): mark it running for `worker`. None when there is none to take.
    Two workers never take the same one: SKIP LOCKED passes over a job another is taking, and the UPDATE only
    changes a job that is still queued. The caller commits."""
    query = sa.select(ExportJob.id).where(ExportJob.status == rules.QUEUED)
    if job_id is not None:
        query = query.where(ExportJob.id == job_id)
    found = db.session.scalar(query.order_by(ExportJob.id).limit(1).with_for_update(skip_locked=True))
    if found is None:
        return None
    taken = db.session.execute(sa.update(ExportJob).where(ExportJob.id == found, ExportJob.status == rules.QUEUED)
                               .values(status=rules.RUNNING, started_at=clock.now(), worker=worker[:100]))
    return found if taken.rowcount == 1 else None


def _rows(job: ExportJob) -> Iterable:
    """The export's rows, header first, streamed from the database (services/reports.case_rows, in batches)."""
    start, end = (date.fromisoformat(job.parameters[name]) for name in ("from", "to"))
    if job.kind == "checkpoint-cases":
        yield reports.CASE_COLUMNS
        yield from reports.case_rows(start, end)
    else:
        raise UnknownKind(job.kind)


class UnknownKind(Exception):
    """A job of a kind this version cannot make (failed as `unknown_kind`)."""


class NoLongerRunning(Exception):
    """The job was no longer running when its file was finished (failed as abandoned meanwhile): the file is
    discarded and the job left as it is."""


def write(job: ExportJob, *, chunk_bytes: int = CHUNK_BYTES) -> None:
    """Make the job's file: every row, then the trailer; hashed, compressed and stored in chunks; the job marked
    done with its rows, bytes and SHA-256 (NoLongerRunning if it was failed meanwhile: the caller rolls the file
    back). Memory stays flat (a batch of rows and a chunk at a time). Flushes, never commits: the caller commits
    the file and the status together, or rolls both back."""
    digest, compressor = hashlib.sha256(), zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: a gzip stream
    text, pending = io.StringIO(), bytearray()
    writer = csv_safe.writer(text)
    state = {"bytes": 0, "stored": 0, "seq": 0}

    def store(final: bool = False) -> None:
        while len(pending) >= chunk_bytes or (final and pending):
            piece = bytes(pending[:chunk_bytes])
            del pending[:chunk_bytes]
            db.session.execute(sa.insert(ExportChunk).values(job_id=job.id, seq=state["seq"], data=piece))
            state["seq"] += 1
            state["stored"] += len(piece)

    def drain() -> None:
        data = text.getvalue().encode("utf-8")
        text.seek(0)
        text.truncate(0)
        digest.update(data)
        state["bytes"] += len(data)
        pending.extend(compressor.compress(data))
        store()

    rows = -1  # the header is not a data row
    for values in _rows(job):
        writer.writerow(values)
        rows += 1
        if text.tell() >= _DRAIN_AT:
            drain()
    writer.writerow([rules.trailer(max(rows, 0))])
    drain()
    pending.extend(compressor.flush())
    store(final=True)
    # Done only if still running: a job failed as abandoned meanwhile (a slow but live worker) stays failed, and the
    # caller rolls its file back (its requester was told to ask again).
    finished = db.session.execute(
        sa.update(ExportJob).where(ExportJob.id == job.id, ExportJob.status == rules.RUNNING)
        .values(status=rules.DONE, finished_at=clock.now(), error=None, rows=max(rows, 0), bytes=state["bytes"],
                stored_bytes=state["stored"], sha256=digest.hexdigest()))
    if finished.rowcount != 1:
        raise NoLongerRunning(job.id)
    db.session.flush()


def fail(job_id: int, code: str) -> None:
    """Mark a job failed with a code (no message: an exception's text could hold data). Its file, if any part of
    one was written, went with the rolled-back transaction; this drops any chunk all the same."""
    db.session.execute(sa.delete(ExportChunk).where(ExportChunk.job_id == job_id))
    db.session.execute(sa.update(ExportJob).where(ExportJob.id == job_id, ExportJob.status != rules.DONE)
                       .values(status=rules.FAILED, finished_at=clock.now(), error=code))


def fail_abandoned(limit: timedelta, now: datetime | None = None) -> int:
    """Jobs still running long after any export could take (their worker died mid-way: nothing was committed) are
    failed as `interrupted`, so that their requester asks again rather than waits for ever."""
    now = now or clock.now()
    running = db.session.execute(sa.select(ExportJob.id, ExportJob.started_at)
                                 .where(ExportJob.status == rules.RUNNING)).all()
    abandoned = [job_id for job_id, started in running
                 if rules.is_abandoned(status=rules.RUNNING, started_at=started, now=now, limit=limit)]
    for job_id in abandoned:
        fail(job_id, "interrupted")
    return len(abandoned)


def expire(keep: timedelta, now: datetime | None = None) -> int:
    """Delete the files of jobs finished more than `keep` ago (the job records stay, marked expired)."""
    cutoff = (now or clock.now()) - keep
    old = list(db.session.scalars(sa.select(ExportJob.id).where(
        ExportJob.status == rules.DONE, ExportJob.expired_at.is_(None), ExportJob.finished_at < cutoff)))
    for job_id in old:
        db.session.execute(sa.delete(ExportChunk).where(ExportChunk.job_id == job_id))
    if old:
        db.session.execute(sa.update(ExportJob).where(ExportJob.id.in_(old)).values(expired_at=now or clock.now()))
    return len(old)


def mine(viewer, limit: int = 50) -> list[ExportJob]:
    """The viewer's own exports, newest first (one statement)."""
    return list(db.session.scalars(sa.select(ExportJob).where(ExportJob.requested_by_id == viewer.id)
                                   .order_by(ExportJob.id.desc()).limit(limit)))


def load(job_id: int, viewer) -> ExportJob:
    """The job, if it is the viewer's (anyone else: not found, its existence not revealed)."""
    job = db.session.get(ExportJob, job_id)
    if job is None or not rules.may_see(requested_by_id=job.requested_by_id, viewer_id=viewer.id):
        raise NotFound()
    return job


def downloadable(job: ExportJob, viewer) -> bool:
    return rules.may_download(status=job.status, expired=job.expired_at is not None,
                              requested_by_id=job.requested_by_id, viewer_id=viewer.id)


def record_download(job: ExportJob, viewer) -> None:
    """The file leaving the system: recorded (its disclosure, with the purpose, was recorded when it was asked)."""
    audit.record("report.export_download", actor=viewer, object_type="export_job", object_id=job.id,
                 details={"kind": job.kind, **job.parameters, "rows": job.rows, "sha256": job.sha256})


def stored_chunks(job_id: int, engine: sa.Engine | None = None) -> Iterator[bytes]:
    """The stored gzip stream, a chunk at a time, each read in its own short statement on its own connection (no
    transaction is held open while a slow client downloads). With `engine` given it needs no app context, so a
    response can stream it after its request has ended."""
    engine = engine if engine is not None else db.engine
    seq = 0
    while True:
        with engine.connect() as connection:
            data = connection.scalar(sa.select(ExportChunk.data).where(ExportChunk.job_id == job_id,
                                                                         ExportChunk.seq == seq))
        if data is None:
            return
        yield bytes(data)
        seq += 1


def plain_chunks(job_id: int, engine: sa.Engine | None = None) -> Iterator[bytes]:
    """The CSV itself, decompressed as it goes (for a client that does not accept gzip)."""
    inflate = zlib.decompressobj(31)
    for data in stored_chunks(job_id, engine):
        while data:  # a megabyte of gzip can be ten of CSV: handed on in pieces of at most _PIECE_BYTES
            out = inflate.decompress(data, _PIECE_BYTES)
            data = inflate.unconsumed_tail
            if out:
                yield out
    rest = inflate.flush()
    if rest:
        yield rest
