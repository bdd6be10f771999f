"""The cross-tenant matrix: every URL rule × every role of another tenant.

Walks ``app.url_map``. For each rule that takes a tenant or an object, tenant alpha's
objects are read, listed, created, changed and revoked by people (and tokens) of tenant
beta in every role, by alpha's regional admin and by a platform admin (neither may see case
content). Each attempt must answer 404 (or 403 inside beta's own tenant) and change
nothing. A rule the matrix cannot classify fails the test, so new endpoints are covered by
default.
"""
from __future__ import annotations

import io

from sqlalchemy import select

from core.auth.models import ApiToken
from core.db import db
from tenants.context import tenant_scope
from tenants.models import Membership, Tenant, TenantPlugin
from tenants.roles import TenantRole
from tenants.scoping import scoped_models
from tests.factories import RECORD_SAMPLES, sign_in

# Rules that belong to no tenant and show no case data.
GLOBAL_RULES = {
    "static", "health.healthz", "auth.sign_in", "auth.sign_out", "web.home",
    "api-docs.openapi_json", "admin.tenants", "web.accessibility", "auth.second_factor",
    "auth.set_up_second_factor", "auth.account", "auth.sign_out_everywhere",
    "auth.new_recovery_codes",
    # reached from an email: the token is a secret of one account, not a tenant's object
    # (tests/core/test_invitations_and_resets.py tries used, expired and replaced links)
    "accounts.forgotten", "accounts.choose_password",
}
def _item(world, rule):
    key = rule.endpoint.split(".")[-1].removesuffix("_item").removesuffix("_edit") \
        .removesuffix("_remove")
    return world.items[("alpha", key)]


# A text field of each kind that can be corrected after it is entered.
CORRECTIONS = {"scoping_returns": "agency", "chair_appointments": "name", "quotes": "supplier",
               "panel_members": "name", "panel_meetings": "summary",
               "family_contacts": "relationship", "recommendations": "addressed_to",
               "parallel_processes": "description"}


def _overwrite(how: str, field: str):
    return lambda w: {how: {field: "Matrix overwrite"}}


# How to fill each URL parameter with one of tenant alpha's objects.
OBJECTS = {
    "review_id": lambda w, rule: w.reviews["alpha"][0].id,
    "token_id": lambda w, rule: w.token_rows[("alpha", "review_coordinator")].id,
    "item_id": _item,
    "document_id": lambda w, rule: w.documents["alpha"],
    "number": lambda w, rule: 1,
    "to": lambda w, rule: "scoping",
    "plugin": lambda w, rule: "warrington",
    "name": lambda w, rule: "warrington",
    "tenant_slug": lambda w, rule: "alpha",
    "share_id": lambda w, rule: w.shares["alpha"],
    "reference": lambda w, rule: w.reviews["alpha"][0].reference,
    "kind": lambda w, rule: "terms_of_reference",
    "membership_id": lambda w, rule: _alpha_membership(),
    "name_id": lambda w, rule: w.items[("alpha", "names")],
    "sar_id": lambda w, rule: w.items[("alpha", "sar")],
    "request_id": lambda w, rule: w.items[("alpha", "role_request")],
}


def _alpha_membership():
    """Alpha's coordinator role: the one another tenant's admin would like to remove."""
    alpha = db.session.scalar(select(Tenant).where(Tenant.slug == "alpha"))
    return db.session.scalar(select(Membership.id).where(
        Membership.tenant_id == alpha.id, Membership.role == TenantRole.REVIEW_COORDINATOR))


def _json_sample(key):
    def body(world):
        data = {k: v.isoformat() if hasattr(v, "isoformat") else v
                for k, v in RECORD_SAMPLES[key].items()}
        if key == "actions":
            data["recommendation_id"] = str(world.items[("beta", "recommendations")])
        return {"json": data}
    return body


def _form_sample(key):
    def body(world):
        form = {}
        for name, value in RECORD_SAMPLES[key].items():
            if hasattr(value, "isoformat"):
                form.update({f"{name}-day": value.day, f"{name}-month": value.month,
                             f"{name}-year": value.year})
            else:
                form[name] = value
        if key == "actions":
            form["recommendation_id"] = str(world.items[("beta", "recommendations")])
        return {"data": form}
    return body


def _file(world):
    return {"data": {"kind": "other", "title": "Matrix", "file": (io.BytesIO(b"matrix"), "m.txt")},
            "content_type": "multipart/form-data"}


