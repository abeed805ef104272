"""Figures for managers.

The rules (domain.md "What managers need"; api-contract.md "Reports"):
- completion rate = completed / (completed + breached); discontinued contracts are in neither; no ended
  contracts, no rate (null);
- every rate comes with a Wilson 95% score interval (small numbers mislead): none for no cases; bounds in
  [0, 1]; it holds the observed proportion, narrows as cases grow, and k of n mirrors n - k of n;
- the median (days from referral to contract) is read from a value -> count histogram: the middle value,
  or the mean of the two middle values for an even total; none for no cases;
- age bands under 18, 18-24, 25-34, 35-44, 45-54, 55 and over;
- a figure is flagged when there are no cases, fewer than 10, or its interval is wider than 0.3;
- a group differs from the whole only when its whole interval lies on one side of the overall rate.
The Wilson formula is written out again below in its textbook form, independently of the module, and
checked against published values.
"""
from __future__ import annotations

import math
import statistics
from math import comb

import pytest
from hypothesis import given, settings, strategies as st

from diversion.domain.kpis import (
    AGE_BAND_LABELS, AGE_BANDS, BAND_LOWER_BOUNDS, RELIABILITY_TEXT, SMALL_GROUP, Z95, age_band,
    age_band_label, completion_rate, disparity, median_from_counts, rate, reliability, round_rate,
    wilson_interval,
)

PROPERTY = settings(max_examples=200, deadline=None)

COUNTS = st.integers(min_value=0, max_value=100_000)


@st.composite
def successes_and_n(draw, max_n=100_000):
    n = draw(st.integers(min_value=1, max_value=max_n))
    return draw(st.integers(min_value=0, max_value=n)), n


def textbook_wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """(p + z²/2n ± z·√(p(1 − p)/n + z²/4n²)) / (1 + z²/n), clamped to [0, 1]."""
    p = k / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denominator = 1 + z * z / n
    return max(0.0, (centre - spread) / denominator), min(1.0, (centre + spread) / denominator)


def width(interval: tuple[float, float]) -> float:
    return interval[1] - interval[0]


# ---------------------------------------------------------------------------------------------
# rate
# ---------------------------------------------------------------------------------------------

def test_a_rate_is_the_numerator_over_the_denominator():
    assert rate(3, 4) == 0.75
    assert rate(0, 7) == 0.0
    assert rate(7, 7) == 1.0


def test_no_cases_means_no_rate_rather_than_zero():
    assert rate(0, 0) is None


def test_a_rate_is_a_float_for_json():
    assert isinstance(rate(2, 2), float)


def test_a_rate_may_exceed_one_when_the_two_counts_are_taken_by_different_event_dates():
    # e.g. assessments in the period over referrals in the period: some assessed were referred before it.
    assert rate(5, 4) == 1.25


@pytest.mark.parametrize("numerator, denominator", [(-1, 4), (1, -4), (-1, -1)])
def test_a_negative_count_is_an_error(numerator, denominator):
    with pytest.raises(ValueError):
        rate(numerator, denominator)


# ---------------------------------------------------------------------------------------------
# completion_rate
# ---------------------------------------------------------------------------------------------

def test_completion_rate_is_completed_over_completed_plus_breached():
    assert completion_rate(19, 1) == 0.95
    assert completion_rate(3, 1) == 0.75


def test_discontinued_contracts_are_not_in_the_denominator():
    ended = {"completed": 19, "breached": 1, "discontinued": 5}
    assert completion_rate(ended["completed"], ended["breached"]) == 0.95   # not 19 / 25 = 0.76


def test_all_breached_is_a_completion_rate_of_zero():
    assert completion_rate(0, 6) == 0.0


def test_all_completed_is_a_completion_rate_of_one():
    assert completion_rate(6, 0) == 1.0


def test_no_completed_or_breached_contracts_means_no_completion_rate():
    assert completion_rate(0, 0) is None


@pytest.mark.parametrize("completed, breached", [(-1, 3), (3, -1)])
def test_a_negative_outcome_count_is_an_error(completed, breached):
    with pytest.raises(ValueError):
        completion_rate(completed, breached)


