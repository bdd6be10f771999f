"""``flask --app wsgi dhr …``: operator commands."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from core.db import db

dhr = AppGroup("dhr", help="DHR Hub operator commands.")
demo = AppGroup("demo", help="Invented demo data.")
tokens = AppGroup("tokens", help="Personal API tokens.")
audit_cli = AppGroup("audit", help="The audit chain.")
dhr.add_command(demo)
dhr.add_command(tokens)
dhr.add_command(audit_cli)
users_cli = AppGroup("users", help="Accounts (platform team).")
dhr.add_command(users_cli)


def _user_or_fail(email: str):
    from core.auth.service import find_user

    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no account uses {email}")
    return user


@users_cli.command("reset-password")
@click.argument("email")
def reset_password(email: str):
    """Give EMAIL a new temporary password (printed once). The second factor stays: the
    person still needs their authenticator app to sign in."""
    import secrets

    from core.audit import service as audit
    from core.auth.passwords import hash_password
    from core.auth.sessions import end_all
    from core.db import db

    user = _user_or_fail(email)
    temporary = secrets.token_urlsafe(12)
    user.password_hash = hash_password(temporary)
    end_all(user)  # every session ends
    audit.record("auth.password_reset", object_type="user", object_id=user.id,
                 actor=(None, "command line"))
    db.session.commit()
    click.echo(temporary)


@users_cli.command("reset-second-factor")
@click.argument("email")
def reset_second_factor(email: str):
    """For someone who lost their authenticator app and recovery codes: their next sign-in
    (with their password) sets up a new app. Check who is asking before you run this."""
    from sqlalchemy import delete

    from core.audit import service as audit
    from core.auth.models import RecoveryCode
    from core.auth.sessions import end_all
    from core.db import db

    user = _user_or_fail(email)
    user.totp_secret, user.totp_pending_secret, user.totp_last_step = None, None, 0
    end_all(user)
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record("auth.second_factor_reset", object_type="user", object_id=user.id,
                 actor=(None, "command line"))
    db.session.commit()
    click.echo(f"{email} will set up a new authenticator app at their next sign-in")


@users_cli.command("deactivate")
@click.argument("email")
@click.option("--undo", is_flag=True, help="Reactivate the account instead.")
def deactivate(email: str, undo: bool):
    """Stop EMAIL signing in: sessions end and API tokens are revoked (roles stay, so
    --undo restores the same access)."""
    from core.accounts import leavers

    leavers.deactivate(_user_or_fail(email), active=undo)
    click.echo(f"{email} {'reactivated' if undo else 'deactivated'}")


@users_cli.command("delete")
@click.argument("email")
@click.option("--confirm", required=True, help="Type the email again: this cannot be undone.")
def delete_user(email: str, confirm: str):
    """Delete the account of someone who belongs to no partnership or region any more, and
    erase its platform audit events (sign-ins, resets); the chain still verifies."""
    from core.accounts import leavers

    if confirm.strip().lower() != email.strip().lower():
        raise click.ClickException("--confirm must repeat the email exactly")
    try:
        erased = leavers.delete_account(_user_or_fail(email))
    except leavers.StillBelongs:
        raise click.ClickException(f"{email} still has roles: remove them first") from None
    click.echo(f"{email} deleted; {erased} audit events erased")


tenant_cli = AppGroup("tenant", help="Export or offboard a partnership (platform team).")
dhr.add_command(tenant_cli)
retention_cli = AppGroup("retention", help="How long each partnership keeps its records.")
dhr.add_command(retention_cli)


@retention_cli.command("set")
@click.argument("slug")
@click.argument("record_class")
@click.argument("months", type=int)
def retention_set(slug: str, record_class: str, months: int):
    """Keep RECORD_CLASS of partnership SLUG for MONTHS (closed_reviews, sent_mail,
    public_requests)."""
    from core.dataops import retention

    try:
        retention.set_rule(_tenant_or_fail(slug), record_class, months)
    except retention.RuleInvalid as invalid:
        raise click.ClickException(str(invalid)) from None
    click.echo(f"{slug}: {record_class} kept for {months} months")


@retention_cli.command("apply")
@click.option("--today", default=None, help="Apply as on this date (YYYY-MM-DD).")
def retention_apply(today: str | None):
    """Remove every record past its partnership's retention rule, and record what went."""
    from datetime import date

    from sqlalchemy import select

    from core.dataops import retention
    from core.db import db
    from tenants.models import Tenant

    on = date.fromisoformat(today) if today else date.today()
    for tenant in db.session.scalars(select(Tenant).order_by(Tenant.slug)).all():
        removed = retention.apply(tenant, on)
        if removed:
            click.echo(f"{tenant.slug}: " + ", ".join(
                f"{len(v)} {k}" for k, v in removed.items()))


