"""One person, one record (api-contract.md "Referral").

The rules, as the contract states them:
  * Names are compared once folded: case, accents and diacritics (Ł is L, é is e), spaces, hyphens and
    apostrophes are ignored. "Łukasz Wiśniewski" = "lukasz wisniewski"; "O'Neill-Smith" = "ONeill Smith".
  * A referral whose PNC id is held by a known person is that person if name and date of birth agree;
    if they do not it is a clash (409 identity_mismatch) that discloses nothing about the stored person.
  * Without a PNC id (or with the same one) the same date of birth and the same folded name link it.
  * Same date of birth and a similar name, with a different or missing PNC id: a possible duplicate.
"""
from __future__ import annotations

import sys
import unicodedata
from datetime import date

import pytest
from hypothesis import assume, given, settings, strategies as st

from diversion.domain.identity import (
    AMBIGUOUS, NAME_MATCH, NEW, PNC_CLASH, PNC_MATCH, Candidate, Identity, Resolution, fold, likely_same,
    matches_query, name_key, query_words, resolve, same_identity, similarity,
)

PROPERTY = settings(max_examples=300, deadline=None)

BORN = date(1990, 4, 2)
SEPARATORS = " -'’ʼ`‘"
# Accents, less the Greek iota subscript (U+0345), which is a letter written small (see fold).
COMBINING_ACCENTS = st.characters(min_codepoint=0x300, max_codepoint=0x36F, blacklist_characters="\u0345")
CASE_CHANGES = (str.upper, str.lower, str.title, str.swapcase, str.casefold)
names = st.text(max_size=20)
latin_names = st.text(alphabet="abcdeéiloszAEŁ '-", max_size=10)  # small, so names often look alike


@st.composite
def with_accents(draw, text: str) -> str:
    """`text` with combining accents (U+0300..U+036F) added after some of its letters."""
    return "".join(ch + (draw(st.text(COMBINING_ACCENTS, max_size=2)) if ch.isalpha() else "") for ch in text)


@st.composite
def with_separators(draw, text: str) -> str:
    """`text` with spaces, hyphens and apostrophes put between some of its characters."""
    return "".join(draw(st.text(SEPARATORS, max_size=2)) + ch for ch in text)


@st.composite
def typed_differently(draw, text: str) -> str:
    """The same name as someone else might type it: other case, accents, spaces, hyphens, apostrophes."""
    changed = draw(st.sampled_from(CASE_CHANGES))(text)
    return draw(with_separators(draw(with_accents(changed))))


def person(id: int, given: str, family: str, born: date = BORN, pnc: str | None = None) -> Candidate:
    return Candidate(id, Identity(given, family, born, pnc))


def referral(given: str, family: str, born: date = BORN, pnc: str | None = None) -> Identity:
    return Identity(given, family, born, pnc)


# ---------------------------------------------------------------------------------------------
# Folding: the contract's examples
# ---------------------------------------------------------------------------------------------

def test_lukasz_wisniewski_with_his_polish_letters_is_lukasz_wisniewski_without_them():
    assert name_key("Łukasz", "Wiśniewski") == name_key("lukasz", "wisniewski") == "lukasz wisniewski"


def test_o_neill_smith_with_apostrophe_and_hyphen_is_oneill_smith():
    assert name_key("Siobhan", "O'Neill-Smith") == name_key("siobhan", "ONeill Smith")
    assert name_key("Siobhan", "O'Neill-Smith") == "siobhan oneillsmith"


def test_zoe_with_a_diaeresis_is_zoe_whether_the_accent_is_composed_or_separate():
    assert fold("Zoë") == fold("Zoe\u0308") == fold("ZOE") == "zoe"


@pytest.mark.parametrize("written, folded", [
    ("Søren Ø", "soreno"), ("Strauß", "strauss"), ("STRAUSS", "strauss"), ("ẞ", "ss"), ("Ærø", "aero"),
    ("Œuvre", "oeuvre"), ("Þór", "thor"), ("Đorđe", "dorde"), ("Guðrún", "gudrun"), ("Kılıç", "kilic"),
    ("Ħaġar", "hagar"), ("Ŋ", "n"), ("Ŧ", "t"), ("Ŀl", "ll"), ("ĸ", "k"), ("ſ", "s"), ("Ñúñez", "nunez"),
])
def test_letters_with_a_built_in_mark_fold_to_plain_letters(written, folded):
    assert fold(written) == folded


@pytest.mark.parametrize("apostrophe", ["'", "’", "‘", "ʼ", "ʻ", "`", ""])
def test_every_kind_of_apostrophe_is_ignored(apostrophe):
    assert fold(f"O{apostrophe}Brien") == "obrien"


def test_dots_commas_spaces_and_hyphens_vanish():
    assert fold(" St. John-Smith, Jr. ") == "stjohnsmithjr"


