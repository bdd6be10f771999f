"""Invented scale data for benchmarks (``flask dhr demo scale``): N partnerships with M
reviews each, at varied stages and with their records. Every name is obviously fake
("Scale Partnership 017", "Adult S-017-03 (invented)").

How it is built:

* ``scale-001`` is the prototype: each of its reviews is walked through the real services
  (reviews, transitions, records, documents), so its timeline, audit events and guards are
  exactly what people using the service would produce. Review ``j`` follows a plan drawn
  from a generator seeded by ``j`` alone, so scale-001 is identical whatever N and M are
  (a benchmark compares the same partnership in a small and a big database).
* Every other partnership gets, for each review, a copy of one prototype review (chosen
  by a generator seeded by the partnership and the review number) with new ids, its own
  reference and pseudonym, dates moved back by up to 45 days, and the prototype's audit
  events appended to the partnership's chain by the audit service itself
  (``audit.append``: hashed and linked exactly as ``audit.record`` would). Those rows go
  in with bulk inserts, one transaction per partnership, inside its tenant context (so
  PostgreSQL's row-level security checks them).
* In every tenth partnership a joint review led by it and shared with the next one is
  built through the services (invite, accept).

Idempotent: a review whose pseudonym exists is never built again, so a second run adds
nothing and a bigger run adds only what is missing. Never in production (the command
refuses, as ``demo load`` does).
"""
from __future__ import annotations

import random
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select, update

from core.audit import service as audit
from core.audit.models import AuditEvent
from core.auth.models import User
from core.auth.service import create_user
from core.db import db
from core.demo import DEMO_TOTP_SECRET
from core.reviews.models import ReferenceCounter, Review
from tenants.context import tenant_scope
from tenants.models import Membership, Region, RegionMembership, Tenant
from tenants.roles import RegionRole, TenantRole

PASSWORD = "demo-scale"  # every scale account (invented; demo data never reaches production)
REGION_SIZE = 33         # partnerships per invented region (about 10 regions for 330)
PROTOTYPE = 1            # scale-001 is built through the services
JOINT_EVERY = 10         # scale-001 leads a joint review with scale-002, scale-011 with 012…
MAX_SHIFT_DAYS = 45
# Rows that are not copied with a review: mail waiting to go, joint shares (the joint
# reviews are built through the services), requests from the public, and what the service
# derives and keeps itself (review_clocks: a copy's deadlines differ from its prototype's,
# and a review without its row gets one the first time anything reads it).
NOT_CLONED = frozenset({"outbox_messages", "review_partners", "document_requests",
                        "review_clocks"})
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def slug(i: int) -> str:
    return f"scale-{i:03d}"


def pseudonym(i: int, j: int) -> str:
    return f"Adult S-{i:03d}-{j:02d} (invented)"


def joint_pseudonym(i: int) -> str:
    return f"Adult S-{i:03d}-J (invented joint case)"


def region_slug(i: int) -> str:
    return f"scale-region-{(i - 1) // REGION_SIZE + 1:02d}"


@dataclass
class Report:
    tenants_added: int = 0
    built: int = 0         # reviews walked through the services
    cloned: int = 0        # reviews copied in bulk
    rows: int = 0          # rows bulk-inserted (reviews and what they hold)
    audit_events: int = 0  # audit events bulk-chained
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


# --- partnerships and accounts ------------------------------------------------------------

