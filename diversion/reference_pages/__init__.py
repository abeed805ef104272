"""Administrators' reference-data pages: offence categories' Checkpoint eligibility and policy values.

Register with `app.register_blueprint(reference_pages.bp)`; its pages live under /admin/reference.
"""
from diversion.reference_pages.views import bp

__all__ = ["bp"]
