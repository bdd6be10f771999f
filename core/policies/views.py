"""For a tenant's members: which local policies apply, and a review's local fields."""
from __future__ import annotations

import uuid

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from core.audit import service as audit
from core.auth.guards import requires, tenant_pages
from core.hooks.manager import PluginFailed
from core.policies import local, location, prefill
from core.policies import service as policies
from core.reviews.lookup import review_or_404
from core.web import forms

bp = Blueprint("policies", __name__, url_prefix="/t/<slug>", template_folder="templates")
tenant_pages(bp)
# Plugin failures met while answering any request are audited once it is answered.
bp.after_app_request(policies.failures_after_request)
# A policy's name for people on every page ("Warrington local policy", not "warrington").
bp.app_template_filter("policy_title")(location.policy_title)


@bp.get("/policies")
def applied():
    enabled = policies.enabled(g.tenant.id)
    rows = [dict(info, settings_rows=prefill.in_words(
                forms.describe(info["settings"]) if info.get("settings") else [],
                enabled[info["name"]]))
            for info in policies.catalogue() if info["name"] in enabled]
    return render_template("policies/applied.html", policies=rows)



@bp.route("/reviews/<uuid:review_id>/local/<plugin>", methods=["GET", "POST"])
@requires("review.read")
def local_fields(review_id: uuid.UUID, plugin: str):
    review = review_or_404(review_id)
    schema = local.schema_for(g.tenant, review, plugin)
    if schema is None:
        abort(404)
    described = forms.describe(schema)
    values = (review.local_fields or {}).get(plugin, {})
    context = {"review": review, "plugin": plugin, "fields": described, "values": values,
               "local_heading": location.local_place(plugin)}
    if request.method == "GET":  # the boxes hold what was saved (issue 14)
        audit.read("local_fields", review.id, plugin=plugin)
        return render_template("policies/local.html", errors={},
                               form=prefill.form_values(described, values), **context)
    if not policies.allows_update(g.roles):
        abort(403)
    data, errors = forms.read(schema)
    if not errors:
        try:
            local.save(review, plugin, schema, data)
            return redirect(url_for("reviews.detail", review_id=review.id))
        except ValidationError as invalid:  # the record's dates out of order
            errors = {name: messages[0] for name, messages in invalid.messages.items()}
        except local.LocalConflict:
            errors = {"form": _("These fields can no longer change: the review is closed, or "
                                "it is a joint review led by another partnership.")}
        except PluginFailed as failed:
            errors = {"form": _("The local policy '%(plugin)s' failed, so nothing was saved. "
                                "Tell your regional admin.", plugin=failed.plugin)}
    return render_template("policies/local.html", errors=errors, form=request.form,
                           **context), 400
