"""``/t/<slug>/published``: no sign-in. The tenant comes from the URL; an unknown one is
a 404 like any other."""
from __future__ import annotations

import io
from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _

from core.auth.limits import limiter
from core.lifecycle.messages import N_
from core.policies import service as policies
from core.public import service
from tenants import context
from tenants.service import logo_of, tenant_by_slug

bp = Blueprint("public", __name__, url_prefix="/t/<slug>/published",
               template_folder="templates")


@bp.url_value_preprocessor
def _tenant(_endpoint, values):
    tenant = tenant_by_slug((values or {}).pop("slug", ""))
    if tenant is None:
        abort(404)
    g.public_tenant = tenant
    g.tenant_token = context.enter(tenant.id)  # released by core/auth/guards.release_tenant


@bp.url_defaults
def _slug(_endpoint, values):
    if "slug" not in values and getattr(g, "public_tenant", None) is not None:
        values["slug"] = g.public_tenant.slug


def _item(reference: str) -> service.Published:
    item = service.find(g.public_tenant.id, reference[:40])
    if item is None:
        abort(404)
    return item


@bp.get("")
def index():
    tenant = g.public_tenant
    today = date.today()
    return render_template("public/index.html", tenant=tenant, today=today,
                           items=[i for i in service.published(tenant.id, today)
                                  if i.listed(today)],
                           notices=service.not_published(tenant.id),
                           terms=policies.terms(tenant),
                           month_year=month_year, file_format=file_format,
                           file_size=file_size,
                           slot_lines=policies.slot_lines(tenant, "published_page"))


def month_year(value: date) -> str:
    """A review's title date: month and year of publication (SEED-AUDIT.md W12)."""
    return format_date(value, "MMMM yyyy")


FORMATS = {"application/pdf": N_("PDF"), "text/plain": N_("Plain text"),
           "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
           N_("Word document")}


def file_format(content_type: str) -> str:
    return _(FORMATS[content_type]) if content_type in FORMATS else _("Other format")


def file_size(size: int) -> str:
    """Sizes as GOV.UK attachments give them: bytes, KB or MB."""
    if size < 1024:
        return ngettext("%(num)d byte", "%(num)d bytes", size)
    if size < 1024 * 1024:
        return _("%(size)s KB", size=format_decimal(round(size / 1024)))
    return _("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1)))


@bp.get("/logo")
def logo():
    """The partnership's header logo (public, like its name); 404 when it has none."""
    png = logo_of(g.public_tenant)
    if png is None:
        abort(404)
    response = send_file(io.BytesIO(png), mimetype="image/png", max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/<reference>/<kind>")
def download(reference: str, kind: str):
    found = service.document(_item(reference), kind, date.today())
    if found is None:
        abort(404)
    version, content = found
    return send_file(io.BytesIO(content), mimetype=version.content_type, as_attachment=True,
                     download_name=f"{reference}-{kind}{_suffix(version.content_type)}")


def _suffix(content_type: str) -> str:
    return {"application/pdf": ".pdf", "text/plain": ".txt"}.get(content_type, "")


@bp.route("/<reference>/request", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["DHR_PUBLIC_REQUEST_LIMIT"], methods=["POST"],
               scope="public-request")
def ask(reference: str):
    item = _item(reference)
    if not item.on_request(date.today()):
        abort(404)
    errors, form = {}, request.form
    if request.method == "POST":
        email = form.get("email", "").strip()
        if "@" not in email or len(email) > 254:
            errors["email"] = _("Enter an email address, like name@example.com")
        elif len(form.get("message", "")) > 2000:
            errors["message"] = _("The message must be 2000 characters or fewer")
        else:
            service.request_copy(item, email, form.get("message", "").strip() or None,
                                 g.public_tenant.id)
            return redirect(url_for("public.index", sent=1))
    return render_template("public/request.html", tenant=g.public_tenant, item=item,
                           errors=errors, form=form), 400 if errors else 200