# A valid body for every rule that takes one, so tenancy is the only reason to refuse.
BODIES = {
    "reviews.new": lambda w: {"data": {
        "pseudonym": "Matrix Adult", "date_of_death-day": "1", "date_of_death-month": "3",
        "date_of_death-year": "2026", "notification_date-day": "2",
        "notification_date-month": "3", "notification_date-year": "2026",
        "notifying_agency": "Matrix Police"}},
    "reviews_api.create_review": lambda w: {"json": {
        "pseudonym": "Matrix Adult", "date_of_death": "2026-03-01",
        "notification_date": "2026-03-02", "notifying_agency": "Matrix Police"}},
    "reviews_api.take_step": lambda w: {"json": {"to": "scoping"}},
    "tokens.create_token": lambda w: {"data": {"name": "matrix"}},
    "tokens.revoke_token": lambda w: {"data": {}},
    "records_api.agency_reports_item": lambda w: {"json": {"returned_on": "2026-03-20"}},
    "records_api.actions_item": lambda w: {"json": {"status": "complete",
                                                    "completed_on": "2026-03-20"}},
    "documents_api.add_document": _file,
    "documents_api.add_version": _file,
    **{f"records_api.{key}_collection": _json_sample(key) for key in RECORD_SAMPLES},
    **{f"records.{key}_add": _form_sample(key) for key in RECORD_SAMPLES},
    "records.agency_reports_edit": lambda w: {"data": {
        "returned_on-day": "20", "returned_on-month": "3", "returned_on-year": "2026"}},
    "records.actions_edit": lambda w: {"data": {"status": "complete"}},
    # issue 13: records a step makes, then only marked done (or received, or copies sent)
    "records_api.learning_tasks_item": lambda w: {"json": {"done_on": "2026-03-20",
                                                           "evidence": "Matrix"}},
    "records.learning_tasks_edit": lambda w: {"data": {
        "done_on-day": "20", "done_on-month": "3", "done_on-year": "2026", "evidence": "M"}},
    "records_api.learning_receipts_item": lambda w: {"json": {"received_on": "2026-03-20"}},
    "records.learning_receipts_edit": lambda w: {"data": {
        "received_on-day": "20", "received_on-month": "3", "received_on-year": "2026"}},
    "records_api.home_office_submissions_item": lambda w: {"json": {
        "copies_sent_on": "2026-03-20"}},
    "records.home_office_submissions_edit": lambda w: {"data": {
        "copies_sent_on-day": "20", "copies_sent_on-month": "3",
        "copies_sent_on-year": "2026"}},
    "records_api.home_office_changes_item": lambda w: {"json": {"done_on": "2026-03-20"}},
    "records.home_office_changes_edit": lambda w: {"data": {
        "done_on-day": "20", "done_on-month": "3", "done_on-year": "2026"}},
    "records_api.early_learning_item": lambda w: {"json": {"action": "Matrix overwrite"}},
    "records.early_learning_edit": lambda w: {"data": {"action": "Matrix overwrite"}},
    # corrections: the other tenant tries to overwrite one field of each kind
    **{f"records_api.{key}_item": _overwrite("json", field)
       for key, field in CORRECTIONS.items()},
    **{f"records.{key}_edit": _overwrite("data", field) for key, field in CORRECTIONS.items()},
    **{f"records.{key}_remove": lambda w: {"data": {}} for key in RECORD_SAMPLES},
    "reviews.step": lambda w: {"data": {}},
    # issue 13, part 3: the case facts at notification, corrected
    "reviews.case_facts_page": lambda w: {"data": {"victim_age": "30"}},
    "reviews_api.update_case_facts": lambda w: {"json": {"victim_age": 30}},
    # issue 14: the review's own details corrected; a notification withdrawn (in error)
    "reviews.details_page": lambda w: {"data": {"pseudonym": "Matrix overwrite",
                                                "_present": "pseudonym"}},
    "reviews_api.update_details": lambda w: {"json": {"pseudonym": "Matrix overwrite"}},
    "reviews.withdraw_page": lambda w: {"data": {"reason": "Matrix withdrawal"}},
    "reviews_api.withdraw": lambda w: {"json": {"reason": "Matrix withdrawal"}},
    "policies.local_fields": lambda w: {"data": {"review_cost": "1500.00"}},
    "policies_api.put_local": lambda w: {"json": {"fields": {"review_cost": "1500.00"}}},
    "admin.enable": lambda w: {"data": {"min_quotes": "2"}},
    "admin.disable": lambda w: {"data": {}},
    "admin_api.enable_policy": lambda w: {"json": {"settings": {"min_quotes": 2}}},
    "admin_api.disable_policy": lambda w: {},
    "public.ask": lambda w: {"data": {"email": "matrix@example.org"}},
    # issue 13: a document published after the review (Manchester's learning pack)
    "public_api.publish_document": lambda w: {"json": {"kind": "learning_product"}},
    "public_manage.publish_document": lambda w: {"data": {}},
    "joint.accept": lambda w: {"data": {}},
    "joint.sign_off": lambda w: {"data": {}},
    "joint.remove": lambda w: {"data": {}},
    "joint_api.accept": lambda w: {},
    "joint_api.sign_off": lambda w: {},
    "joint_api.remove": lambda w: {},
    "documents.upload": _file,
    # issue 14: a document (or one version) entered in error, removed with a reason
    "documents.remove": lambda w: {"data": {"reason": "Matrix"}},
    "documents.remove_version": lambda w: {"data": {"reason": "Matrix"}},
    "documents_api.remove_document": lambda w: {"json": {"reason": "Matrix"}},
    "documents_api.remove_version": lambda w: {"json": {"reason": "Matrix"}},
    "members.add": lambda w: {"data": {"email": "viewer@beta.test", "role": "csp_chair"}},
    "members.remove": lambda w: {"data": {}},
    "admin.branding": lambda w: {"data": {"colour": "purple"}},
    "members.branding": lambda w: {"data": {"colour": "purple"}},
    "targets.save": lambda w: {"data": {"england-2016.first_panel_meeting": "3"}},
    "targets_api.put_targets": lambda w: {"json": {"targets": {
        "england-2016": {"first_panel_meeting": 3}}}},
    "names.names": lambda w: {"data": {"role": "perpetrator", "pseudonym": "Adult B",
                                       "real_name": "Invented Matrix Name"}},
    "names.remove": lambda w: {"data": {}},
    "sar.requests": lambda w: {"data": {"requester": "Matrix", "terms": "Invented",
                                        "received_on-day": "1", "received_on-month": "3",
                                        "received_on-year": "2026"}},
    "sar.complete": lambda w: {"data": {}},
    "members.approve": lambda w: {"data": {}},
    "members.refuse": lambda w: {"data": {}},
    "member_requests.admin_approve": lambda w: {"data": {}},
    "member_requests.admin_refuse": lambda w: {"data": {}},
}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _snapshot(world) -> dict:
    """Every row of every tenant-owned table of both tenants, and every credential."""
    db.session.expire_all()
    snap = {}
    for slug, tenant in world.tenants.items():
        with tenant_scope(tenant.id):
            for model in scoped_models(db.Model):
                table = model.__table__
                snap[f"{slug}.{table.name}"] = sorted(
                    tuple(str(v) for v in row) for row in db.session.execute(select(table)))
        db.session.commit()
    snap["tokens"] = sorted((str(t.id), str(t.tenant_id), t.revoked_at is None)
                            for t in db.session.scalars(select(ApiToken)))
    snap["memberships"] = sorted((str(m.user_id), str(m.tenant_id), m.role.value)
                                 for m in db.session.scalars(select(Membership)))
    snap["branding"] = sorted((t.slug, t.brand_colour, t.logo_version)
                              for t in db.session.scalars(select(Tenant)))
    snap["targets"] = sorted((t.slug, str(t.local_targets))
                             for t in db.session.scalars(select(Tenant)))
    snap["plugins"] = sorted((str(p.tenant_id), p.name, str(p.settings))
                             for p in db.session.scalars(select(TenantPlugin)))
    db.session.commit()
    return snap


