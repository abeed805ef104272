"""Export jobs: a long export (the case-level CSV) made in the background and kept for its requester to download.

A job holds what was asked (the kind and its parameters: a period, a grouping; never personal data), who asked and
why, how far it has got, and once done what the file is (rows, bytes, SHA-256). The file itself is stored with the
job, gzip-compressed, in numbered chunks (`export_chunks`): written in the same transaction that marks the job done,
so a job is `done` only with every byte of its file, and a job that failed has none (see
diversion/services/export_jobs.py for why the file lives in the database rather than on a disk).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from diversion import clock
from diversion.models.base import Base, UTCDateTime


class ExportJob(Base):
    __tablename__ = "export_jobs"
    __table_args__ = (
        Index("ix_export_jobs_status_id", "status", "id"),  # the worker's queue: the oldest queued job first
        Index("ix_export_jobs_requested_by_id_id", "requested_by_id", "id"),  # "Your exports", newest first
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)  # an export's name (services/reports.EXPORTS)
    parameters: Mapped[dict] = mapped_column(JSON, nullable=False)  # {"from", "to", "group_by"}: no personal data
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    purpose: Mapped[str] = mapped_column(Text, nullable=False)  # as stated (and audited) when it was asked for
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued")  # queued|running|done|failed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    worker: Mapped[str | None] = mapped_column(String(100))  # host and process that took it ("inline" in a request)
    rows: Mapped[int | None] = mapped_column(Integer)  # data rows, as the file's trailer says
    bytes: Mapped[int | None] = mapped_column(BigInteger)  # the CSV's size as downloaded
    stored_bytes: Mapped[int | None] = mapped_column(BigInteger)  # its gzip-compressed size, as stored
    sha256: Mapped[str | None] = mapped_column(String(64))  # of the CSV as downloaded
    error: Mapped[str | None] = mapped_column(String(40))  # a code, never a message that could hold data
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # its file deleted (the record stays)


class ExportChunk(Base):
    """One piece of a finished export's gzip stream; the file is its chunks in `seq` order."""

    __tablename__ = "export_chunks"

    job_id: Mapped[int] = mapped_column(ForeignKey("export_jobs.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
