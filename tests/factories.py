"""Invented test data: two partnerships, everyone in every role, reviews and tokens."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

import pyotp
from sqlalchemy import select

from core.auth import service as auth
from core.auth.models import ApiToken, User
from core.db import db
from core.reviews import service as reviews
from tenants.context import tenant_scope
from tenants.models import Membership, Region, RegionMembership, Tenant
from tenants.roles import RegionRole, TenantRole

REVIEW_DATA = {
    "pseudonym": "Test Adult (invented)",
    "date_of_death": date(2026, 2, 1),
    "notification_date": date(2026, 2, 3),
    "notifying_agency": "Test Police",
}


@dataclass(frozen=True)
class ReviewRef:
    """Plain values, so tests never lazy-load a review outside its tenant."""

    id: object
    reference: str
    tenant_id: object


@dataclass
class World:
    tenants: dict[str, Tenant] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    users: dict[tuple[str, str], User] = field(default_factory=dict)
    tokens: dict[tuple[str, str], str] = field(default_factory=dict)
    token_rows: dict[tuple[str, str], ApiToken] = field(default_factory=dict)
    reviews: dict[str, list[ReviewRef]] = field(default_factory=dict)
    items: dict[tuple[str, str], object] = field(default_factory=dict)  # (slug, kind) -> id
    documents: dict[str, object] = field(default_factory=dict)          # slug -> document id
    admin_tokens: dict[str, str] = field(default_factory=dict)          # region -> token
    shares: dict[str, object] = field(default_factory=dict)             # lead -> share id

    def password(self, email: str) -> str:
        return "pw-" + email


def make_region(slug: str) -> Region:
    region = Region(slug=slug, name=f"{slug.title()} (test)")
    db.session.add(region)
    db.session.flush()
    return region


def make_tenant(slug: str, region: Region, prefix: str) -> Tenant:
    tenant = Tenant(slug=slug, name=f"{slug.title()} CSP (test)", reference_prefix=prefix,
                    police_force="Test Police", region_id=region.id, locale="en")
    db.session.add(tenant)
    db.session.flush()
    return tenant


def make_user(email: str, **extra) -> User:
    extra.setdefault("totp_secret", pyotp.random_base32())
    user = auth.create_user(email, email.split("@")[0], "pw-" + email, **extra)
    db.session.flush()
    return user


def add_member(user: User, tenant: Tenant, role: TenantRole) -> None:
    db.session.add(Membership(user_id=user.id, tenant_id=tenant.id, role=role))
    db.session.flush()


def make_review(tenant: Tenant, **overrides) -> ReviewRef:
    with tenant_scope(tenant.id):
        review = reviews.create_review(tenant, {**REVIEW_DATA, **overrides}, actor_id=None)
        return ReviewRef(review.id, review.reference, review.tenant_id)


def build_world() -> World:
    world = World()
    world.regions = {"north": make_region("north"), "south": make_region("south")}
    world.tenants = {
        "alpha": make_tenant("alpha", world.regions["north"], "ALP"),
        "beta": make_tenant("beta", world.regions["south"], "BET"),
    }
    for slug, tenant in world.tenants.items():
        for role in TenantRole:
            user = make_user(f"{role.value}@{slug}.test")
            add_member(user, tenant, role)
            world.users[(slug, role.value)] = user
    regional = make_user("regional@north.test")
    db.session.add(RegionMembership(user_id=regional.id, region_id=world.regions["north"].id,
                                    role=RegionRole.REGIONAL_ADMIN))
    world.users[("north", "regional_admin")] = regional
    south = make_user("regional@south.test")
    db.session.add(RegionMembership(user_id=south.id, region_id=world.regions["south"].id,
                                    role=RegionRole.REGIONAL_ADMIN))
    world.users[("south", "regional_admin")] = south
    world.users[("hub", "platform_admin")] = make_user("platform@hub.test",
                                                        is_platform_admin=True)
    db.session.commit()
    for (slug, role), user in list(world.users.items()):
        if slug in world.tenants:
            row, plain = auth.create_token(user, world.tenants[slug], f"{role} token")
            world.tokens[(slug, role)] = plain
            world.token_rows[(slug, role)] = row
    for region in ("north", "south"):
        world.admin_tokens[region] = auth.create_admin_token(
            world.users[(region, "regional_admin")], "admin")[1]
    world.reviews = {
        "alpha": [make_review(world.tenants["alpha"]),
                  make_review(world.tenants["alpha"], pseudonym="Second Adult (invented)")],
        "beta": [make_review(world.tenants["beta"])],
    }
    for slug, tenant in world.tenants.items():
        _fill_review(world, slug, tenant, world.reviews[slug][0].id)
    return world


# One valid record of each kind (also the bodies the isolation matrix sends).
RECORD_SAMPLES = {
    "scoping_returns": {"agency": "Health", "asked_on": date(2026, 2, 5)},
    "chair_appointments": {"name": "Invented Chair", "appointed_on": date(2026, 2, 20),
                           "independence_statement": "No prior involvement."},
    "quotes": {"supplier": "Invented Reviews Ltd", "covers": "chair", "amount": "6000.00",
               "received_on": date(2026, 2, 10)},
    "panel_members": {"agency": "Police", "name": "Invented Officer"},
    "panel_meetings": {"held_on": date(2026, 3, 1)},
    "agency_reports": {"agency": "Health", "report_type": "imr",
                       "requested_on": date(2026, 3, 1), "due_on": date(2026, 4, 1)},
    "family_contacts": {"contacted_on": date(2026, 3, 2), "relationship": "brother",
                        "method": "letter", "contribution": "none"},
    "parallel_processes": {"process_type": "inquest", "started_on": date(2026, 2, 10)},
    "recommendations": {"text": "Train staff", "scope": "multi_agency",
                        "addressed_to": "Invented Board", "level": "local"},
    "actions": {"description": "Deliver training", "owner": "Invented Board",
                "due_on": date(2026, 9, 1)},
    "home_office_changes": {"change": "Remove the dates of birth", "asked_on": date(2026, 3, 3)},
    "early_learning": {"noted_on": date(2026, 2, 6), "learning": "Invented early learning",
                       "action": "Invented action", "owner": "Invented Board"},
}


def _fill_review(world: World, slug: str, tenant: Tenant, review_id) -> None:
    """One record of every kind and one document on the tenant's first review."""
    from core.documents import service as documents
    from core.records import service as records
    from core.records.kinds import BY_SLUG
    from core.reviews.service import find_review

    with tenant_scope(tenant.id):
        review = find_review(review_id)
        for key, data in RECORD_SAMPLES.items():
            data = dict(data)
            if key == "actions":
                data["recommendation_id"] = world.items[(slug, "recommendations")]
            record = records.add_record(review, BY_SLUG[key.replace("_", "-")], data)
            world.items[(slug, key)] = record.id
        from tests.document_samples import pdf

        version = documents.upload(review, pdf("Invented terms of reference"), "tor.pdf",
                                   kind="terms_of_reference", title="Terms of reference")
        world.documents[slug] = version.document_id
        from core.names import service as names

        world.items[(slug, "names")] = names.add(review, {
            "role": "victim", "pseudonym": "Adult A", "real_name": f"Invented {slug} Person",
            "aliases": None, "date_of_birth": None, "address": None}).id
        from core.sar.models import SubjectAccessRequest

        sar = SubjectAccessRequest(requester="Invented requester", terms="Invented",
                                   received_on=date(2026, 3, 1), due_on=date(2026, 4, 1))
        db.session.add(sar)
        db.session.commit()
        world.items[(slug, "sar")] = sar.id


def sign_in(client, email: str, password: str | None = None, next: str | None = None):
    """Both steps: the password, then a code from the user's authenticator app. Each
    sign-in moves the app's test clock on one 30-second step, as a person signing in again
    later would (a code is accepted once only)."""
    url = f"/sign-in?next={next}" if next else "/sign-in"
    first = client.post(url, data={"email": email, "password": password or "pw-" + email})
    if first.status_code != 302 or not first.headers["Location"].startswith("/sign-in/code"):
        return first
    return client.post("/sign-in/code", data={"code": current_code(client, email)})


def current_code(client, email: str) -> str:
    config = client.application.config
    config["DHR_CLOCK_SHIFT_SECONDS"] = config.get("DHR_CLOCK_SHIFT_SECONDS", 0) + 30
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    db.session.refresh(user)
    return pyotp.TOTP(user.totp_secret).at(time.time() + config["DHR_CLOCK_SHIFT_SECONDS"])
