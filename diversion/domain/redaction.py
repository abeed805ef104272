"""Redaction review: where a text may hold someone else's personal data. A subject access answer may be restricted
to protect the rights and freedoms of others (DPA 2018 s.45(4)(e)); someone has to find those parts first.

The rule finds likely third-party data in free text and says why; it never removes anything. A person reads every
flagged text before the answer is released, and decides. What it looks for:
  * email addresses, UK phone numbers, UK postcodes, vehicle registrations (current and prefix formats);
  * a date given as someone's date of birth ("born 3/4/1990", "DOB 1990-04-03") and an age ("aged 34");
  * name-like words: a capitalised word (or run of them) that is not one of the subject's own names, not a common
    word (days, months, pronouns, words notes often start with: "Met", "Spoke", "Took"), and not an acronym. At
    the start of a sentence a word ending like a verb or adverb ("Attended", "Phoning", "Briefly") is not counted.
    So "Karen drove her home" is flagged (Karen) and "Attended on time" is not; place names ("Durham") are
    flagged too, and a reviewer passes them.
The flags help a reviewer; they do not replace reading the text. Pure Python: no imports outside `domain`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from diversion.domain.identity import fold

EMAIL, PHONE, POSTCODE, VEHICLE, BIRTH_DATE, AGE, NAME = (
    "email", "phone", "postcode", "vehicle_registration", "date_of_birth", "age", "name")
REASONS = {
    EMAIL: "An email address",
    PHONE: "A phone number",
    POSTCODE: "A postcode",
    VEHICLE: "A vehicle registration",
    BIRTH_DATE: "A date of birth",
    AGE: "Someone's age",
    NAME: "A name that is not the subject's own",
}
REVIEW_MESSAGE = "Review before release: may name a third party"


@dataclass(frozen=True)
class Span:
    """`text[start:end]` may be a third party's personal data, of `kind`, for `reason`."""

    start: int
    end: int
    kind: str
    reason: str

    def as_json(self) -> dict:
        return {"start": self.start, "end": self.end, "kind": self.kind, "reason": self.reason}


_MONTHS = ("january february march april may june july august september october november december "
           "jan feb mar apr jun jul aug sep sept oct nov dec")
_NUMERIC_DATE = r"\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}"
_WORDY_DATE = r"\d{1,2}(?:st|nd|rd|th)?\s+(?:" + "|".join(_MONTHS.split()) + r")\.?,?\s+\d{4}"

# Every repetition is bounded, so that no text (a note may hold 20,000 characters) makes a pattern backtrack long.
_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    (EMAIL, re.compile(r"(?<![\w.+\-])[\w.+\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63}){1,8}")),
    (BIRTH_DATE, re.compile(r"\b(?:born|dob|d\.o\.b\.?|date of birth)\s{0,3}(?:[:\-]\s{0,3})?(?:on\s{1,3})?"
                            r"(?:" + _NUMERIC_DATE + "|" + _WORDY_DATE + r")", re.IGNORECASE)),
    (PHONE, re.compile(r"(?<![\w+])(?:\+44 ?(?:\(0\) ?)?|\(?0)(?:\d[ \-)]{0,2}){8,9}\d(?![\w])")),
    (POSTCODE, re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s{0,2}\d[A-Z]{2}\b", re.IGNORECASE)),
    (VEHICLE, re.compile(r"\b(?:[A-Z]{2}\d{2}\s?[A-Z]{3}|[A-Z]\d{1,3}\s?[A-Z]{3})\b")),
    (AGE, re.compile(r"\baged\s{1,3}\d{1,3}\b|\b\d{1,3}[\s\-]{1,2}years?[\s\-]{1,2}old\b", re.IGNORECASE)),
)

# A word: letters, joined by apostrophes or hyphens ("O'Neill", "Smith-Jones", "Nkemelu").
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")
_VERB_LIKE = re.compile(r"(?:ed|ing|ly)$")
_SENTENCE_ENDS = frozenset(".!?:;\n\"\u201c\u201d()[]*-\u2022")

