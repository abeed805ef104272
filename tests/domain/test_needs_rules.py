"""The rules of suitability and needs (domain/needs.py), without a database."""
from hypothesis import given, strategies as st

from diversion.domain import needs
from diversion.domain.contracts import PATHWAYS


def test_a_suitability_decision_needs_a_reason_given_for_that_decision():
    assert needs.suitability_problems("suitable", ["low_propensity", "motivated"], None) == {}
    assert needs.suitability_problems("not_suitable", ["too_serious"], "Weapon used") == {}
    assert "suitability.reasons" in needs.suitability_problems("suitable", ["too_serious"], None)
    assert "suitability.reasons" in needs.suitability_problems("not_suitable", [], None)
    assert "suitability.reasons" in needs.suitability_problems("suitable", ["motivated", "motivated"], None)
    assert "suitability.decision" in needs.suitability_problems("perhaps", ["motivated"], None)


def test_a_blank_suitability_answer_is_no_answer():
    assert not needs.suitability_given(None)
    assert not needs.suitability_given({"decision": None, "reasons": None, "note": ""})
    assert needs.suitability_given({"decision": "suitable"})
    assert needs.suitability_given("suitable")  # the wrong shape is reported, not ignored


def test_needs_are_scored_0_to_3_once_per_pathway_of_the_contract():
    assert needs.need_problems([{"pathway": "drugs", "score": 0}, {"pathway": "alcohol", "score": 3}]) == {}
    assert set(needs.need_problems([{"pathway": "drugs", "score": 4}, {"pathway": "drugs", "score": 1},
                                    {"pathway": "tarot", "score": 1}, {"pathway": "alcohol", "score": True}])) == {
        "needs.0.score", "needs.1.pathway", "needs.2.pathway", "needs.3.score"}
    assert needs.need_problems([]) == {"needs": ["Score at least one pathway"]}
    assert "needs.0.note" in needs.need_problems([{"pathway": "drugs", "score": 1, "note": "a\x00b"}])


def test_only_assessed_pathways_are_reviewed_met_reduced_or_unchanged():
    assert needs.review_problems([{"pathway": "drugs", "result": "met"}], {"drugs"}) == {}
    assert set(needs.review_problems([{"pathway": "alcohol", "result": "met"}, {"pathway": "drugs", "result": "gone"}],
                                     {"drugs"})) == {"reviews.0.pathway", "reviews.1.result"}


@given(st.dictionaries(st.sampled_from(list(PATHWAYS)), st.integers(0, 3)), st.sets(st.sampled_from(list(PATHWAYS))))
def test_medium_and_high_needs_without_a_condition_are_suggested_and_nothing_else(scores, conditioned):
    suggested = needs.unconditioned(scores, conditioned)
    assert all(scores[p] >= 2 and p not in conditioned for p in suggested)
    assert {p for p, s in scores.items() if s >= 2} - set(conditioned) == set(suggested)
    assert suggested == [p for p in PATHWAYS if p in suggested]  # in the contract's pathway order


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                       max_size=3), max_leaves=8)


@given(JSON_VALUES, JSON_VALUES, JSON_VALUES)
def test_any_json_as_a_suitability_answer_is_judged_never_crashes(decision, reasons, note):
    """The fuzzer sent {"decision": {}}: an object where a code belongs is a field problem, not a 500."""
    problems = needs.suitability_problems(decision, reasons, note)
    assert isinstance(problems, dict)
    if not (isinstance(decision, str) and decision in needs.SUITABILITY_DECISIONS):
        assert "suitability.decision" in problems


def test_an_object_as_the_decision_is_a_field_problem():
    assert needs.suitability_problems({}, ["low_seriousness"], "")["suitability.decision"]
