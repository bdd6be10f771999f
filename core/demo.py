"""Invented demo data: every partnership, person and case here is fictional.

Loading is idempotent: running it again adds nothing that is already there.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core.audit import service as audit
from core.auth.models import User
from core.auth.service import create_user
from core.db import db
from core.reviews import service as reviews
from core.reviews.models import Review
from tenants.context import tenant_scope
from tenants.models import Membership, Region, RegionMembership, Tenant
from tenants.roles import RegionRole, TenantRole

REGIONS = {
    "cheshire": "Cheshire (demo)",
    "lancashire": "Lancashire (demo)",
    "greater-manchester": "Greater Manchester (demo)",
    "west-midlands": "West Midlands (demo)",
}
# slug, name, reference prefix, police force, region
TENANTS = [
    ("warrington", "Warrington CSP (demo)", "WAR", "Cheshire Constabulary", "cheshire"),
    ("preston", "Preston CSP (demo)", "PRE", "Lancashire Constabulary", "lancashire"),
    ("bolton", "Bolton CSP (demo)", "BOL", "Greater Manchester Police", "greater-manchester"),
    ("manchester", "Manchester CSP (demo)", "MAN", "Greater Manchester Police",
     "greater-manchester"),
    ("wigan", "Wigan CSP (demo)", "WIG", "Greater Manchester Police", "greater-manchester"),
    ("walsall", "Walsall CSP (demo)", "WAL", "West Midlands Police", "west-midlands"),
]
# (pseudonym, days before today it was notified, the stage the demo takes it to, on hold)
REVIEWS = [
    ("Adult A (invented demo case)", 300, "notified", False),   # decision long overdue
    ("Adult B (invented demo case)", 20, "scoping", False),     # decision due soon
    ("Adult C (invented demo case)", 200, "not_commissioned", False),
    ("Adult D (invented demo case)", 150, "setup", True),       # on hold: a trial
    ("Adult E (invented demo case)", 120, "evidence", False),   # an agency report late
    ("Adult F (invented demo case)", 400, "home_office_qa", False),
    ("Adult G (invented demo case)", 600, "published", False),
    ("Adult H (invented demo case)", 700, "monitoring", False),
]
REGIONAL_ADMIN = ("regional@greater-manchester.example", "greater-manchester")


def _get_or_add(model, lookup: dict, **values):
    row = db.session.scalar(select(model).filter_by(**lookup))
    if row is None:
        row = model(**lookup, **values)
        db.session.add(row)
        db.session.flush()
    return row


# Every demo account shares this invented authenticator key (`flask dhr demo code` prints
# the current code). Production refuses demo data, so it never holds this key.
DEMO_TOTP_SECRET = "DHRHUBDEMOINVENTEDKEYFORDEMOONLY"


def _user(email: str, name: str, password: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = create_user(email, name, password, totp_secret=DEMO_TOTP_SECRET)
        db.session.flush()
    return user


def load() -> list[tuple[str, str, str]]:
    """Create the demo; return (email, password, what they are) for each demo account."""
    accounts: list[tuple[str, str, str]] = []
    regions = {slug: _get_or_add(Region, {"slug": slug}, name=name)
               for slug, name in REGIONS.items()}
    for slug, name, prefix, force, region in TENANTS:
        tenant = _get_or_add(Tenant, {"slug": slug}, name=name, reference_prefix=prefix,
                             police_force=force, region_id=regions[region].id, locale="en")
        for who, role, label in (("coordinator", TenantRole.REVIEW_COORDINATOR, "Coordinator"),
                                 ("chair", TenantRole.CSP_CHAIR, "CSP chair"),
                                 ("admin", TenantRole.CSP_ADMIN, "CSP admin")):
            email, password = f"{who}@{slug}.example", f"demo-{slug}"
            user = _user(email, f"Demo {label}, {name}", password)
            _get_or_add(Membership, {"user_id": user.id, "tenant_id": tenant.id, "role": role})
            accounts.append((email, password, f"{role.value}, {slug}"))
        db.session.commit()
        _reviews(tenant)
        _policies(tenant)
    _joint_review()
    email, region = REGIONAL_ADMIN
    admin = _user(email, "Demo Regional Admin", f"demo-{region}")
    _get_or_add(RegionMembership, {"user_id": admin.id, "region_id": regions[region].id,
                                   "role": RegionRole.REGIONAL_ADMIN})
    db.session.commit()
    accounts.append((email, f"demo-{region}", f"regional_admin, {region}"))
    return accounts


# Each demo partnership runs its area's local policy (after its demo reviews exist, so
# the reviews were walked under the national rules and the local rules apply from now).
POLICIES = {
    "warrington": {"min_quotes": 3},
    "preston": {"months_online": 12, "request_contact": "reviews@preston.example (demo)"},
    "manchester": {"learning_pack_days": 60},
    "wigan": {},
    "walsall": {},
}


def _policies(tenant: Tenant) -> None:
    from core.policies import service as policies

    if tenant.slug in POLICIES and tenant.slug not in policies.enabled(tenant.id):
        policies.enable(tenant, tenant.slug, POLICIES[tenant.slug])


JOINT = ("Adult J (invented joint demo case)", "preston", "bolton")


def _joint_review() -> None:
    """Preston leads a joint review with Bolton, which has accepted (idempotent)."""
    from core.joint import service as joint
    from core.policies import local
    from core.policies import service as policies
    from plugins.joint.plugin import LocalFields

    pseudonym, lead_slug, partner_slug = JOINT
    lead = db.session.scalar(select(Tenant).where(Tenant.slug == lead_slug))
    partner = db.session.scalar(select(Tenant).where(Tenant.slug == partner_slug))
    with tenant_scope(lead.id):
        if "joint" not in policies.enabled(lead.id):
            policies.enable(lead, "joint", {})
        if db.session.scalar(select(Review).where(Review.pseudonym == pseudonym)) is None:
            notified = date.today() - timedelta(days=90)
            review = reviews.create_review(lead, {
                "pseudonym": pseudonym, "date_of_death": notified - timedelta(days=2),
                "notification_date": notified, "notifying_agency": "Police (demo)"},
                actor_id=None)
            local.save(review, "joint", LocalFields, {"partners": partner_slug})
            from core.demo_journeys import dated

            dated(review, notified + timedelta(days=2))  # the story's day, not today
    with tenant_scope(partner.id):
        for share, _lead in joint.invitations():
            if share.accepted_at is None:
                joint.accept(share.id)


def _reviews(tenant: Tenant) -> None:
    from core.demo_journeys import advance

    with tenant_scope(tenant.id):
        have = set(db.session.scalars(select(Review.pseudonym)))
        for pseudonym, days_ago, stage, on_hold in REVIEWS:
            if pseudonym in have:
                continue
            notified = date.today() - timedelta(days=days_ago)
            review = reviews.create_review(tenant, {
                "pseudonym": pseudonym, "date_of_death": notified - timedelta(days=3),
                "notification_date": notified, "notifying_agency": "Police (demo)",
                # invented case facts (issue 13, part 3)
                "victim_age": 20 + days_ago % 50, "death_type": "homicide",
                "relationship_to_suspect": ("intimate_partner", "former_partner",
                                            "family_member")[days_ago % 3],
                "police_force": tenant.police_force}, actor_id=None)
            advance(review, stage, on_hold)
        audit.record("demo.loaded", object_type="tenant", object_id=tenant.id)
        db.session.commit()
