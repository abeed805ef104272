"""Figures for managers: rates with a Wilson 95% interval, medians from counts, age bands, and plain notes
on when a figure is too thin to read and when a group really differs from the whole.

Pure arithmetic on counts: the database counts (GROUP BY), this module only turns counts into figures.
"""
from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence

# The two-sided 95% point of the standard normal distribution (the 97.5th percentile), as scipy gives it.
Z95 = 1.959963984540054

# Fewer cases than this and a rate is flagged as a small group.
SMALL_GROUP = 10
# An interval wider than this (in proportion, 0.3 = 30 percentage points) is flagged as wide.
WIDE_INTERVAL = 0.3

AGE_BANDS = ("under_18", "18_24", "25_34", "35_44", "45_54", "55_plus")
AGE_BAND_LABELS = ("Under 18", "18 to 24", "25 to 34", "35 to 44", "45 to 54", "55 and over")
# The lowest age in each band, in the order of AGE_BANDS: a band runs up to the next band's lower bound.
BAND_LOWER_BOUNDS = (0, 18, 25, 35, 45, 55)

RELIABILITY_TEXT = {
    "no_data": "No cases: there is no rate to show",
    "small_group": f"Fewer than {SMALL_GROUP} cases: the rate could easily be very different",
    "wide_interval": "Too few cases for a precise figure: the true rate could be anywhere in the 95% range",
}


def _check_count(name: str, value: int) -> None:
    if value < 0:
        raise ValueError(f"{name} must not be negative (got {value})")


def rate(numerator: int, denominator: int) -> float | None:
    """numerator / denominator, or None when the denominator is 0 (no cases, no rate)."""
    _check_count("numerator", numerator)
    _check_count("denominator", denominator)
    if denominator == 0:
        return None
    return numerator / denominator


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval for successes out of n (95% by default); None when n is 0.

    centre = (k + z²/2) / (n + z²), half-width = z·√n / (n + z²) · √(p̂(1 − p̂) + z²/4n), with p̂ = k/n;
    bounds clamped to [0, 1]. Unlike p̂ ± z·√(p̂(1 − p̂)/n) it stays sensible at 0 of n and n of n.
    """
    _check_count("successes", successes)
    _check_count("n", n)
    if z < 0:
        raise ValueError(f"z must not be negative (got {z})")
    if successes > n:
        raise ValueError(f"successes ({successes}) cannot exceed n ({n})")
    if n == 0:
        return None
    p = successes / n
    z2 = z * z
    centre = (successes + z2 / 2) / (n + z2)
    half = z * math.sqrt(n) / (n + z2) * math.sqrt(p * (1 - p) + z2 / (4 * n))
    # Mathematically lower <= p <= upper, exactly 0 at 0 of n and exactly 1 at n of n; rounding is not
    # allowed to break that.
    lower = 0.0 if successes == 0 else max(0.0, min(p, centre - half))
    upper = 1.0 if successes == n else min(1.0, max(p, centre + half))
    return lower, upper


def completion_rate(completed: int, breached: int) -> float | None:
    """completed / (completed + breached); discontinued contracts are in neither (api-contract "Reports")."""
    _check_count("completed", completed)
    _check_count("breached", breached)
    return rate(completed, completed + breached)


def median_from_counts(pairs: Iterable[tuple[float, int]]) -> float | None:
    """The median of a multiset given as (value, how many times) pairs in any order; None when empty.

    An even total gives the mean of the two middle values. Pairs with count 0 add nothing; a value may
    appear in more than one pair. A negative count is a ValueError.
    """
    kept = []
    for value, count in pairs:
        _check_count("count", count)
        if count:
            kept.append((value, count))
    total = sum(count for _, count in kept)
    if total == 0:
        return None
    kept.sort(key=lambda pair: pair[0])
    low_index, high_index = (total - 1) // 2, total // 2   # 0-based positions of the middle value(s)
    low = high = None
    seen = 0
    for value, count in kept:
        seen += count
        if low is None and seen > low_index:
            low = value
        if seen > high_index:
            high = value
            break
    if low == high:
        return float(low)
    return (low + high) / 2


def age_band(age: int) -> str:
    """The band code for an age in whole years: under_18, 18_24, 25_34, 35_44, 45_54 or 55_plus."""
    if age < 0:
        raise ValueError(f"age must not be negative (got {age})")
    return AGE_BANDS[bisect.bisect_right(BAND_LOWER_BOUNDS, age) - 1]


def age_band_label(band: str) -> str:
    """The label for a band code: '18_24' -> '18 to 24' (KeyError for an unknown code)."""
    return dict(zip(AGE_BANDS, AGE_BAND_LABELS))[band]


def reliability(n: int, interval: Sequence[float] | None) -> str | None:
    """None when the figure can be read normally; otherwise why not, a key of RELIABILITY_TEXT:
    'no_data' (n is 0), 'small_group' (n below SMALL_GROUP), 'wide_interval' (wider than WIDE_INTERVAL)."""
    _check_count("n", n)
    if n == 0:
        return "no_data"
    if n < SMALL_GROUP:
        return "small_group"
    if interval is not None:
        low, high = interval
        if high - low > WIDE_INTERVAL:
            return "wide_interval"
    return None


def disparity(group_rate: float | None, group_interval: Sequence[float] | None,
              overall_rate: float | None) -> str | None:
    """'higher' when the group's whole 95% interval lies above the overall rate, 'lower' when wholly
    below; None when the interval includes (or touches) the overall rate, or anything is missing."""
    if group_rate is None or group_interval is None or overall_rate is None:
        return None
    low, high = group_interval
    if low > overall_rate:
        return "higher"
    if high < overall_rate:
        return "lower"
    return None


def round_rate(value: float | None, places: int = 4) -> float | None:
    """A rate rounded for JSON (0.953846... -> 0.9538); None stays None."""
    if value is None:
        return None
    return round(value, places)


def proportion(successes: int, n: int) -> dict:
    """successes of n as the reports give a rate: the rate, its Wilson 95% interval and how far to trust it
    (all rounded for JSON), with the unrounded rate and interval under `_raw` for `disparity`."""
    value, interval = rate(successes, n), wilson_interval(successes, n)
    return {"rate": round_rate(value), "ci95": [round_rate(x) for x in interval] if interval else None,
            "reliability": reliability(n, interval), "_raw": (value, interval)}
