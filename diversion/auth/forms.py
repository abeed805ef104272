from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class SignInForm(FlaskForm):
    email = EmailField("Email address", widget=GovTextInput(),
                       validators=[DataRequired("Enter your email address"), Length(max=254)])
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[DataRequired("Enter your password"), Length(max=256)])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    # validated by services.users.change_password, which reports every problem at once
    current_password = PasswordField("Current password", widget=GovPasswordInput())
    new_password = PasswordField("New password", widget=GovPasswordInput())
    confirm_password = PasswordField("Confirm new password", widget=GovPasswordInput())
    submit = SubmitField("Change password", widget=GovSubmitInput())


class SignOutForm(FlaskForm):
    """Only the CSRF token: signing out is a POST."""


class CodeForm(FlaskForm):
    # checked by services.two_step, which says what is wrong with a code
    code = StringField("Security code", widget=GovTextInput())
    submit = SubmitField("Continue", widget=GovSubmitInput())


class RecoveryCodeForm(FlaskForm):
    recovery_code = StringField("Recovery code", widget=GovTextInput())
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ActionForm(FlaskForm):
    """Only the CSRF token: a button that starts something."""
