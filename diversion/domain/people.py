"""People: the codes and formats we record about them (matching one record to another: domain/identity.py)."""
from __future__ import annotations

import re

GENDERS = {"female": "Female", "male": "Male", "other": "Other", "not_stated": "Not stated"}

# 2021 census ethnic groups (England and Wales), as snake_case codes.
ETHNICITIES = {
    "asian_bangladeshi": "Asian or Asian British: Bangladeshi",
    "asian_chinese": "Asian or Asian British: Chinese",
    "asian_indian": "Asian or Asian British: Indian",
    "asian_pakistani": "Asian or Asian British: Pakistani",
    "asian_other": "Asian or Asian British: any other Asian background",
    "black_african": "Black, Black British, Caribbean or African: African",
    "black_caribbean": "Black, Black British, Caribbean or African: Caribbean",
    "black_other": "Black, Black British, Caribbean or African: any other Black background",
    "mixed_white_asian": "Mixed or multiple: White and Asian",
    "mixed_white_black_african": "Mixed or multiple: White and Black African",
    "mixed_white_black_caribbean": "Mixed or multiple: White and Black Caribbean",
    "mixed_other": "Mixed or multiple: any other mixed background",
    "white_british": "White: English, Welsh, Scottish, Northern Irish or British",
    "white_irish": "White: Irish",
    "white_gypsy_irish_traveller": "White: Gypsy or Irish Traveller",
    "white_roma": "White: Roma",
    "white_other": "White: any other White background",
    "other_arab": "Other ethnic group: Arab",
    "other_any": "Other ethnic group: any other ethnic group",
    "not_stated": "Not stated",
}

NAME_MAX = 100
# PNC ids look like 2019/0123456A (year, serial, check letter); older ones use a two-digit year.
PNC_PATTERN = re.compile(r"^(\d{2}|\d{4})/\d{1,7}[A-Z]$")
# The shape of a UK postcode once normalised: an outward code (A9, A99, AA9, AA99, A9A, AA9A), one space, an
# inward code (9AA). ASCII digits only: `\d` would let other scripts' digits through.
POSTCODE_PATTERN = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR) [0-9][A-Z]{2}$")
POSTCODE_PROBLEM = "Enter a real postcode, like DH1 3HP"


EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()-]{5,30}$")


def normalise_pnc(value: str) -> str:
    return value.strip().upper()


def normalise_postcode(value: str) -> str:
    """Upper case with one space before the last three characters: 'dh13hp' → 'DH1 3HP'."""
    compact = "".join(value.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def uk_postcode(value: str) -> str | None:
    """The postcode as it is written ('dh13hp', ' Dh1 3hp ' → 'DH1 3HP'), or None when it does not have the
    shape of a UK postcode. The one rule for every place a postcode is entered (a referral's person, a
    DIVERT person, contact details)."""
    normalised = normalise_postcode(value)
    return normalised if POSTCODE_PATTERN.match(normalised) else None


# The language a person wants their letters and contract in (Checkpoint Cymru). Not asked: English.
ENGLISH, WELSH = "english", "welsh"
LANGUAGES = {ENGLISH: "English", WELSH: "Welsh (Cymraeg)"}