@pytest.mark.parametrize("written, folded", [
    ("Мария", "мария"), ("محمد", "محمد"), ("王伟", "王伟"), ("ΣΑΣ", "σασ"), ("σας", "σασ"),
])
def test_letters_of_other_scripts_stay_letters(written, folded):
    assert fold(written) == folded


def test_the_greek_iota_subscript_is_the_iota_it_stands_for():
    # U+0345 is written as a mark but is a letter: upper case spells it out as a capital iota ("ᾳ" is "ΑΙ").
    assert fold("ᾳ") == fold("α\u0345") == fold("ΑΙ") == fold("ᾼ") == "αι"


# ---------------------------------------------------------------------------------------------
# Folding: properties
# ---------------------------------------------------------------------------------------------

@PROPERTY
@given(st.text())
def test_folding_twice_is_the_same_as_folding_once(text):
    assert fold(fold(text)) == fold(text)


def test_folding_twice_is_the_same_as_folding_once_for_every_assigned_character():
    # Folding treats each character on its own, so checking every one covers every string.
    assigned = (chr(c) for c in range(sys.maxunicode + 1))
    for ch in assigned:
        if unicodedata.category(ch) not in ("Cn", "Co", "Cs"):
            assert fold(fold(ch)) == fold(ch), hex(ord(ch))


@PROPERTY
@given(st.text())
def test_a_folded_name_holds_only_letters_and_digits(text):
    assert all(ch.isalnum() for ch in fold(text))


@PROPERTY
@given(names, names, st.text(), st.data())
def test_adding_accents_after_letters_changes_neither_the_key_nor_a_match(given_name, family, q, data):
    accented = name_key(data.draw(with_accents(given_name)), data.draw(with_accents(family)))
    assert accented == name_key(given_name, family)
    assert matches_query(accented, query_words(data.draw(with_accents(q)))) == \
        matches_query(name_key(given_name, family), query_words(q))


@PROPERTY
@given(names, names, st.text(), st.sampled_from(CASE_CHANGES), st.sampled_from(CASE_CHANGES))
def test_changing_case_changes_neither_the_key_nor_a_match(given_name, family, q, case, query_case):
    key = name_key(case(given_name), case(family))
    assert key == name_key(given_name, family)
    assert matches_query(key, query_words(query_case(q))) == matches_query(key, query_words(q))


@PROPERTY
@given(names, names, st.text(), st.data())
def test_spaces_hyphens_and_apostrophes_in_a_name_change_neither_the_key_nor_a_match(given_name, family, q,
                                                                                      data):
    key = name_key(data.draw(with_separators(given_name)), data.draw(with_separators(family)))
    assert key == name_key(given_name, family)
    assert matches_query(key, query_words(q)) == matches_query(name_key(given_name, family), query_words(q))


@PROPERTY
@given(st.text(), st.data())
def test_hyphens_and_apostrophes_in_a_search_change_nothing(q, data):
    inserted = "".join(data.draw(st.text("-'’ʼ`", max_size=2)) + ch for ch in q)
    assert query_words(inserted) == query_words(q)


@pytest.mark.parametrize("q, found", [("li", True), ("wei", True), ("w li", True), ("ei", False), ("i", False)])
def test_a_word_shorter_than_three_letters_must_start_the_first_or_last_name(q, found):
    assert matches_query(name_key("Wei", "Li"), query_words(q)) is found


# ---------------------------------------------------------------------------------------------
# Searching by name
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["Wisniewski", "wiśniewski", "WISNIEWSKI lukasz", "Łukasz, Wiśniewski", "niew"])
def test_a_search_without_the_polish_letters_finds_wisniewski(q):
    assert matches_query(name_key("Łukasz", "Wiśniewski"), query_words(q))


@pytest.mark.parametrize("q", ["O'Neill-Smith", "oneill smith", "smith o’neill", "ONEILLSMITH", "Siobhan O"])
def test_o_neill_smith_is_found_however_it_is_typed(q):
    assert matches_query(name_key("Siobhan", "O'Neill-Smith"), query_words(q))


@pytest.mark.parametrize("q", ["Smyth", "oneill jones", "lukasz"])
def test_a_search_needs_every_word_to_be_in_the_name(q):
    assert not matches_query(name_key("Siobhan", "O'Neill-Smith"), query_words(q))


def test_search_words_are_split_on_spaces_and_commas_folded_and_each_kept_once_in_order():
    assert query_words("  Wiśniewski,Łukasz  WISNIEWSKI - ' ,, ") == ["wisniewski", "lukasz"]


def test_a_search_keeps_at_most_six_words():
    assert query_words("a b c d e f g h") == ["a", "b", "c", "d", "e", "f"]


def test_a_search_of_nothing_but_punctuation_has_no_words():
    assert query_words(" - ' , . ") == []