def _accounts(tenants: int) -> dict[int, Tenant]:
    """Regions, partnerships, a coordinator and a chair for each, a regional admin for each
    region (all sharing one invented password, hashed once, and the demo's invented
    authenticator key)."""
    known = {t.slug: t for t in db.session.scalars(
        select(Tenant).where(Tenant.slug.like("scale-%")))}
    regions = {r.slug: r for r in db.session.scalars(
        select(Region).where(Region.slug.like("scale-region-%")))}
    users = {u.email: u for u in db.session.scalars(
        select(User).where(User.email.like("%@scale-%")))}
    password_hash = next(iter(users.values())).password_hash if users else None
    added: dict[int, Tenant] = {}

    def user(email: str, name: str) -> User:
        nonlocal password_hash
        if email in users:
            return users[email]
        if password_hash is None:
            row = create_user(email, name, PASSWORD, totp_secret=DEMO_TOTP_SECRET)
            password_hash = row.password_hash
        else:
            row = User(email=email, display_name=name, password_hash=password_hash,
                       totp_secret=DEMO_TOTP_SECRET)
            db.session.add(row)
        db.session.flush()
        users[email] = row
        return row

    for i in range(1, tenants + 1):
        rslug = region_slug(i)
        if rslug not in regions:
            number = rslug.rsplit("-", 1)[1]
            regions[rslug] = Region(slug=rslug, name=f"Scale Region {number} (invented)")
            db.session.add(regions[rslug])
            db.session.flush()
            admin = user(f"regional@{rslug}.example", f"Scale Regional Admin {number}")
            db.session.add(RegionMembership(user_id=admin.id, region_id=regions[rslug].id,
                                            role=RegionRole.REGIONAL_ADMIN))
        if slug(i) in known:
            continue
        tenant = Tenant(slug=slug(i), name=f"Scale Partnership {i:03d} (invented)",
                        reference_prefix=f"S{i:03d}", police_force="Scale Police (invented)",
                        region_id=regions[rslug].id, locale="en")
        db.session.add(tenant)
        db.session.flush()
        for who, role in (("coordinator", TenantRole.REVIEW_COORDINATOR),
                          ("chair", TenantRole.CSP_CHAIR)):
            person = user(f"{who}@{slug(i)}.example", f"Scale {who.capitalize()} {i:03d}")
            db.session.add(Membership(user_id=person.id, tenant_id=tenant.id, role=role))
        known[tenant.slug] = added[i] = tenant
    db.session.commit()
    return {i: known[slug(i)] for i in range(1, tenants + 1)}


# --- the prototype, through the services ---------------------------------------------------

# (final stage, weight). "closed_nc": not commissioned, the Home Office agreed, closed.
STAGES = (("notified", 2), ("scoping", 3), ("not_commissioned", 2), ("closed_nc", 1),
          ("setup", 4), ("evidence", 8), ("drafting", 6), ("local_signoff", 3),
          ("home_office_qa", 4), ("ready_to_publish", 2), ("published", 4),
          ("monitoring", 7), ("closed", 4))
AGENCIES = ("Police", "Health", "Adult social care", "Children's services", "Housing",
            "Probation", "Domestic abuse service", "Ambulance service", "GP practice")
HOLDABLE = ("setup", "evidence", "drafting", "local_signoff", "home_office_qa",
            "ready_to_publish")


@dataclass(frozen=True)
class Plan:
    stage: str
    days_ago: int
    on_hold: bool      # on hold now
    past_hold: bool    # held and resumed during evidence
    scoping_returns: int
    panel_meetings: int
    agency_reports: int
    recommendations: int


def plan(j: int) -> Plan:
    """What prototype review ``j`` looks like: seeded by ``j`` only."""
    rng = random.Random(f"dhr-scale-prototype-{j}")
    names, weights = zip(*STAGES, strict=True)
    stage = rng.choices(names, weights)[0]
    rank = [n for n, _w in STAGES].index(stage)
    return Plan(stage=stage, days_ago=20 + rank * 60 + rng.randint(0, 150),
                on_hold=stage in HOLDABLE and rng.random() < 0.2,
                past_hold=rng.random() < 0.15, scoping_returns=rng.randint(2, 6),
                panel_meetings=rng.randint(0, 4), agency_reports=rng.randint(1, 4),
                recommendations=rng.randint(1, 4))


