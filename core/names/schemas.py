"""What the real-name form and API take in."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

ROLES = ("victim", "perpetrator", "family_member", "child", "witness", "other")


class ProtectedNameIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES), metadata={
        "label": _l("Who they are in the review"), "widget": "choice", "choices": ROLES})
    pseudonym = fields.String(required=True, validate=validate.Length(min=1, max=100),
                              metadata={"label": _l("Pseudonym used in documents")})
    real_name = fields.String(required=True, validate=validate.Length(min=2, max=200),
                              metadata={"label": _l("Real name")})
    aliases = fields.String(load_default=None, validate=validate.Length(max=2000), metadata={
        "label": _l("Other names and spellings, one per line"), "widget": "textarea"})
    date_of_birth = fields.Date(load_default=None, metadata={
        "label": _l("Date of birth"), "widget": "date"})
    address = fields.String(load_default=None, validate=validate.Length(max=500), metadata={
        "label": _l("Address"), "widget": "textarea"})
