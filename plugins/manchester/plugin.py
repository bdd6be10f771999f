"""Manchester's local policy: after publication, a learning pack for practitioners and
learning events, with the Safeguarding Adults Board and the children's safeguarding
partnership recorded as recipients."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.hooks import hookimpl, messages

NAME = "manchester"
_ = messages(__file__, NAME)
_l = _.lazy
RECIPIENTS = ("Safeguarding Adults Board", "Safeguarding Children Partnership")


class Settings(Schema):
    learning_pack_days = fields.Integer(load_default=60, validate=validate.Range(min=1, max=365),
                                        metadata={"label": _l("Days after publication the "
                                                              "learning pack is due"),
                                                  "widget": "text"})


class Manchester:
    @hookimpl
    def policy_info(self):
        return {"name": NAME, "title": _("Manchester local policy"),
                "description": _("After publication: a learning pack for practitioners and "
                                 "learning events; the adults' and children's safeguarding "
                                 "boards receive the learning."),
                "settings": Settings}

    @hookimpl
    def publication_items(self, ctx, review):
        # The learning pack is published on the website "as soon as practicable after
        # publication": the public page lists it once it is uploaded and published. Source:
        # seed 002 Manchester; SEED-AUDIT.md M8.
        return ["learning_product"]

    @hookimpl
    def learning_outputs(self, ctx, review):
        days = ctx.settings_of(NAME).get("learning_pack_days", 60)
        return [
            {"key": "learning_pack", "title": _("Learning pack for practitioners"),
             "due_days": days, "recipients": list(RECIPIENTS)},
            {"key": "learning_event", "title": _("Learning event"), "due_days": days + 30,
             "recipients": list(RECIPIENTS)},
        ]


plugin = Manchester()
