"""Administrators' reference-data pages: offence categories' Checkpoint eligibility and policy values.

Register with `app.register_blueprint(reference.bp)`; its pages live under /admin/reference.
"""
from diversion.reference.views import bp
from diversion.reference import custody_suite_views  # noqa: F401  (its routes join bp)
from diversion.reference import treatment_service_views  # noqa: F401  (its routes join bp)

__all__ = ["bp"]
