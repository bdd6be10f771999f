"""The sign-in form (Flask-WTF, drawn with govuk-frontend-wtf's widgets)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length


class SignInForm(FlaskForm):
    class Meta:
        csrf = False  # CSRFProtect checks every POST app-wide; the page carries the token

    email = StringField(_l("Email address"), widget=GovTextInput(), filters=[
        lambda v: (v or "").strip()[:254]],
        validators=[InputRequired(_l("Enter your email address"))])
    password = PasswordField(_l("Password"), widget=GovPasswordInput(), validators=[
        InputRequired(_l("Enter your password")), Length(max=1024)])

    def errors_by_field(self) -> dict[str, str]:
        return {name: messages[0] for name, messages in self.errors.items()}
