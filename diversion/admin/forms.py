from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (GovPasswordInput, GovRadioInput, GovSelect, GovSubmitInput,
                                                GovTextInput)
from wtforms import EmailField, HiddenField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length

from diversion.domain import roles

ROLE_CHOICES = [(role, roles.label(role)) for role in roles.ROLES]


class CreateUserForm(FlaskForm):
    name = StringField("Full name", widget=GovTextInput(),
                       validators=[DataRequired("Enter the person's full name"), Length(max=100)])
    email = EmailField("Email address", widget=GovTextInput(),
                       validators=[DataRequired("Enter an email address"), Length(max=254)])
    role = RadioField("Role", choices=ROLE_CHOICES, widget=GovRadioInput(),
                      validators=[InputRequired("Choose a role")])
    password = PasswordField("Initial password", widget=GovPasswordInput(),
                             validators=[DataRequired("Enter an initial password")])
    submit = SubmitField("Create user", widget=GovSubmitInput())


class ChangeRoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES, widget=GovSelect(),
                       validators=[InputRequired("Choose a role")])
    version = HiddenField()
    submit = SubmitField("Change role", widget=GovSubmitInput())


class VersionedActionForm(FlaskForm):
    """A button that acts on a record the user read at `version`."""
    version = HiddenField()


class CreateTokenForm(FlaskForm):
    user_id = SelectField("User the token acts as", coerce=int, widget=GovSelect(),
                          validators=[InputRequired("Choose a user")])
    name = StringField("Token name", widget=GovTextInput(),
                       description="The system that will use it, for example 'Custody system (Durham)'",
                       validators=[DataRequired("Enter a name for the token"), Length(max=100)])
    submit = SubmitField("Create token", widget=GovSubmitInput())