@PROPERTY
@given(st.lists(st.text(st.characters(categories=["L", "N"]), min_size=1), max_size=6), names, names,
       st.data())
def test_search_words_match_the_same_names_in_any_order(words, given_name, family, data):
    key = name_key(given_name, family)
    shuffled = data.draw(st.permutations(words))
    assert matches_query(key, query_words(" ".join(shuffled))) == \
        matches_query(key, query_words(" ".join(words)))


@PROPERTY
@given(names, names)
def test_every_word_of_a_name_typed_as_a_search_finds_that_name(given_name, family):
    """Every word of three letters or more, and the first word of each name however short."""
    key = name_key(given_name, family)
    for word in query_words(f"{given_name} {family}"):
        if len(word) >= 3:
            assert matches_query(key, [word])
    for part in (given_name, family):
        assert matches_query(key, query_words(part)[:1])


# ---------------------------------------------------------------------------------------------
# Same identity, similarity, likely the same person
# ---------------------------------------------------------------------------------------------

def test_the_same_birth_date_and_folded_name_is_the_same_identity():
    assert same_identity(referral("Łukasz", "Wiśniewski"), referral("LUKASZ", "wisniewski", pnc="2019/1A"))


def test_a_different_birth_date_is_never_the_same_identity():
    assert not same_identity(referral("Ann", "Lee"), referral("Ann", "Lee", born=date(1990, 4, 3)))


def test_an_identity_key_is_its_name_key():
    assert referral("Zoë", "O'Neill").key == name_key("Zoe", "ONeill") == "zoe oneill"


def test_a_name_split_differently_between_given_and_family_is_fully_similar():
    assert similarity("Mary Ann", "Smith", "Mary", "Ann Smith") == 1.0


@pytest.mark.parametrize("a, b", [
    (("Jon", "Smith"), ("John", "Smith")),              # similar spelling
    (("Jane", "Smith"), ("Jack", "Smith")),             # same family name and initial
    (("Wei", "Wang"), ("Wang", "Wei")),                 # given and family swapped
    (("Mary Ann", "Smith"), ("Mary", "Ann Smith")),     # split differently
    (("Łukasz", "Wiśniewski"), ("Lukas", "Wisniewski")),
])
def test_names_like_these_are_likely_the_same_person(a, b):
    assert likely_same(*a, *b) and likely_same(*b, *a)


@pytest.mark.parametrize("a, b", [
    (("Zoe", "Brown"), ("Adam", "Brown")),
    (("Ann", "Lee"), ("Priya", "Patel")),
    (("Ann", "-"), ("Ann", "-")),                       # a family name that folds to nothing
    (("Ann", ""), ("Ann", "")),
])
def test_names_like_these_are_not_likely_the_same_person(a, b):
    assert not likely_same(*a, *b)


@PROPERTY
@given(st.one_of(names, latin_names), st.one_of(names, latin_names),
       st.one_of(names, latin_names), st.one_of(names, latin_names))
def test_similarity_and_likely_same_are_symmetric_and_similarity_is_between_0_and_1(ga, fa, gb, fb):
    assert 0.0 <= similarity(ga, fa, gb, fb) == similarity(gb, fb, ga, fa) <= 1.0
    assert likely_same(ga, fa, gb, fb) == likely_same(gb, fb, ga, fa)


@PROPERTY
@given(names, names, st.data())
def test_the_same_identity_typed_differently_is_always_likely_the_same_person(given_name, family, data):
    assume(fold(family))  # a family name that folds to nothing is never likely the same as anything
    typed = referral(data.draw(typed_differently(given_name)), data.draw(typed_differently(family)))
    assert same_identity(typed, referral(given_name, family))
    assert likely_same(typed.given_name, typed.family_name, given_name, family)


# ---------------------------------------------------------------------------------------------
# Resolving a referral to a known person
# ---------------------------------------------------------------------------------------------

def test_the_resolution_kinds_are_those_of_the_contract():
    assert (PNC_MATCH, NAME_MATCH, PNC_CLASH, AMBIGUOUS, NEW) == (
        "pnc_match", "name_match", "pnc_clash", "ambiguous", "new")


def test_a_pnc_id_with_the_same_name_and_birth_date_links_to_its_holder():
    holder = person(7, "Łukasz", "Wiśniewski", pnc="2019/1A")
    assert resolve(referral("lukasz", "WISNIEWSKI", pnc="2019/1A"), holder, [holder]) == \
        Resolution(PNC_MATCH, person_id=7)


