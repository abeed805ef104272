"""One person, one record: when a referral belongs to someone already known (api-contract.md "Referral").

The rule in plain words:
  * Names are compared after folding: upper and lower case are the same, accents and other marks are
    dropped (é is e, Ł is L, Ø is O, ß is ss, Æ is ae), and everything that is not a letter or a digit
    (spaces, hyphens, apostrophes of any kind, dots) is ignored. So "Łukasz Wiśniewski" is
    "lukasz wisniewski" and "O'Neill-Smith" is "ONeill Smith". Letters of other scripts stay letters.
  * A referral whose PNC id belongs to a known person is that person, provided the folded name and the
    date of birth agree. If either differs it is a clash: nothing is saved and nothing about the stored
    person is disclosed.
  * Otherwise a referral is a known person when the date of birth and the folded name are the same and
    their PNC ids do not contradict each other (one of them has none, or they are equal). Two such people
    make the referral ambiguous; none makes it a new person.
  * People born the same day whose names are similar, but who are not the person linked, are listed as
    possible duplicates for someone to look at. They are never linked automatically.

Pure Python: this module must not import from outside `diversion.domain`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

PNC_MATCH = "pnc_match"
NAME_MATCH = "name_match"
PNC_CLASH = "pnc_clash"
AMBIGUOUS = "ambiguous"
NEW = "new"

MAX_QUERY_WORDS = 6

# Plain forms of letters whose mark is built in, which Unicode decomposition leaves alone.
# They are looked up after case folding, so only the lower-case forms are needed.
_PLAIN_FORMS = str.maketrans({
    "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae", "œ": "oe",
    "ı": "i", "ħ": "h", "ŋ": "n", "ŧ": "t", "ŀ": "l", "ĸ": "k", "ſ": "s",
    # Apostrophes, primes and turned commas that Unicode counts as letters (ʹ ʺ ʻ ʼ ʽ ʾ ʿ ˈ ˮ): dropped,
    # like the punctuation apostrophes ' and ’, so that "OʼNeill" is "ONeill".
    **dict.fromkeys("\u02b9\u02ba\u02bb\u02bc\u02bd\u02be\u02bf\u02c8\u02ee", ""),
})

_QUERY_SEPARATORS = re.compile(r"[\s,]+")


# ---------------------------------------------------------------------------------------------
# Folding names
# ---------------------------------------------------------------------------------------------

def _without_marks(text: str) -> str:
    """Decompose (compatibility form) and drop every combining mark, but the Greek iota subscript (U+0345),
    which is a letter written small: it is the ι that upper case spells out ("ῂ" is "ῊΙ")."""
    decomposed = unicodedata.normalize("NFKD", text).replace("\u0345", "ι")
    return "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))


def _fold_once(text: str) -> str:
    folded = _without_marks(_without_marks(text).casefold())
    folded = folded.translate(_PLAIN_FORMS)
    return "".join(ch for ch in folded if ch.isalnum())


def fold(text: str) -> str:
    """The form in which names are compared: lower case, no accents, letters and digits only."""
    folded = _fold_once(text)
    # One pass is enough for every character of the Unicode version in use; repeating until nothing
    # changes keeps fold(fold(x)) == fold(x) true whatever a future version brings.
    while (again := _fold_once(folded)) != folded:
        folded = again
    return folded


def name_key(given: str, family: str) -> str:
    """The stored matching key: the folded given and family names, separated by a single space."""
    return f"{fold(given)} {fold(family)}"


# ---------------------------------------------------------------------------------------------
# Searching by name
# ---------------------------------------------------------------------------------------------

def query_words(q: str) -> list[str]:
    """The folded words of a search box's text, each once, in the order typed, at most six."""
    words: list[str] = []
    for piece in _QUERY_SEPARATORS.split(q):
        word = fold(piece)
        if word and word not in words:
            words.append(word)
    return words[:MAX_QUERY_WORDS]


SHORT_WORD = 3  # a search word shorter than this must start the first or the last name


def matches_query(key: str, words: list[str]) -> bool:
    """Whether every word is in the name key: a word of three letters or more anywhere (`LIKE '%word%'`), a
    shorter one ("Li", "Ó") at the start of the first or last name (`LIKE 'word%' OR LIKE '% word%'`): a
    one- or two-letter fragment anywhere matches nearly everyone, and no index can find it."""
    return all(word in key if len(word) >= SHORT_WORD else key.startswith(word) or f" {word}" in key
               for word in words)


