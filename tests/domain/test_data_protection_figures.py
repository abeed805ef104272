"""Subject access answers against the statutory month (DPA 2018 s.45): one calendar month from receipt."""
from datetime import date

from diversion.domain import data_protection_figures as figures


def test_the_statutory_month_ends_on_the_same_day_next_month_or_that_months_last_day():
    assert figures.statutory_deadline(date(2026, 3, 15)) == date(2026, 4, 15)
    assert figures.statutory_deadline(date(2026, 1, 31)) == date(2026, 2, 28)
    assert figures.within_statutory_month(date(2026, 3, 15), date(2026, 4, 15))
    assert not figures.within_statutory_month(date(2026, 3, 15), date(2026, 4, 16))


def test_answer_times_give_the_median_the_longest_and_how_many_were_in_time():
    times = figures.answer_times([(date(2026, 1, 1), date(2026, 1, 11)), (date(2026, 2, 1), date(2026, 3, 5)),
                                  (date(2026, 3, 1), date(2026, 3, 21))])
    assert (times.answered, times.median_days, times.longest_days, times.within_month) == (3, 20, 32, 2)


def test_no_answers_have_no_median():
    assert figures.answer_times([]) == figures.AnswerTimes(0, None, None, 0)