@pytest.mark.parametrize("typed", [
    referral("Lucy", "Wiśniewska", pnc="2019/1A"),
    referral("Łukasz", "Wiśniewski", born=date(1991, 4, 2), pnc="2019/1A"),
], ids=["another name", "another birth date"])
def test_a_pnc_id_held_by_someone_else_is_a_clash_that_discloses_nothing(typed):
    holder = person(7, "Łukasz", "Wiśniewski", pnc="2019/1A")
    lookalikes = [holder, person(8, "Lucy", "Wiśniewska"), person(9, "Łukasz", "Wiśniewski")]
    assert resolve(typed, holder, lookalikes) == Resolution(PNC_CLASH, person_id=None, possible_duplicates=())


def test_a_pnc_match_lists_a_record_of_the_same_name_without_a_pnc_id_as_a_possible_duplicate():
    holder = person(7, "Ann", "Lee", pnc="2019/1A")
    others = [person(3, "ANN", "LEE"), holder, person(5, "Bob", "Jones")]
    assert resolve(referral("Ann", "Lee", pnc="2019/1A"), holder, others) == \
        Resolution(PNC_MATCH, person_id=7, possible_duplicates=(3,))


def test_a_referral_without_a_pnc_id_links_to_the_person_of_the_same_name_who_has_one():
    known = person(4, "Siobhan", "O'Neill-Smith", pnc="2019/1A")
    assert resolve(referral("siobhan", "ONeill Smith"), None, [known]) == Resolution(NAME_MATCH, person_id=4)


def test_a_pnc_id_nobody_holds_links_by_name_to_a_person_without_one():
    known = person(4, "Zoë", "Brown")
    assert resolve(referral("Zoe", "Brown", pnc="2020/9Z"), None, [known]) == \
        Resolution(NAME_MATCH, person_id=4)


def test_the_same_name_and_birth_date_with_a_different_pnc_id_is_a_possible_duplicate_not_a_match():
    other = person(4, "Ann", "Lee", pnc="2018/5B")
    assert resolve(referral("Ann", "Lee", pnc="2020/9Z"), None, [other]) == \
        Resolution(NEW, person_id=None, possible_duplicates=(4,))


def test_two_known_people_with_the_same_name_and_birth_date_make_the_referral_ambiguous():
    twins = [person(9, "Ann", "Lee"), person(2, "ann", "lee", pnc="2019/1A"), person(5, "Bob", "Lee")]
    assert resolve(referral("Ann", "Lee"), None, twins) == \
        Resolution(AMBIGUOUS, person_id=None, possible_duplicates=(2, 9))


def test_a_name_match_lists_similar_names_born_the_same_day_but_not_the_person_linked():
    others = [person(1, "Jon", "Smith"), person(2, "John", "Smith"), person(3, "Jack", "Smith"),
              person(4, "Priya", "Patel"), person(2, "John", "Smith")]
    assert resolve(referral("John", "Smith"), None, others) == \
        Resolution(NAME_MATCH, person_id=2, possible_duplicates=(1, 3))


def test_nobody_of_that_name_and_birth_date_makes_a_new_person_with_lookalikes_listed():
    others = [person(1, "Jon", "Smith"), person(4, "Priya", "Patel")]
    assert resolve(referral("John", "Smith"), None, others) == Resolution(NEW, possible_duplicates=(1,))


def test_people_born_on_another_day_are_ignored_even_if_passed_in():
    elsewhere = [person(1, "John", "Smith", born=date(1990, 4, 3)),
                 person(2, "Jon", "Smith", born=date(1989, 4, 2))]
    assert resolve(referral("John", "Smith"), None, elsewhere) == Resolution(NEW)


def test_a_pnc_holder_passed_in_for_a_referral_without_a_pnc_id_is_judged_by_name_only():
    holder = person(7, "Ann", "Lee", pnc="2019/1A")
    assert resolve(referral("Bob", "Jones"), holder, [holder]) == Resolution(NEW)


@PROPERTY
@given(st.lists(st.tuples(st.integers(1, 6), st.sampled_from(["Ann", "ann", "Anne", "Bob"]),
                          st.sampled_from(["Lee", "LEE", "Li"]), st.sampled_from([BORN, date(1991, 1, 1)]),
                          st.sampled_from([None, "2019/1A", "2020/9Z"])), max_size=6),
       st.sampled_from([None, "2019/1A", "2020/9Z"]))
def test_the_person_linked_is_never_a_possible_duplicate_and_duplicates_are_sorted(rows, pnc):
    known = [person(*row) for row in rows]
    holder = next((c for c in known if pnc and c.identity.pnc_id == pnc), None)
    typed = referral("Ann", "Lee", pnc=pnc)
    result = resolve(typed, holder, [c for c in known if c.identity.date_of_birth == BORN])
    assert result.person_id not in result.possible_duplicates
    assert list(result.possible_duplicates) == sorted(set(result.possible_duplicates))
    assert (result.person_id is None) == (result.kind in (PNC_CLASH, AMBIGUOUS, NEW))
