"""Policy values an administrator may change, each with its default and the bounds the law or the scheme sets."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    key: str
    title: str
    default: int
    minimum: int
    maximum: int
    unit: str  # "months" or "years", shown after the value

    def problem(self, value: object) -> str | None:
        """What is wrong with `value` as this policy's new value, or None."""
        if isinstance(value, bool) or not isinstance(value, int) or not self.minimum <= value <= self.maximum:
            return f"Enter a whole number of {self.unit} from {self.minimum} to {self.maximum}"
        return None


OFFENCE_AGE_LIMIT = Policy("offence_age_limit_months", "How many months old an offence may be, at the referral date",
                           default=3, minimum=1, maximum=24, unit="months")
# DIVERT serves adults by default; never below 10, the age of criminal responsibility in England and Wales.
DIVERT_MINIMUM_AGE = Policy("divert_minimum_age", "The youngest age at which someone can be referred to DIVERT",
                            default=18, minimum=10, maximum=25, unit="years")

# MoPI (DPA 2018 s.39): a record is reviewed about six years after the person's last case ended.
RETENTION_REVIEW_YEARS = Policy("retention_review_years",
                                "How many years after a person's last case ended their record is reviewed",
                                default=6, minimum=1, maximum=25, unit="years")

POLICIES = {policy.key: policy for policy in (OFFENCE_AGE_LIMIT, DIVERT_MINIMUM_AGE, RETENTION_REVIEW_YEARS)}