def _walk(review: Review, p: Plan, rng: random.Random) -> None:
    """Take the review to its planned stage through the transitions, recording what each
    step needs (core/demo_journeys.py) and more: scoping returns, panel meetings, agency
    reports, family contacts, recommendations and actions, holds."""
    from core.demo_journeys import PATH, ROLES, _add, _day, _prepare
    from core.records import service as records
    from core.records.kinds import BY_SLUG
    from core.reviews import transitions

    def step(to: str, data: dict | None = None) -> None:
        transitions.take(review, to, _prepare(review, to) if data is None else data, ROLES)

    d = lambda offset: _day(review, offset)  # noqa: E731
    stage = p.stage
    if stage == "notified":
        return
    step("scoping")
    for k, agency in enumerate(rng.sample(AGENCIES, p.scoping_returns)):
        answered = k < p.scoping_returns - 1 or stage != "scoping"
        _add(review, "scoping-returns", agency=agency, asked_on=d(2),
             answered_on=d(6 + k) if answered else None, knew_victim=rng.random() < 0.6,
             knew_perpetrator=rng.random() < 0.5,
             summary=f"Invented summary of {agency.lower()} contact (scale data).")
    if stage == "scoping":
        return
    if stage in ("not_commissioned", "closed_nc"):
        step("not_commissioned")
        if stage == "closed_nc":
            step("closed", {"decided_on": d(60)})
        return
    target = PATH.index(stage if stage != "closed" else "monitoring")
    reports = []
    for name in PATH[1:target + 1]:
        if name == "drafting":  # every report back (or waived) before drafting starts
            for k, report in enumerate(reports):
                change = ({"waived_reason": "Agency had no contact (invented).",
                           "waived_on": d(55)} if k == 2 else {"returned_on": d(50 + k)})
                records.update_record(review, BY_SLUG["agency-reports"], report, change)
        step(name)
        if name == "evidence":
            for k in range(p.panel_meetings):
                _add(review, "panel-meetings", held_on=d(40 + 14 * k),
                     summary=f"Panel meeting {k + 2} (invented minutes).")
            for agency in rng.sample(AGENCIES, p.agency_reports):
                reports.append(_add(review, "agency-reports", agency=agency,
                                    report_type=rng.choice(("imr", "chronology")),
                                    requested_on=d(35), due_on=d(35) + timedelta(days=42)))
            _add(review, "panel-members", agency="Housing", name="Scale Housing member",
                 role_title="Service manager (invented)")
            if p.past_hold and stage != "evidence":
                step("hold", {"reason": "inquest", "started_on": d(42)})
                step("resume", {"resumed_on": d(48)})
        if name == "drafting":
            _add(review, "family-contacts", contacted_on=d(90), relationship="sibling",
                 method=rng.choice(("phone", "letter", "advocate")), contribution="given",
                 advocate="Invented advocacy service")
        if name == "monitoring":
            for k in range(p.recommendations):
                rec = _add(review, "recommendations",
                           text=f"Invented recommendation {k + 1} for the partnership.",
                           scope=rng.choice(("single_agency", "multi_agency")),
                           addressed_to=rng.choice(AGENCIES), level="local")
                for n in range(rng.randint(1, 2)):
                    _add(review, "actions", recommendation_id=rec.id,
                         description=f"Invented action {k + 1}.{n + 1}.",
                         owner=rng.choice(AGENCIES), due_on=d(320 + 30 * n))
    if stage == "closed":  # every action done, then the chair closes it
        from core.records.models import Action

        for action in records.list_records(review, BY_SLUG["actions"]):
            if isinstance(action, Action) and action.status == "open":
                records.update_record(review, BY_SLUG["actions"], action, {
                    "status": "complete", "completed_on": d(360),
                    "evidence": "Invented evidence of completion."})
        step("closed", {})
    elif stage == "evidence" and reports:  # some back, one still out
        for report in reports[:-1]:
            records.update_record(review, BY_SLUG["agency-reports"], report,
                                  {"returned_on": d(60)})
    if p.on_hold:
        step("hold", {"reason": rng.choice(("criminal_proceedings", "inquest",
                                            "parallel_review")),
                      "started_on": d(max(50, p.days_ago - 30))})


def _build_prototype(tenant: Tenant, reviews: int, report: Report,
                     echo: Callable[[str], None]) -> None:
    from core.reviews import service as review_service

    with tenant_scope(tenant.id):
        have = set(db.session.scalars(select(Review.pseudonym)))
        db.session.commit()
        for j in range(1, reviews + 1):
            name = pseudonym(PROTOTYPE, j)
            if name in have:
                continue
            p = plan(j)
            notified = date.today() - timedelta(days=p.days_ago)
            review = review_service.create_review(tenant, {
                "pseudonym": name, "date_of_death": notified - timedelta(days=4),
                "notification_date": notified,
                "notifying_agency": "Scale Police (invented)"}, actor_id=None)
            _walk(review, p, random.Random(f"dhr-scale-walk-{j}"))
            report.built += 1
            if j % 10 == 0:
                echo(f"  {tenant.slug}: {j}/{reviews} reviews through the services")


# --- copies, in bulk ------------------------------------------------------------------------

@dataclass
class Prototype:
    review: dict
    rows: dict[str, list[dict]]  # table name -> rows that belong to the review
    events: list[dict]           # its audit events, in chain order


