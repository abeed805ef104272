"""Redaction review (domain/redaction.py): free text that may hold someone else's personal data is found and said
why; the subject's own names and details are theirs to see; nothing is ever removed; no text makes it fail."""
from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from diversion.domain import redaction
from diversion.domain.subject_access import deadline, in_time

SUBJECT = ["Jade", "Wetherell"]


def flagged(text: str, own_names=SUBJECT, own_details=()) -> list[tuple[str, str]]:
    return [(span.kind, text[span.start:span.end]) for span in redaction.find(text, own_names, own_details)]


@pytest.mark.parametrize("text, expected", [
    ("Spoke to her brother Tom Smith about the food bank.", [("name", "Tom Smith")]),
    ("Karen drove her to the appointment.", [("name", "Karen")]),
    ("Met with PC Hughes and Sarah at the station.", [("name", "Hughes"), ("name", "Sarah")]),
    ("Her mum Karen's car was outside.", [("name", "Karen's")]),
    ("Call 07700 900123 after six.", [("phone", "07700 900123")]),
    ("Landline (0191) 384 1234 or +44 7700 900456.", [("phone", "(0191) 384 1234"), ("phone", "+44 7700 900456")]),
    ("Emailed tom.smith@example.org with the dates.", [("email", "tom.smith@example.org")]),
    ("Staying with a friend at DH1 3HP for now.", [("postcode", "DH1 3HP")]),
    ("lives at sr2 8ta", [("postcode", "sr2 8ta")]),
    ("Picked up in a car, AB12 CDE, by a friend.", [("vehicle_registration", "AB12 CDE")]),
    ("Co-defendant DOB 03/04/1990 was not referred.", [("date_of_birth", "DOB 03/04/1990")]),
    ("Her son, born on 12 March 2015, lives with her.", [("date_of_birth", "born on 12 March 2015")]),
    ("The victim, aged 34, wants a letter.", [("age", "aged 34")]),
])
def test_third_party_details_are_flagged_with_what_they_are(text, expected):
    assert flagged(text) == expected


@pytest.mark.parametrize("text", [
    "Attended on Monday. Completed 3 hours at the food bank.",
    "Phoned to remind them of Thursday's appointment. They confirmed.",
    "Jade Wetherell attended. Wetherell's attendance is good.",
    "Needs assessment done across the pathways; agreed the conditions together.",
    "Volunteer at the food bank for 24 hours. Write a letter of apology.",
    "Referred to the NHS drug and alcohol service (GPS tag not needed).",
    "Session on 12/03/2026 at 10:30, 3 hours.",
    "",
])
def test_ordinary_case_notes_and_the_subjects_own_names_are_not_flagged(text):
    assert flagged(text) == []


def test_the_subjects_names_are_recognised_whatever_their_accents_or_case():
    assert flagged("ŁUKASZ came with Łukasz's sister Anna.", own_names=["Lukasz Wisniewski"]) == [("name", "Anna")]


def test_the_subjects_own_contact_details_are_theirs_to_see():
    text = "Call her on 07700 900999 or her partner on 07700 900123; jade@example.org"
    assert flagged(text, own_details=["+44 7700 900999", "JADE@example.org"]) == [("phone", "07700 900123")]


def test_each_span_says_why_in_words():
    [span] = redaction.find("Her partner Liam was there.", SUBJECT)
    assert span.reason == "A name that is not the subject's own"
    assert span.as_json() == {"start": 12, "end": 16, "kind": "name", "reason": span.reason}


def test_anything_that_is_not_text_has_nothing_to_flag():
    for value in (None, 42, ["Tom Smith"], b"Tom Smith"):
        assert redaction.find(value, SUBJECT) == []


@settings(max_examples=400, deadline=None)
@given(text=st.text(), names=st.lists(st.text(max_size=20), max_size=3),
       details=st.lists(st.text(max_size=20), max_size=3))
@example(text="\x00\ud800 Tom \U0001F600 07700 900123", names=["\ud800"], details=[""])
@example(text="O'Neill-Smith ’s  Ǆemal ß", names=["ǅ"], details=[])
def test_any_text_gives_spans_inside_it_in_order_never_overlapping(text, names, details):
    spans = redaction.find(text, names, details)
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        assert span.kind in redaction.REASONS and span.reason == redaction.REASONS[span.kind]
    for earlier, later in zip(spans, spans[1:]):
        assert earlier.end <= later.start


@settings(max_examples=200, deadline=None)
@given(before=st.text(alphabet=st.characters(categories=["Ll", "Zs", "Nd"]), max_size=40),
       after=st.text(alphabet=st.characters(categories=["Ll", "Zs", "Nd"]), max_size=40))
def test_an_email_address_is_flagged_wherever_it_sits_in_lower_case_text(before, after):
    text = f"{before} tom.smith@example.org {after}"
    assert ("email", "tom.smith@example.org") in flagged(text)


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(["Jade", "Wetherell", "JADE", "wetherell"]),
       filler=st.text(alphabet="abc .,", max_size=30))
def test_the_subjects_own_names_are_never_flagged_as_names(name, filler):
    assert [kind for kind, _ in flagged(f"{filler} {name} {filler}") if kind == "name"] == []


def test_a_long_text_is_read_quickly():
    import time

    text = ("a" * 20_000) + ("Tom " * 2000) + ("0" * 5000) + ("@" * 2000) + ("Ab1 " * 2000)
    started = time.perf_counter()
    redaction.find(text, SUBJECT)
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize("received, due", [
    (date(2026, 3, 14), date(2026, 4, 14)),
    (date(2026, 1, 31), date(2026, 2, 28)),   # no 31 February: the month's last day
    (date(2028, 1, 31), date(2028, 2, 29)),
    (date(2026, 12, 5), date(2027, 1, 5)),
])
def test_the_answer_is_due_one_calendar_month_after_the_request_arrived(received, due):
    assert deadline(received) == due
    assert in_time(received, due) and not in_time(received, date.fromordinal(due.toordinal() + 1))