def _classify(rule) -> str:
    params = set(rule.arguments)
    if rule.endpoint in GLOBAL_RULES:
        return "global"
    unknown = params - {"slug"} - set(OBJECTS)
    if rule.endpoint.startswith("public."):
        return "public"
    if "tenant_slug" in params and not unknown:
        return "admin_api" if rule.rule.startswith("/api/") else "admin"
    if "slug" not in params or unknown:
        raise AssertionError(
            f"the isolation matrix cannot classify {rule.rule} ({rule.endpoint}): "
            f"add it to GLOBAL_RULES or teach OBJECTS its parameters {sorted(unknown)}")
    return "api" if rule.rule.startswith("/api/") else "html"


def _url(app, rule, slug: str, world) -> str:
    values = {name: OBJECTS[name](world, rule) for name in rule.arguments if name != "slug"}
    if "slug" in rule.arguments:
        values["slug"] = slug
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _send(client, method: str, url: str, endpoint: str, world, token: str | None):
    if method != "GET" and endpoint not in BODIES:
        raise AssertionError(f"the matrix has no body for {method} {endpoint}: add one")
    request = BODIES[endpoint](world) if method != "GET" else {}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.open(url, method=method, headers=headers, **request)


def _actors(world, kind: str):
    """(label, email to sign in as, token) for everyone who is not a member of alpha (for
    admin rules: everyone who does not administer alpha)."""
    if kind in ("admin", "admin_api"):
        yield ("beta's regional admin", world.users[("south", "regional_admin")].email,
               world.admin_tokens["south"])
    for role in TenantRole:
        user = world.users[("beta", role.value)]
        yield (f"beta {role.value}", user.email, world.tokens[("beta", role.value)])
    if kind == "html":  # only tenant members hold tokens
        yield ("alpha's regional admin", world.users[("north", "regional_admin")].email, None)
        yield ("platform admin", world.users[("hub", "platform_admin")].email, None)