def _child_tables() -> list:
    """Tables holding a review's rows, parents before children (FK order)."""
    return [t for t in db.metadata.sorted_tables
            if "review_id" in t.c and "tenant_id" in t.c and t.name not in NOT_CLONED]


def _prototypes(tenant: Tenant, reviews: int) -> list[Prototype]:
    names = [pseudonym(PROTOTYPE, j) for j in range(1, reviews + 1)]
    review_table = Review.__table__
    found: list[Prototype] = []
    with tenant_scope(tenant.id):
        rows = {r["pseudonym"]: dict(r) for r in db.session.execute(
            select(review_table).where(review_table.c.tenant_id == tenant.id,
                                       review_table.c.pseudonym.in_(names))).mappings()}
        for name in names:
            review = rows[name]
            children = {}
            ids = {str(review["id"])}
            for table in _child_tables():
                children[table.name] = [dict(r) for r in db.session.execute(
                    select(table).where(table.c.review_id == review["id"],
                                        table.c.tenant_id == tenant.id)).mappings()]
                ids.update(str(r["id"]) for r in children[table.name])
            events = [dict(r) for r in db.session.execute(
                select(AuditEvent.__table__).where(AuditEvent.tenant_id == tenant.id,
                                                   AuditEvent.object_id.in_(ids))
                .order_by(AuditEvent.seq)).mappings()]
            found.append(Prototype(review, children, events))
        db.session.commit()
    return found


def _shifted(value, days: timedelta, strings: dict[str, str]):
    """A JSON value with the copy's ids and reference, and its dates moved."""
    if isinstance(value, dict):
        return {k: _shifted(v, days, strings) for k, v in value.items()}
    if isinstance(value, list):
        return [_shifted(v, days, strings) for v in value]
    if isinstance(value, str):
        if value in strings:
            return strings[value]
        if ISO_DAY.match(value):
            try:
                return (date.fromisoformat(value) + days).isoformat()
            except ValueError:
                return value
    return value


class _Copier:
    """Copies prototypes into one partnership: rows per table, audit events, counters."""

    def __init__(self, tenant: Tenant, blobs_from: Tenant):
        self.tenant, self.blobs_from = tenant, blobs_from
        self.rows: dict[str, list[dict]] = {}
        self.events: list[dict] = []
        self.counters: dict[int, int] = dict(db.session.execute(
            select(ReferenceCounter.year, ReferenceCounter.last_number)).all())
        self.digests: set[str] = set()

    def copy(self, proto: Prototype, name: str, days: timedelta) -> None:
        ids: dict[uuid.UUID, uuid.UUID] = {proto.review["id"]: uuid.uuid4()}
        for rows in proto.rows.values():
            ids.update((r["id"], uuid.uuid4()) for r in rows)
        notified = proto.review["notification_date"] + days
        year = notified.year
        self.counters[year] = self.counters.get(year, 0) + 1
        reference = f"{self.tenant.reference_prefix}-{year}-{self.counters[year]:03d}"
        strings = {str(old): str(new) for old, new in ids.items()}
        strings[proto.review["reference"]] = reference

        def remap(row: dict) -> dict:
            out = {}
            for key, value in row.items():
                if key == "tenant_id":
                    value = self.tenant.id
                elif isinstance(value, uuid.UUID):
                    value = ids.get(value, value)
                elif isinstance(value, date) and not isinstance(value, datetime):
                    value = value + days
                elif isinstance(value, (dict, list)):
                    value = _shifted(value, days, strings)
                out[key] = value
            return out

        review = remap(proto.review)
        review.update(reference=reference, pseudonym=name)
        self.rows.setdefault("reviews", []).append(review)
        for table, rows in proto.rows.items():
            self.rows.setdefault(table, []).extend(remap(r) for r in rows)
            if table == "document_versions":
                self.digests.update(r["sha256"] for r in rows)
        for event in proto.events:
            self.events.append({
                "actor_id": event["actor_id"], "actor": event["actor"],
                "action": event["action"], "object_type": event["object_type"],
                "object_id": strings.get(event["object_id"], event["object_id"]),
                "details": _shifted(event["details"] or {}, days, strings)})

    def write(self) -> int:
        """Insert everything (inside the partnership's tenant context), chain the audit
        events, move the reference counters; the caller commits."""
        from core.documents.service import store

        source, target = store(self.blobs_from.id), store(self.tenant.id)
        for digest in sorted(self.digests):
            target.put(source.get(digest))
        written = 0
        for table in [Review.__table__, *_child_tables()]:
            rows = self.rows.get(table.name)
            if rows:
                db.session.execute(insert(table), rows)
                written += len(rows)
        for year, number in self.counters.items():
            bumped = db.session.execute(update(ReferenceCounter).where(
                ReferenceCounter.year == year).values(last_number=number)).rowcount
            if not bumped:
                db.session.execute(insert(ReferenceCounter.__table__), [{
                    "id": uuid.uuid4(), "tenant_id": self.tenant.id, "year": year,
                    "last_number": number}])
        self.events.append({"actor_id": None, "actor": "system", "action": "demo.scale_loaded",
                            "object_type": "tenant", "object_id": str(self.tenant.id),
                            "details": {"reviews": len(self.rows.get("reviews", []))}})
        audit.append(self.events, self.tenant.id)  # hashed and linked by the audit service
        return written