# ---------------------------------------------------------------------------------------------
# Identities and how alike two names are
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Identity:
    """Who a referral or a known person says they are."""
    given_name: str
    family_name: str
    date_of_birth: date
    pnc_id: str | None = None

    @property
    def key(self) -> str:
        return name_key(self.given_name, self.family_name)


def same_identity(a: Identity, b: Identity) -> bool:
    """The same date of birth and the same folded name."""
    return a.date_of_birth == b.date_of_birth and a.key == b.key


def _ratio(a: str, b: str) -> float:
    # SequenceMatcher can score (a, b) and (b, a) differently, so both orders are tried.
    return max(SequenceMatcher(None, a, b, autojunk=False).ratio(),
               SequenceMatcher(None, b, a, autojunk=False).ratio())


def similarity(given_a: str, family_a: str, given_b: str, family_b: str) -> float:
    """How alike two names are, from 0 to 1, trying both with given and family names swapped."""
    ga, fa, gb, fb = fold(given_a), fold(family_a), fold(given_b), fold(family_b)
    if ga + fa == gb + fb:  # the same letters split differently: "Mary Ann" "Smith" and "Mary" "Ann Smith"
        return 1.0
    a, a_swapped = f"{ga} {fa}", f"{fa} {ga}"
    b, b_swapped = f"{gb} {fb}", f"{fb} {gb}"
    return max(_ratio(a, b), _ratio(a, b_swapped), _ratio(a_swapped, b))


def likely_same(given_a: str, family_a: str, given_b: str, family_b: str, threshold: float = 0.8) -> bool:
    """Whether two names are alike enough to flag the people as a possible duplicate."""
    ga, fa, gb, fb = fold(given_a), fold(family_a), fold(given_b), fold(family_b)
    if not fa or not fb:
        return False
    same_family_same_initial = fa == fb and ga[:1] == gb[:1]
    swapped = ga == fb and fa == gb
    return same_family_same_initial or swapped or similarity(ga, fa, gb, fb) >= threshold


# ---------------------------------------------------------------------------------------------
# Resolving a referral to a known person
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    """A known person."""
    id: int
    identity: Identity


@dataclass(frozen=True)
class Resolution:
    kind: str  # PNC_MATCH, NAME_MATCH, PNC_CLASH, AMBIGUOUS or NEW
    person_id: int | None = None
    possible_duplicates: tuple[int, ...] = ()


def _pnc_ids_agree(a: str | None, b: str | None) -> bool:
    """PNC ids contradict each other only when both are present and differ."""
    return not a or not b or a == b


def _possible_duplicates(typed: Identity, others: list[Candidate], linked: int | None) -> tuple[int, ...]:
    return tuple(sorted({
        c.id for c in others
        if c.id != linked and likely_same(typed.given_name, typed.family_name,
                                          c.identity.given_name, c.identity.family_name)
    }))


def resolve(typed: Identity, pnc_holder: Candidate | None, same_birth_date: list[Candidate]) -> Resolution:
    """Link the typed identity to a known person, report a PNC clash, or find it is ambiguous or new.

    `pnc_holder` is the person holding `typed.pnc_id` (None if there is none); `same_birth_date` is everyone
    born on `typed.date_of_birth`. Anyone in it born on another day is ignored.
    """
    born_same_day = [c for c in same_birth_date if c.identity.date_of_birth == typed.date_of_birth]
    if typed.pnc_id and pnc_holder is not None:
        if not same_identity(typed, pnc_holder.identity):
            return Resolution(PNC_CLASH)
        return Resolution(PNC_MATCH, pnc_holder.id, _possible_duplicates(typed, born_same_day, pnc_holder.id))
    exact = sorted({
        c.id for c in born_same_day
        if same_identity(typed, c.identity) and _pnc_ids_agree(typed.pnc_id, c.identity.pnc_id)
    })
    if len(exact) > 1:
        return Resolution(AMBIGUOUS, possible_duplicates=tuple(exact))
    linked = exact[0] if exact else None
    kind = NAME_MATCH if exact else NEW
    return Resolution(kind, linked, _possible_duplicates(typed, born_same_day, linked))
