"""Text a database can store: JSON can carry lone surrogates, which no database stores, and a NUL character,
which PostgreSQL refuses in text. Every free text a user sends is checked with this before it is kept."""
from __future__ import annotations

NOT_VALID = "Contains characters that are not valid text"


def storable(value: str) -> bool:
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
