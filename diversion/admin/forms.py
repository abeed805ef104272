from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (GovPasswordInput, GovRadioInput, GovSelect, GovSubmitInput,
                                                GovTextInput)
from wtforms import EmailField, HiddenField, PasswordField, RadioField, SelectField, StringField, SubmitField

from diversion.domain import roles

ROLE_CHOICES = [(role, roles.label(role)) for role in roles.ROLES]


# Forms carry the CSRF token and the typed values; the services validate (once, for pages and API alike)
# and report every bad field together.


class CreateUserForm(FlaskForm):
    name = StringField("Full name", widget=GovTextInput())
    email = EmailField("Email address", widget=GovTextInput())
    role = RadioField("Role", choices=ROLE_CHOICES, widget=GovRadioInput(), validate_choice=False)
    password = PasswordField("Initial password", widget=GovPasswordInput())
    submit = SubmitField("Create user", widget=GovSubmitInput())


class ChangeRoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES, widget=GovSelect(), validate_choice=False)
    version = HiddenField()
    submit = SubmitField("Change role", widget=GovSubmitInput())


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", widget=GovPasswordInput())
    version = HiddenField()
    submit = SubmitField("Set new password", widget=GovSubmitInput())


class VersionedActionForm(FlaskForm):
    """A button that acts on a record the user read at `version`."""
    version = HiddenField()