def _enable_warrington_for_alpha(world) -> None:
    """Alpha runs a local policy and leads a joint review shared with a third partnership,
    so the matrix also proves that a share opens nothing to anyone else; and its CSP admin
    has a role request waiting for a second admin."""
    from core.auth import service as auth
    from core.joint import service as joint
    from core.policies import service as policies
    from core.reviews.service import find_review
    from tests.factories import add_member, make_tenant, make_user

    policies.enable(world.tenants["alpha"], "warrington", {"min_quotes": 3})
    gamma = make_tenant("gamma", world.regions["south"], "GAM")
    coordinator = make_user("review_coordinator@gamma.test")
    add_member(coordinator, gamma, TenantRole.REVIEW_COORDINATOR)
    db.session.commit()
    with tenant_scope(world.tenants["alpha"].id):
        joint.sync(find_review(world.reviews["alpha"][1].id), {"gamma"})
        db.session.commit()
    with tenant_scope(gamma.id):
        share = joint.invitations()[0][0]
        joint.accept(share.id)
    world.shares["alpha"] = share.id
    world.tenants["gamma"] = gamma
    # alpha's CSP admin asked for the chair role: a request beta's admins would like to approve
    from tenants.models import RoleRequest

    admin = world.users[("alpha", "csp_admin")]
    with tenant_scope(world.tenants["alpha"].id):
        request = RoleRequest(user_id=admin.id, role=TenantRole.CSP_CHAIR,
                              requested_by=admin.id)
        db.session.add(request)
        db.session.commit()
        world.items[("alpha", "role_request")] = request.id
    world.tokens[("gamma", "review_coordinator")] = auth.create_token(coordinator, gamma,
                                                                      "m")[1]
    _add_step_records(world)


def _add_step_records(world) -> None:
    """Records only a step makes (issue 13): alpha's learning task, its receipt and a Home
    Office submission, so their pages and API are in the matrix too."""
    from datetime import date

    from core.records.models import HomeOfficeSubmission, LearningReceipt, LearningTask

    review_id = world.reviews["alpha"][0].id
    with tenant_scope(world.tenants["alpha"].id):
        task = LearningTask(review_id=review_id, key="learning_pack", title="Matrix pack",
                            due_on=date(2030, 1, 1), recipients=["Invented Board"])
        submission = HomeOfficeSubmission(review_id=review_id, signed_off_on=date(2026, 3, 1),
                                          submitted_on=date(2026, 3, 2))
        db.session.add_all([task, submission])
        db.session.flush()
        receipt = LearningReceipt(review_id=review_id, learning_task_id=task.id,
                                  recipient="Invented Board")
        db.session.add(receipt)
        db.session.commit()
        world.items[("alpha", "learning_tasks")] = task.id
        world.items[("alpha", "learning_receipts")] = receipt.id
        world.items[("alpha", "home_office_submissions")] = submission.id