def _tenant_or_fail(slug: str):
    from tenants.service import tenant_by_slug

    tenant = tenant_by_slug(slug)
    if tenant is None:
        raise click.ClickException(f"no partnership has the slug {slug!r}")
    return tenant


@tenant_cli.command("export")
@click.argument("slug")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def tenant_export(slug: str, path: str):
    """Write every row and document of partnership SLUG to the zip file PATH."""
    from pathlib import Path

    from core.dataops.archive import export

    manifest = export(_tenant_or_fail(slug), Path(path))
    click.echo(f"{sum(manifest['tables'].values())} rows, {len(manifest['files'])} files, "
               f"{manifest['audit_events']} audit events written to {path}")


@tenant_cli.command("offboard")
@click.argument("slug")
@click.option("--confirm", required=True, help="Type the slug again: this cannot be undone.")
def tenant_offboard(slug: str, confirm: str):
    """Remove partnership SLUG and everything it owns (export it first)."""
    from core.dataops.offboard import offboard, residue

    if confirm != slug:
        raise click.ClickException("--confirm must repeat the slug exactly")
    tenant = _tenant_or_fail(slug)
    tenant_id = tenant.id
    removed = offboard(tenant)
    left = {k: v for k, v in residue(tenant_id).items() if v}
    click.echo(f"removed {sum(removed.values())} rows and files; left: {left or 'nothing'}")
    if left:
        raise click.ClickException("something was left behind")


@demo.command("load")
def demo_load():
    """Load the invented demo partnerships, people and reviews (idempotent)."""
    if not current_app.config["DHR_DEMO_ALLOWED"]:
        raise click.ClickException("demo data is never loaded in production (DHR_ENV=production)")
    from core import demo as demo_data

    accounts = demo_data.load()
    click.echo("Demo data loaded (all invented). Sign in at http://127.0.0.1:8000/sign-in as:")
    for email, password, what in accounts:
        click.echo(f"  {email:<40} {password:<28} {what}")
    click.echo(f"Second step: every demo account uses the invented authenticator key "
               f"{demo_data.DEMO_TOTP_SECRET}; `flask dhr demo code` prints the current code.")


@demo.command("code")
def demo_code():
    """Print the current sign-in code of the demo accounts' invented authenticator key."""
    if not current_app.config["DHR_DEMO_ALLOWED"]:
        raise click.ClickException("there are no demo accounts in production")
    import pyotp

    from core import demo as demo_data

    click.echo(pyotp.TOTP(demo_data.DEMO_TOTP_SECRET).now())


@demo.command("scale")
@click.option("--tenants", type=click.IntRange(1, 999), default=330, show_default=True)
@click.option("--reviews-per-tenant", type=click.IntRange(1, 999), default=50,
              show_default=True)
def demo_scale(tenants: int, reviews_per_tenant: int):
    """Invented scale data for benchmarks: TENANTS partnerships of REVIEWS_PER_TENANT
    reviews (core/demo_scale.py; idempotent)."""
    if not current_app.config["DHR_DEMO_ALLOWED"]:
        raise click.ClickException("demo data is never loaded in production (DHR_ENV=production)")
    from core import demo_scale as scale

    r = scale.build(tenants, reviews_per_tenant, echo=click.echo)
    click.echo(f"scale data: {r.tenants_added} partnerships added, {r.built} reviews through "
               f"the services, {r.cloned} copied ({r.rows} rows, {r.audit_events} audit "
               f"events) in {r.seconds:.0f} s")


