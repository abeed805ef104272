"""Administration: users, API tokens and the audit trail."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diversion import confirming, keyset
from diversion.access import roles_required
from diversion.admin import audit_page
from diversion.admin.forms import (ChangeRoleForm, CreateUserForm, ResetPasswordForm,
                                   VersionedActionForm)
from diversion.domain.roles import ADMIN, MANAGER, ROLES, is_role
from diversion.domain.roles import label as role_label
from diversion.errors import Conflict, ValidationFailed
from diversion.forms import apply_field_errors
from diversion.lists import ListPage, search_text
from diversion.services import audit_trail, two_step
from diversion.services.allocation import CaseloadHeld
from diversion.services import users as user_service

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _version(form) -> int | None:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return None


USER_STATUSES = {"active": "Active", "deactivated": "Deactivated"}


@bp.route("/users")
@roles_required(ADMIN)
def users():
    """Everyone who can sign in (or could), 50 to a page by name: found by name or email, a role, or status."""
    args = request.args
    status = args.get("status") if args.get("status") in USER_STATUSES else "active"
    role = args.get("role") if is_role(args.get("role")) else None
    q = search_text(args.get("q"))
    listing = ListPage("admin.users", {"q": q, "role": role, "status": None if status == "active" else status},
                       "name", {"name": "Name, A to Z"}, "name")
    found, total = user_service.page_of_users(active=status == "active", role=role, search=q, after=args.get("after"))
    selected = listing.selected({"q": ("Search", q), "role": ("Role", role_label(role) if role else ""),
                                 "status": ("Status", USER_STATUSES[status])})
    pages = listing.pagination(found)
    return render_template("admin/users.html", users=found.rows, total=total, counted_up_to=keyset.COUNTED_UP_TO,
                           listing=listing, selected=selected, q=q, role=role, status=status, statuses=USER_STATUSES,
                           roles=ROLES, pagination=dict(pages, landmarkLabel="Pages of users") if pages else None)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def user_new():
    form = CreateUserForm()
    if form.validate_on_submit():
        try:
            user = user_service.create(email=form.email.data, name=form.name.data, role=form.role.data,
                                password=form.password.data, actor=current_user)
        except ValidationFailed as failure:
            apply_field_errors(form, failure.fields)
        else:
            flash(f"{user.name} can now sign in as {user.email}.", "success")
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


def _detail_page(user, status: int = 200, **forms):
    """The user's page, with any form that failed shown again with its errors."""
    forms.setdefault("role_form", ChangeRoleForm(role=user.role, version=user.version))
    forms.setdefault("password_form", ResetPasswordForm(version=user.version))
    return render_template("admin/user_detail.html", user=user,
                           action_form=VersionedActionForm(version=user.version), **forms), status


def _change_user(user, form, change, done: str):
    """Run one change on a user from one of the page's forms: on success or conflict back to the page (with a
    message), on bad input the page again with the form's errors."""
    if form.validate_on_submit():
        try:
            change()
        except CaseloadHeld as held:  # a navigator's work is reassigned before their role or access goes
            return _detail_page(user, 409, caseload_held=held)
        except ValidationFailed as failure:
            if "version" in failure.fields:  # a hidden field: the page, not the person, got it wrong
                flash(failure.message, "error")
                return redirect(url_for("admin.user_detail", user_id=user.id))
            apply_field_errors(form, failure.fields)
        except Conflict as conflict:
            flash(conflict.message, "error")
            return redirect(url_for("admin.user_detail", user_id=user.id))
        else:
            flash(done(), "success")
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return None


@bp.route("/users/<int:user_id>")
@roles_required(ADMIN)
def user_detail(user_id: int):
    return _detail_page(user_service.get(user_id))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@roles_required(ADMIN)
def user_password(user_id: int):
    user = user_service.get(user_id)
    form = ResetPasswordForm()
    response = _change_user(
        user, form,
        lambda: user_service.reset_password(user, form.password.data, actor=current_user, version=_version(form)),
        lambda: f"{user.name}'s password has been changed and they have been signed out everywhere. Give them "
                "the new password securely.")
    return response or _detail_page(user, 422, password_form=form)


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@roles_required(ADMIN)
def user_role(user_id: int):
    user = user_service.get(user_id)
    form = ChangeRoleForm()
    response = _change_user(
        user, form,
        lambda: user_service.change_role(user, form.role.data, actor=current_user, version=_version(form)),
        lambda: f"{user.name}'s role is now {role_label(user.role).lower()}.")
    return response or _detail_page(user, 422, role_form=form)


@bp.route("/users/<int:user_id>/<any(deactivate, reactivate):action>", methods=["POST"])
@roles_required(ADMIN)
def user_active(user_id: int, action: str):
    user = user_service.get(user_id)
    form = VersionedActionForm()
    if form.validate_on_submit() and action == "deactivate" and not confirming.confirmed():
        try:  # nothing to confirm if it would be refused: say so before asking
            user_service.refuse_to_strand(user)
        except CaseloadHeld as held:
            return _detail_page(user, 409, caseload_held=held)
        return confirming.page(confirming.Confirmation(  # deactivating someone signs them out: ask first
            question=f"Are you sure you want to deactivate {user.name}?", caption=user.email,
            action=url_for("admin.user_active", user_id=user.id, action="deactivate"),
            button=f"Yes, deactivate {user.name}", cancel=url_for("admin.user_detail", user_id=user.id),
            warning=f"{user.name} will be signed out everywhere at once and their API tokens will stop working.",
            explain=["Their records and audit history are kept. An administrator can reactivate them later, but "
                     "their tokens stay revoked."],
            hidden=[("version", form.version.data or "")]))
    if form.validate_on_submit():
        try:
            user_service.set_active(user, action == "reactivate", actor=current_user, version=_version(form))
        except CaseloadHeld as held:
            return _detail_page(user, 409, caseload_held=held)
        except (Conflict, ValidationFailed) as conflict:
            flash(conflict.message, "error")
        else:
            flash(f"{user.name} has been {action}d.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/users/<int:user_id>/two-step/reset", methods=["POST"])
@roles_required(ADMIN)
def user_two_step_reset(user_id: int):
    user = user_service.get(user_id)
    form = VersionedActionForm()
    if form.validate_on_submit():
        try:
            two_step.reset(user, actor=current_user, version=_version(form))
        except (Conflict, ValidationFailed) as conflict:
            flash(conflict.message, "error")
        else:
            flash(f"{user.name}'s two-step sign-in has been reset and they have been signed out everywhere. "
                  "They set it up again when they next sign in.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/audit")
@roles_required(ADMIN, MANAGER)
def audit():
    return audit_page.render()


@bp.route("/audit/export", methods=["GET", "POST"])
@roles_required(ADMIN)  # a disclosure of the trail: administrators only (managers read it on the page)
def audit_export():
    return audit_page.render_export()