@PROPERTY
@given(completed=COUNTS, breached=COUNTS)
def test_completion_rate_is_a_proportion_of_the_ended_contracts(completed, breached):
    result = completion_rate(completed, breached)
    if completed + breached == 0:
        assert result is None
    else:
        assert result == completed / (completed + breached)
        assert 0.0 <= result <= 1.0


# ---------------------------------------------------------------------------------------------
# wilson_interval: known values
# ---------------------------------------------------------------------------------------------

def test_z95_is_the_975th_percentile_of_the_standard_normal():
    assert Z95 == 1.959963984540054
    assert Z95 == pytest.approx(statistics.NormalDist().inv_cdf(0.975), abs=1e-15)


@pytest.mark.parametrize("k, n, low, high", [
    (0, 10, 0.0, 0.2775),
    (10, 10, 0.7225, 1.0),
    (8, 10, 0.4902, 0.9433),
    (1, 2, 0.0945, 0.9055),
    (50, 100, 0.4038, 0.5962),
    (19, 20, 0.7639, 0.9911),
    (5, 10, 0.2366, 0.7634),
    (0, 1, 0.0, 0.7935),
    (1, 1, 0.2065, 1.0),
])
def test_published_wilson_intervals_to_four_places(k, n, low, high):
    got = wilson_interval(k, n)
    assert (round(got[0], 4), round(got[1], 4)) == (low, high)


@pytest.mark.parametrize("k, n", [
    (0, 1), (1, 1), (0, 10), (10, 10), (8, 10), (1, 2), (50, 100), (19, 20), (475, 500), (30, 500),
    (1, 1_000_000), (999_999, 1_000_000),
])
def test_wilson_agrees_with_the_textbook_formula(k, n):
    assert wilson_interval(k, n) == pytest.approx(textbook_wilson(k, n), rel=1e-12, abs=1e-15)


