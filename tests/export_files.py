"""Asking for a long export as a manager does (it is a job): post the purpose, land on the job's page, download."""
from __future__ import annotations

import csv
import io

from diversion.domain import exports as rules


def ask_and_download(client, url: str, data: dict) -> tuple[object, list[list[str]]]:
    """The download's response and the CSV's rows, trailer included (the job ran inline when it was asked)."""
    asked = client.post_form(url, data)
    assert asked.status_code == 302 and "/reports/exports/" in asked.location, (asked.status_code, asked.location)
    page = client.get_page(asked.location)
    link = page.select_one("a.govuk-button[href$='/download']")
    assert link is not None, page.select_one("#export-status")
    response = client.get(link["href"])
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return response, list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def without_trailer(rows: list[list[str]]) -> list[list[str]]:
    """The rows before the trailer, checking that the trailer is there and counts them."""
    assert rows and len(rows[-1]) == 1 and rules.rows_in_trailer(rows[-1][0]) == len(rows) - 2, rows[-1:]
    return rows[:-1]