@tokens.command("create")
@click.argument("email")
@click.argument("tenant_slug")
@click.option("--name", default="command line", help="What the token is for.")
def tokens_create(email: str, tenant_slug: str, name: str):
    """Print a new API token for EMAIL in TENANT_SLUG (shown once)."""
    from core.auth import service as auth
    from tenants.service import tenant_by_slug

    user, tenant = auth.find_user(email), tenant_by_slug(tenant_slug)
    if user is None or tenant is None:
        raise click.ClickException("no such user or tenant")
    try:
        _token, plain = auth.create_token(user, tenant, name)
    except PermissionError as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(plain)


@tokens.command("create-admin")
@click.argument("email")
@click.option("--name", default="command line", help="What the token is for.")
def tokens_create_admin(email: str, name: str):
    """Print a new admin API token for a regional or platform admin (shown once)."""
    from core.auth import service as auth

    user = auth.find_user(email)
    if user is None:
        raise click.ClickException("no such user")
    try:
        _token, plain = auth.create_admin_token(user, name)
    except PermissionError as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(plain)


@audit_cli.command("verify")
@click.option("--anchors", type=click.File("r"), default=None,
              help="A file of anchors from `dhr audit anchor`: each must still match.")
def audit_verify(anchors):
    """Check every audit event against its hash and its predecessor in its chain (and the
    anchors); name the chain and the first bad event."""
    from core.audit import anchors as anchoring
    from core.audit.service import verify

    checked, problem = verify()
    if problem is not None:
        db.session.rollback()
        click.echo(f"audit chain BROKEN: {problem.describe()} ({checked} events checked "
                   "before it are intact)", err=True)
        sys.exit(1)
    if anchors is not None:
        matched, mismatch = anchoring.check(anchors.readlines())
        db.session.rollback()
        if mismatch is not None:
            click.echo(f"audit chain BROKEN: {mismatch.describe()}", err=True)
            sys.exit(1)
        click.echo(f"{matched} anchors match")
    db.session.rollback()
    click.echo(f"audit chain intact: {checked} events")


@audit_cli.command("anchor")
@click.option("--out", type=click.File("a"), default="-",
              help="Append the anchor to this file (default: print it).")
def audit_anchor(out):
    """Print (or append to a file) every chain's head as one JSON line. Keep these lines
    where the database's owner cannot change them (write-once storage, a mailbox)."""
    import json

    from core.audit import anchors as anchoring

    anchor = anchoring.take()
    db.session.rollback()
    out.write(json.dumps(anchor) + "\n")


@dhr.command("send-reminders")
def send_reminders():
    """Queue reminders for what is due soon or overdue, then send the outbox."""
    from core.accounts import mail
    from core.notifications import sender, transport

    report = sender.run(transport.from_config(current_app.config),
                        current_app.config["DHR_MAIL_FROM"])
    sent, failed = mail.deliver()
    click.echo(f"queued {report.queued}, sent {report.sent}, failed {report.failed} "
               "(failed messages stay in the outbox)")
    click.echo(f"account mail: sent {sent}, failed {failed}")
    # A partnership whose work failed was rolled back; every other one went on.
    for slug, why in report.refused:
        click.echo(f"reminders failed for {slug}: {why}; nothing was queued or sent for it",
                   err=True)
    if report.refused:
        raise SystemExit(1)


deadlines_cli = AppGroup("deadlines", help="The deadlines each review keeps.")
dhr.add_command(deadlines_cli)


@deadlines_cli.command("refresh")
def deadlines_refresh():
    """Compute and keep every review's deadlines (after migration 0019, or a change of the
    clock's rules). Not needed day to day: a stale or missing one is computed when read,
    and send-reminders recomputes the open reviews daily."""
    from core.reviews import clock

    total, degraded = clock.refresh_all()
    click.echo(f"deadlines kept for {total} reviews")
    for slug in degraded:
        click.echo(f"a local policy failed for {slug}: its reviews keep the core's deadlines "
                   "until it works (see the audit trail)", err=True)
    if degraded:
        raise SystemExit(1)
