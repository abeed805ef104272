from flask import Blueprint, g

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def _mark_source():
    g.audit_source = "api"
