"""The password rule: long, and not guessable from a dictionary of common and breached passwords.

zxcvbn carries dictionaries of common passwords, names and words, and scores how guessable a password
is; we ask for at least 12 characters and a score of 3 ("safely unguessable") or more.
"""
from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 256  # argon2 copes with more; a cap stops a megabyte "password" tying up a worker
MIN_SCORE = 3


def password_problems(password: str, user_inputs: tuple[str, ...] = ()) -> list[str]:
    """Every reason `password` is refused, in plain English (empty when it is acceptable)."""
    if len(password) < MIN_LENGTH:
        return [f"Password must be {MIN_LENGTH} characters or more"]
    if len(password) > MAX_LENGTH:
        return [f"Password must be {MAX_LENGTH} characters or fewer"]
    inputs = [part for value in user_inputs for part in _words(value)]
    result = zxcvbn(password, user_inputs=inputs)
    if result["score"] < MIN_SCORE:
        advice = result["feedback"].get("warning") or "It is too easy to guess"
        return [f"Choose a password that is harder to guess: {advice.rstrip('.')}"]
    return []


def _words(value: str) -> list[str]:
    """Split a name or email into the pieces an attacker would try."""
    cleaned = "".join(ch if ch.isalnum() else " " for ch in value.lower())
    pieces = cleaned.split()
    return [value.lower(), "".join(pieces), *pieces]