@PROPERTY
@given(kn=successes_and_n(max_n=1_000_000))
def test_wilson_agrees_with_the_textbook_formula_everywhere(kn):
    k, n = kn
    assert wilson_interval(k, n) == pytest.approx(textbook_wilson(k, n), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("z", [1.0, 1.6448536269514722, 2.5758293035489004])
def test_another_confidence_level_uses_its_own_z(z):
    assert wilson_interval(8, 10, z) == pytest.approx(textbook_wilson(8, 10, z), rel=1e-12)


def test_none_of_n_starts_at_exactly_zero_and_all_of_n_ends_at_exactly_one():
    assert wilson_interval(0, 37)[0] == 0.0
    assert wilson_interval(37, 37)[1] == 1.0


def test_no_cases_means_no_interval():
    assert wilson_interval(0, 0) is None


@pytest.mark.parametrize("k, n", [(-1, 10), (0, -1), (-1, -1), (11, 10), (1, 0)])
def test_a_negative_count_or_more_successes_than_cases_is_an_error(k, n):
    with pytest.raises(ValueError):
        wilson_interval(k, n)


def test_a_negative_z_is_an_error():
    with pytest.raises(ValueError):
        wilson_interval(5, 10, -1.96)


# ---------------------------------------------------------------------------------------------
# wilson_interval: properties
# ---------------------------------------------------------------------------------------------

@PROPERTY
@given(kn=successes_and_n(max_n=10_000_000))
def test_the_interval_holds_the_observed_proportion_and_stays_in_zero_to_one(kn):
    k, n = kn
    low, high = wilson_interval(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0


@PROPERTY
@given(kn=successes_and_n(max_n=1_000_000))
def test_the_interval_has_width_unless_there_are_no_cases(kn):
    k, n = kn
    low, high = wilson_interval(k, n)
    assert low < high


@PROPERTY
@given(kn=successes_and_n(max_n=10_000), times=st.integers(min_value=2, max_value=100))
def test_the_interval_narrows_as_cases_grow_for_the_same_proportion(kn, times):
    k, n = kn
    assert width(wilson_interval(k * times, n * times)) < width(wilson_interval(k, n))


@PROPERTY
@given(kn=successes_and_n(max_n=1_000_000))
def test_k_of_n_mirrors_n_minus_k_of_n(kn):
    k, n = kn
    low, high = wilson_interval(k, n)
    mirror_low, mirror_high = wilson_interval(n - k, n)
    assert low == pytest.approx(1 - mirror_high, abs=1e-12)
    assert high == pytest.approx(1 - mirror_low, abs=1e-12)


@PROPERTY
@given(kn=successes_and_n(max_n=100_000), z=st.floats(min_value=0.5, max_value=3.5), more=st.floats(0.1, 1.0))
def test_a_higher_confidence_level_gives_a_wider_interval(kn, z, more):
    k, n = kn
    assert width(wilson_interval(k, n, z + more)) > width(wilson_interval(k, n, z))


@pytest.mark.parametrize("n", [50, 100, 400])
@pytest.mark.parametrize("p", [0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9])
def test_the_95_percent_interval_holds_the_true_rate_about_95_percent_of_the_time(n, p):
    # Exact coverage over every possible outcome k of n, weighted by its binomial probability.
    coverage = sum(comb(n, k) * p ** k * (1 - p) ** (n - k)
                   for k in range(n + 1)
                   if wilson_interval(k, n)[0] <= p <= wilson_interval(k, n)[1])
    assert 0.92 <= coverage <= 0.98


# ---------------------------------------------------------------------------------------------
# median_from_counts
# ---------------------------------------------------------------------------------------------

def test_a_single_value_is_its_own_median():
    assert median_from_counts([(12, 1)]) == 12.0
    assert median_from_counts([(12, 5)]) == 12.0


def test_an_odd_total_gives_the_middle_value():
    assert median_from_counts([(1, 1), (2, 1), (9, 1)]) == 2.0
    assert median_from_counts([(3, 2), (10, 1), (40, 2)]) == 10.0


def test_an_even_total_gives_the_mean_of_the_two_middle_values():
    assert median_from_counts([(1, 1), (2, 1)]) == 1.5
    assert median_from_counts([(10, 1), (20, 1), (30, 1), (41, 1)]) == 25.0
    assert median_from_counts([(2, 2), (4, 2)]) == 3.0


def test_ties_that_span_the_middle_give_the_tied_value():
    assert median_from_counts([(5, 3), (7, 1)]) == 5.0        # 5 5 5 7
    assert median_from_counts([(1, 1), (5, 4), (90, 1)]) == 5.0


def test_the_pairs_may_come_in_any_order():
    assert median_from_counts([(30, 1), (10, 1), (20, 1)]) == 20.0
    assert median_from_counts([(4, 2), (2, 2)]) == 3.0


def test_the_same_value_may_come_in_more_than_one_pair():
    assert median_from_counts([(1, 2), (9, 2), (1, 1)]) == 1.0   # 1 1 1 9 9


def test_pairs_with_a_count_of_zero_are_ignored():
    assert median_from_counts([(100, 0), (1, 1), (2, 1), (3, 1), (-50, 0)]) == 2.0


@pytest.mark.parametrize("pairs", [[], [(5, 0)], [(5, 0), (6, 0)]])
def test_no_cases_means_no_median(pairs):
    assert median_from_counts(pairs) is None


def test_a_negative_count_is_an_error_even_among_good_pairs():
    with pytest.raises(ValueError):
        median_from_counts([(1, 3), (2, -1), (3, 3)])


def test_fractional_values_work():
    assert median_from_counts([(0.5, 1), (1.25, 1)]) == 0.875


def test_the_median_is_a_float_for_json():
    assert isinstance(median_from_counts([(3, 1)]), float)


def test_huge_counts_are_not_expanded_into_rows():
    assert median_from_counts([(1, 10 ** 15), (2, 10 ** 15 + 1)]) == 2.0
    assert median_from_counts([(1, 10 ** 15), (2, 10 ** 15)]) == 1.5


DAYS = st.integers(min_value=0, max_value=3650)
HISTOGRAM = st.lists(st.tuples(DAYS, st.integers(min_value=0, max_value=20)), max_size=30)


def expand(pairs):
    return [value for value, count in pairs for _ in range(count)]


@PROPERTY
@given(pairs=HISTOGRAM)
def test_the_median_agrees_with_statistics_median_on_the_expanded_list(pairs):
    values = expand(pairs)
    expected = statistics.median(values) if values else None
    assert median_from_counts(pairs) == expected


@PROPERTY
@given(pairs=st.lists(st.tuples(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
                                st.integers(min_value=0, max_value=5)), max_size=20))
def test_the_median_of_float_values_agrees_with_statistics_median(pairs):
    values = expand(pairs)
    expected = statistics.median(values) if values else None
    assert median_from_counts(pairs) == expected


@PROPERTY
@given(pairs=HISTOGRAM, data=st.data())
def test_the_median_does_not_depend_on_the_order_of_the_pairs(pairs, data):
    shuffled = data.draw(st.permutations(pairs))
    assert median_from_counts(shuffled) == median_from_counts(pairs)


@PROPERTY
@given(pairs=HISTOGRAM, times=st.integers(min_value=2, max_value=10))
def test_the_median_does_not_change_when_every_count_is_multiplied(pairs, times):
    assert median_from_counts([(v, c * times) for v, c in pairs]) == median_from_counts(pairs)


# ---------------------------------------------------------------------------------------------
# Age bands
# ---------------------------------------------------------------------------------------------

def test_the_age_bands_and_their_labels():
    assert AGE_BANDS == ("under_18", "18_24", "25_34", "35_44", "45_54", "55_plus")
    assert AGE_BAND_LABELS == ("Under 18", "18 to 24", "25 to 34", "35 to 44", "45 to 54", "55 and over")
    assert BAND_LOWER_BOUNDS == (0, 18, 25, 35, 45, 55)


@pytest.mark.parametrize("band, label", [("under_18", "Under 18"), ("18_24", "18 to 24"),
                                         ("55_plus", "55 and over")])
def test_a_band_code_has_a_label(band, label):
    assert age_band_label(band) == label


def test_an_unknown_band_code_has_no_label():
    with pytest.raises(KeyError):
        age_band_label("60_plus")


@pytest.mark.parametrize("age, band", [
    (0, "under_18"), (10, "under_18"), (17, "under_18"),
    (18, "18_24"), (24, "18_24"),
    (25, "25_34"), (34, "25_34"),
    (35, "35_44"), (44, "35_44"),
    (45, "45_54"), (54, "45_54"),
    (55, "55_plus"), (80, "55_plus"), (120, "55_plus"),
])
def test_age_bands_at_every_boundary(age, band):
    assert age_band(age) == band


def test_a_negative_age_is_an_error():
    with pytest.raises(ValueError):
        age_band(-1)


WRITTEN_OUT_BANDS = [("under_18", 0, 17), ("18_24", 18, 24), ("25_34", 25, 34), ("35_44", 35, 44),
                     ("45_54", 45, 54), ("55_plus", 55, 150)]


def test_every_age_up_to_150_is_in_exactly_the_band_written_out_for_it():
    for age in range(151):
        expected = [band for band, first, last in WRITTEN_OUT_BANDS if first <= age <= last]
        assert [age_band(age)] == expected, age


def test_a_sql_case_built_from_the_lower_bounds_gives_the_same_bands():
    # CASE WHEN age >= 55 THEN '55_plus' WHEN age >= 45 THEN '45_54' ... ELSE 'under_18' END
    whens = list(reversed(list(zip(BAND_LOWER_BOUNDS, AGE_BANDS))))

    def case(age):
        return next(band for lower, band in whens if age >= lower)

    assert all(case(age) == age_band(age) for age in range(151))


# ---------------------------------------------------------------------------------------------
# reliability
# ---------------------------------------------------------------------------------------------

def test_a_figure_is_flagged_below_ten_cases():
    assert SMALL_GROUP == 10


def test_no_cases_is_no_data():
    assert reliability(0, None) == "no_data"


@pytest.mark.parametrize("n", range(1, 10))
def test_fewer_than_ten_cases_is_a_small_group_whatever_the_interval(n):
    assert reliability(n, wilson_interval(n, n)) == "small_group"
    assert reliability(n, (0.5, 0.5)) == "small_group"


def test_ten_cases_with_a_narrow_enough_interval_read_normally():
    assert reliability(10, wilson_interval(10, 10)) is None          # (0.7225, 1.0)


def test_ten_cases_split_evenly_have_a_wide_interval():
    assert reliability(10, wilson_interval(5, 10)) == "wide_interval"  # (0.2366, 0.7634)


def test_an_interval_of_exactly_point_three_is_not_wider_than_point_three():
    assert reliability(40, (0.0, 0.3)) is None
    assert reliability(40, (0.0, 0.30001)) == "wide_interval"


def test_an_interval_may_come_as_a_json_list():
    assert reliability(40, [0.1, 0.9]) == "wide_interval"


def test_a_durham_sized_year_reads_normally():
    assert reliability(500, wilson_interval(475, 500)) is None
    assert reliability(100, wilson_interval(50, 100)) is None          # (0.4038, 0.5962)


def test_enough_cases_without_an_interval_reads_normally():
    assert reliability(10, None) is None


def test_a_negative_count_is_an_error_for_reliability():
    with pytest.raises(ValueError):
        reliability(-1, None)


def test_every_flag_has_a_plain_english_note():
    assert set(RELIABILITY_TEXT) == {"no_data", "small_group", "wide_interval"}
    assert RELIABILITY_TEXT["small_group"].startswith("Fewer than 10 cases")
    assert all(text and text[0].isupper() for text in RELIABILITY_TEXT.values())


@PROPERTY
@given(n=st.integers(min_value=0, max_value=5_000), data=st.data())
def test_a_wilson_figure_reads_normally_exactly_when_there_are_ten_cases_and_a_narrow_interval(n, data):
    k = data.draw(st.integers(min_value=0, max_value=n))
    interval = wilson_interval(k, n)
    flag = reliability(n, interval)
    assert flag is None or flag in RELIABILITY_TEXT
    assert (flag is None) == (n >= 10 and width(interval) <= 0.3)


# ---------------------------------------------------------------------------------------------
# disparity
# ---------------------------------------------------------------------------------------------

def test_a_group_whose_whole_interval_is_above_the_overall_rate_is_higher():
    assert disparity(0.99, (0.96, 1.0), 0.95) == "higher"


def test_a_group_whose_whole_interval_is_below_the_overall_rate_is_lower():
    assert disparity(0.80, (0.70, 0.88), 0.95) == "lower"


def test_a_group_whose_interval_includes_the_overall_rate_is_not_different():
    assert disparity(0.90, (0.80, 0.97), 0.95) is None


@pytest.mark.parametrize("interval", [(0.95, 0.99), (0.90, 0.95)])
def test_an_interval_that_only_touches_the_overall_rate_is_not_different(interval):
    assert disparity(0.97, interval, 0.95) is None


@pytest.mark.parametrize("group_rate, group_interval, overall_rate", [
    (None, None, 0.95), (0.99, None, 0.95), (None, (0.96, 1.0), 0.95), (0.99, (0.96, 1.0), None),
    (None, None, None),
])
def test_anything_missing_means_no_disparity_signal(group_rate, group_interval, overall_rate):
    assert disparity(group_rate, group_interval, overall_rate) is None


def test_a_rate_that_looks_different_in_a_small_group_often_is_not():
    # 9 of 10 against 95% overall: the interval (0.596, 0.982) includes 0.95.
    assert disparity(rate(9, 10), wilson_interval(9, 10), 0.95) is None
    # 8 of 10: the interval (0.490, 0.943) is wholly below 0.95.
    assert disparity(rate(8, 10), wilson_interval(8, 10), 0.95) == "lower"


def test_the_same_gap_in_a_larger_group_is_different():
    assert disparity(rate(270, 300), wilson_interval(270, 300), 0.95) == "lower"


@PROPERTY
@given(kn=successes_and_n(max_n=10_000), overall=st.floats(min_value=0.0, max_value=1.0))
def test_a_signal_always_points_the_same_way_as_the_gap(kn, overall):
    k, n = kn
    signal = disparity(rate(k, n), wilson_interval(k, n), overall)
    if signal == "higher":
        assert rate(k, n) > overall
    elif signal == "lower":
        assert rate(k, n) < overall
    else:
        low, high = wilson_interval(k, n)
        assert low <= overall <= high


# ---------------------------------------------------------------------------------------------
# round_rate
# ---------------------------------------------------------------------------------------------

def test_a_rate_is_rounded_to_four_places_for_json():
    assert round_rate(0.953846153) == 0.9538
    assert round_rate(1 / 3) == 0.3333
    assert round_rate(1.0) == 1.0


def test_rounding_to_other_places():
    assert round_rate(0.953846153, 2) == 0.95


def test_no_rate_stays_no_rate():
    assert round_rate(None) is None
