"""The forms of the account pages (Flask-WTF, drawn with govuk-frontend-wtf's widgets)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import PasswordField, StringField


class _Form(FlaskForm):
    class Meta:
        csrf = False  # CSRFProtect checks every POST app-wide; the page carries the token


class ForgottenForm(_Form):
    email = StringField(_l("Email address"), widget=GovTextInput(),
                        filters=[lambda v: (v or "").strip()[:254]])


class PasswordForm(_Form):
    display_name = StringField(_l("Full name"), widget=GovTextInput(),
                               description=_l("As your colleagues know you"))
    password = PasswordField(_l("New password"), widget=GovPasswordInput(),
                             description=_l("At least 12 characters. A few unrelated words "
                                            "make a strong password that is easy to remember."))
    password_again = PasswordField(_l("Type the new password again"),
                                   widget=GovPasswordInput())