def _copy_into(i: int, tenant: Tenant, prototypes: list[Prototype], reviews: int,
               blobs_from: Tenant, report: Report) -> None:
    with tenant_scope(tenant.id):
        have = set(db.session.scalars(select(Review.pseudonym).where(
            Review.tenant_id == tenant.id)))
        missing = [j for j in range(1, reviews + 1) if pseudonym(i, j) not in have]
        if not missing:
            db.session.commit()
            return
        copier = _Copier(tenant, blobs_from)
        for j in missing:
            rng = random.Random(f"dhr-scale-{i}-{j}")
            proto = prototypes[rng.randrange(len(prototypes))]
            copier.copy(proto, pseudonym(i, j), timedelta(days=-rng.randint(0, MAX_SHIFT_DAYS)))
        try:
            report.rows += copier.write()
            report.audit_events += len(copier.events)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        report.cloned += len(missing)


# --- joint reviews, through the services ----------------------------------------------------

def _joint(lead: Tenant, partner: Tenant, i: int, report: Report) -> None:
    from core.demo_journeys import advance
    from core.joint import service as joint
    from core.policies import local
    from core.policies import service as policies
    from core.reviews import service as review_service
    from plugins.joint.plugin import LocalFields

    name = joint_pseudonym(i)
    with tenant_scope(lead.id):
        if "joint" not in policies.enabled(lead.id):
            policies.enable(lead, "joint", {})
        if db.session.scalar(select(Review.id).where(Review.pseudonym == name)) is None:
            notified = date.today() - timedelta(days=75)
            review = review_service.create_review(lead, {
                "pseudonym": name, "date_of_death": notified - timedelta(days=2),
                "notification_date": notified,
                "notifying_agency": "Scale Police (invented)"}, actor_id=None)
            advance(review, "evidence")
            local.save(review, "joint", LocalFields, {"partners": partner.slug})
            report.built += 1
        db.session.commit()
    with tenant_scope(partner.id):
        for share, owner in joint.invitations():
            if owner.id == lead.id and share.accepted_at is None:
                joint.accept(share.id)
        db.session.commit()


# --- the whole build ------------------------------------------------------------------------

def build(tenants: int, reviews_per_tenant: int,
          echo: Callable[[str], None] = lambda _line: None) -> Report:
    """Make (or complete) ``tenants`` scale partnerships of ``reviews_per_tenant`` reviews."""
    started = time.monotonic()
    report = Report()
    audit.ensure_chain_head()
    before = db.session.scalar(select(func.count()).select_from(Tenant)
                               .where(Tenant.slug.like("scale-%")))
    partnerships = _accounts(tenants)
    report.tenants_added = len(partnerships) - min(before or 0, len(partnerships))
    prototype = partnerships[PROTOTYPE]
    _build_prototype(prototype, reviews_per_tenant, report, echo)
    prototypes = _prototypes(prototype, reviews_per_tenant)
    for i in range(1, tenants + 1):
        if i != PROTOTYPE:
            _copy_into(i, partnerships[i], prototypes, reviews_per_tenant, prototype, report)
            if i % 25 == 0:
                echo(f"  {i}/{tenants} partnerships ({report.cloned} reviews copied)")
    for i in range(1, tenants, JOINT_EVERY):
        _joint(partnerships[i], partnerships[i + 1], i, report)
    report.seconds = time.monotonic() - started
    return report
