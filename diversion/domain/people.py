"""People: the codes we record about them, and when two records probably describe the same person."""
from __future__ import annotations

import difflib
import re
import unicodedata

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
POSTCODE_PATTERN = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")


def normalise_pnc(value: str) -> str:
    return value.strip().upper()


def _fold(name: str) -> str:
    """Lower case, accents removed, only letters: 'Zoë O’Brien' → 'zoeobrien'."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if ch.isalpha() and not unicodedata.combining(ch))


def similar_names(given_a: str, family_a: str, given_b: str, family_b: str, threshold: float = 0.8) -> bool:
    """Probably the same name: close spelling of the whole name, or the same family name and first initial,
    or given and family names swapped."""
    a_given, a_family, b_given, b_family = map(_fold, (given_a, family_a, given_b, family_b))
    if not (a_family and b_family):
        return False
    if a_family == b_family and a_given[:1] == b_given[:1]:
        return True
    if a_given == b_family and a_family == b_given:
        return True
    return difflib.SequenceMatcher(None, a_given + " " + a_family, b_given + " " + b_family).ratio() >= threshold