def test_public_pages_show_nothing_that_was_not_published(app, world):
    """Public rules need no sign-in: nothing unpublished may show, for anyone."""
    before = _snapshot(world)
    # (the reference itself may echo back in the language switch link of the 404 page)
    secrets = ("Test Adult", "Second Adult", "Invented", "Test Police", "Adult A")
    for rule in app.url_map.iter_rules():
        if _classify(rule) != "public":
            continue
        for method in sorted(set(rule.methods) & set(METHODS)):
            for slug in ("alpha", "beta"):
                response = _send(app.test_client(), method, _url(app, rule, slug, world),
                                 rule.endpoint, world, None)
                body = response.get_data(as_text=True)
                assert response.status_code in (200, 404), (method, rule.rule, slug)
                assert not any(s in body for s in secrets), (method, rule.rule, slug)
    assert _snapshot(world) == before


def test_every_rule_refuses_every_other_tenant_role(app, world):
    _enable_warrington_for_alpha(world)
    before = _snapshot(world)
    failures, tried, rules_checked = [], 0, set()
    for rule in app.url_map.iter_rules():
        kind = _classify(rule)
        if kind in ("global", "public"):
            continue
        rules_checked.add(rule.rule)
        has_objects = kind in ("html", "api") and any(name in OBJECTS for name in rule.arguments)
        for method in sorted(set(rule.methods) & set(METHODS)):
            for label, email, token in _actors(world, kind):
                client = app.test_client()
                if kind in ("html", "admin"):
                    assert sign_in(client, email).status_code == 302
                variants = [("alpha", {401, 404} if kind == "admin_api" else {404})]
                if has_objects:  # beta's own tenant in the URL, alpha's object in the path
                    variants.append(("beta", {403, 404}))
                for slug, allowed in variants:
                    url = _url(app, rule, slug, world)
                    response = _send(client, method, url, rule.endpoint, world,
                                     token if kind in ("api", "admin_api") else None)
                    tried += 1
                    if response.status_code not in allowed:
                        failures.append(f"{method} {url} as {label}: {response.status_code}")
                    if _snapshot(world) != before:
                        failures.append(f"{method} {url} as {label} CHANGED DATA")
                        before = _snapshot(world)
    assert not failures, "cross-tenant access:\n" + "\n".join(failures)
    # The walk really happened (printed for the closing note: pytest -s).
    print(f"isolation matrix: {len(rules_checked)} tenant rules, {tried} cross-tenant requests")
    assert len(rules_checked) >= 25 and tried >= 400


def test_anonymous_requests_reach_nothing(app, world):
    _enable_warrington_for_alpha(world)
    before = _snapshot(world)
    client = app.test_client()
    for rule in app.url_map.iter_rules():
        kind = _classify(rule)
        if kind in ("global", "public"):
            continue
        for method in sorted(set(rule.methods) & set(METHODS)):
            response = _send(client, method, _url(app, rule, "alpha", world), rule.endpoint,
                             world, None)
            expected = 401 if kind in ("api", "admin_api") else 302
            assert response.status_code == expected, (method, rule.rule)
            if kind in ("html", "admin"):
                assert "/sign-in" in response.headers["Location"]
    assert _snapshot(world) == before


def test_an_unknown_rule_shape_fails_the_matrix(app):
    """A new endpoint with an unknown parameter must not slip through unclassified."""
    import pytest
    from werkzeug.routing import Rule

    with pytest.raises(AssertionError, match="cannot classify"):
        _classify(Rule("/t/<slug>/documents/<uuid:document_id>", endpoint="documents.get"))
    with pytest.raises(AssertionError, match="cannot classify"):
        _classify(Rule("/exports/everything", endpoint="exports.all"))


def test_members_reach_their_own_tenant(app, world):
    """The control: the same URLs work for alpha's own coordinator, so 404s above mean
    isolation, not broken routes."""
    client = app.test_client()
    sign_in(client, world.users[("alpha", "review_coordinator")].email)
    review = world.reviews["alpha"][0]
    assert client.get("/t/alpha/").status_code == 200
    assert client.get(f"/t/alpha/reviews/{review.id}").status_code == 200
    token = world.tokens[("alpha", "review_coordinator")]
    api = client.get(f"/api/v1/t/alpha/reviews/{review.id}",
                     headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200 and api.json["reference"] == review.reference
