"""Builders for test records. They add to the session and flush; the caller commits."""
from __future__ import annotations

import itertools

from diversion.extensions import db
from diversion.hashing import hash_password
from diversion.models import User

PASSWORD = "Blue-kettle-orbit-71"
_hash_cache: dict[str, str] = {}
_numbers = itertools.count(1)


def password_hash(password: str = PASSWORD) -> str:
    """argon2 is slow on purpose; hash the shared test password once per run."""
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def user(role: str = "navigator", **fields) -> User:
    n = next(_numbers)
    values = {"email": f"{role.replace('_', '.')}{n}@police.example", "name": f"Test {role.replace('_', ' ').title()} {n}",
              "role": role, "password_hash": password_hash(), "active": True}
    values.update(fields)
    record = User(**values)
    db.session.add(record)
    db.session.flush()
    return record
