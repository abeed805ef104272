"""API endpoints that belong to no scheme: who am I, and the OpenAPI document."""
from __future__ import annotations

from flask import g, jsonify

from diversion.api.auth import any_role
from diversion.api.blueprint import bp
from diversion.api.openapi import build_spec


@bp.route("/me")
@any_role
def me():
    """The user the token acts as.
    ---
    get:
      summary: The user the bearer token acts as
      tags: [Session]
      responses:
        200:
          description: The token's user
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Me'}
    """
    user = g.api_user
    return jsonify(id=user.id, name=user.name, email=user.email, role=user.role)


@bp.route("/openapi.json")
@any_role
def openapi():
    """This document.
    ---
    get:
      summary: The OpenAPI 3 document of every endpoint
      tags: [Session]
      responses:
        200: {description: The OpenAPI document}
    """
    return jsonify(build_spec())
