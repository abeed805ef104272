"""Helpers shared by every form."""
from __future__ import annotations

from flask_wtf import FlaskForm


def apply_field_errors(form: FlaskForm, fields: dict[str, list[str]], fallback: str | None = None) -> None:
    """Copy a service's ValidationFailed.fields onto the form so the GOV.UK error summary shows them."""
    for name, problems in fields.items():
        field = getattr(form, name, None) or (getattr(form, fallback, None) if fallback else None)
        if field is None:
            form.form_errors.extend(problems)
            continue
        field.errors = list(field.errors) + list(problems)