# Capitalised words that are not names: calendar words, pronouns, words notes often start with, the schemes' words.
_COMMON = frozenset(f"""
{_MONTHS} monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
i i'm i've i'll i'd me my mine we us our you your he him his she her hers they them their it its
a an the this that these those there here then than and or but if so as at by for from in into of on onto to
up with without no not yes ok okay also after before when while where which who what why how all any some
each every both either neither other another such own same more most much many few less least once again
mr mrs ms miss mx dr pc dc ps ds sgt
is was were be been being am are has have had do does did will would shall should can could may might must
met meeting meet spoke speak took take gave give went go came come got get saw see made make left
brought bring sent send rang ring kept keep found find thought felt says told tells seems seemed
needs need wants want volunteer volunteers enrol enrols register registers write writes wear wears apologise
pay pays repair return returns stay stays avoid avoids engage engages join joins take takes keep keeps
landline mobile number address postcode co-defendant defendant suspect accused
work works help helps remain remains report reports reported explain use uses stop stops tell reduce
 phoned phone called call rang texted text emailed email wrote letter visited
visit attended attend attendance missed cancelled cancel booked book arranged discussed agreed advised told
said asked explained reviewed review checked confirmed completed complete started start ended finished
contact contacted session sessions appointment appointments note notes update progress hours hour
client participant person subject offender navigator provider officer custody police court station
contract condition conditions checkpoint divert referral referred referrals assessment assessed outcome
breach breached warning victim pathway pathways community unpaid work service services team office home
drug drugs alcohol cannabis cocaine ketamine heroin crack mental health housing accommodation
street road lane avenue close drive court centre center hospital surgery clinic bank food council
please thanks thank dear regards kind hi hello
first second third next last new old good well fine
""".split())


def find(text: object, own_names: Iterable[str] = (), own_details: Iterable[str] = ()) -> list[Span]:
    """Where `text` may hold a third party's personal data, in order, never overlapping. `own_names` are the
    subject's names and `own_details` their own phone numbers, emails, postcodes and dates of birth (as recorded
    anywhere): theirs to see, so not flagged. Anything that is not text has no spans."""
    if not isinstance(text, str) or not text:
        return []
    own = {fold(word) for name in own_names if isinstance(name, str) for word in _WORD.findall(name)} - {""}
    details = {_compact(value) for value in own_details if isinstance(value, str)} - {""}
    spans: list[Span] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if kind == PHONE and not _looks_like_phone(match.group()):
                continue
            if kind in (EMAIL, PHONE, POSTCODE) and _compact(match.group()) in details:
                continue
            if not any(_overlap(start, end, s) for s in spans):
                spans.append(Span(start, end, kind, REASONS[kind]))
    spans += [span for span in _names(text, own) if not any(_overlap(span.start, span.end, s) for s in spans)]
    return sorted(spans, key=lambda span: span.start)


def _compact(value: str) -> str:
    """A detail as compared: case, spaces, hyphens and brackets ignored; +44 is a leading 0."""
    plain = re.sub(r"[\s\-()]", "", value.casefold())
    return "0" + plain[3:].removeprefix("0") if plain.startswith("+44") else plain


def _overlap(start: int, end: int, span: Span) -> bool:
    return start < span.end and span.start < end


def _looks_like_phone(candidate: str) -> bool:
    digits = "".join(ch for ch in candidate if ch.isdigit())
    if candidate.startswith("+"):
        digits = digits.removeprefix("44").removeprefix("0")
        return len(digits) in (9, 10)
    return digits.startswith("0") and len(digits) in (10, 11)


def _names(text: str, own: set[str]) -> list[Span]:
    words = list(_WORD.finditer(text))
    flagged: list[tuple[int, int]] = []
    for index, match in enumerate(words):
        word = match.group()
        if not _name_like(word, own):
            continue
        before = text[words[index - 1].end():match.start()] if index else text[:match.start()]
        starts_sentence = index == 0 or any(ch in _SENTENCE_ENDS for ch in before)
        if starts_sentence and _VERB_LIKE.search(word):  # "Attended", "Phoning", "Briefly": not a name
            continue
        flagged.append(match.span())
    return [Span(start, end, NAME, REASONS[NAME]) for start, end in _joined(flagged, text)]


def _name_like(word: str, own: set[str]) -> bool:
    if not word[0].isupper() or (len(word) > 1 and word.isupper()):  # lower case, or an acronym (NHS, GPS)
        return False
    bare = re.sub(r"['\u2019][sS]$", "", word)  # "Karen's" is Karen
    if bare.casefold() in _COMMON or word.casefold() in _COMMON:
        return False
    return fold(bare) not in own and fold(word) not in own


def _joined(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Adjacent name-like words separated only by spaces are one name ("Tom Smith")."""
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and text[joined[-1][1]:start].strip(" ") == "":
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined
