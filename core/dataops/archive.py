"""Tenant export: every row the tenant owns and every document file, in one zip.

Format (version 1), documented in docs/compliance/tenant-export.md:
  manifest.json            format, tenant, exported_at, per-table row counts, per-file sha256
  tables/<table>.jsonl     one JSON object per row (dates ISO 8601, UUIDs as strings)
  tables/tenant.json       the partnership itself; memberships.jsonl: who held which role
  files/<sha256>           each document version's content, named by its SHA-256
  audit.csv                the partnership's audit trail (as the audit export page gives it)
"""
from __future__ import annotations

import hashlib
import json
import uuid
import zipfile
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from core.audit import export as audit_export
from core.audit import service as audit
from core.audit.export import to_csv
from core.auth.models import User
from core.dataops.tables import tenant_tables
from core.db import db
from core.documents.service import store
from core.filenames import archive_member
from tenants.context import tenant_scope
from tenants.models import Membership, Tenant, TenantPlugin, utcnow

FORMAT = "dhr-hub-tenant-export/1"


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return None  # a logo: exported as a file, not inline
    return value


def _jsonl(rows) -> str:
    return "".join(json.dumps({k: _plain(v) for k, v in row._mapping.items()},
                              ensure_ascii=False, sort_keys=True) + "\n" for row in rows)


def export(tenant: Tenant, path: Path) -> dict:
    """Write the tenant's archive to ``path``; return the manifest."""
    manifest = {"format": FORMAT, "tenant": tenant.slug, "exported_at": utcnow().isoformat(),
                "tables": {}, "files": {}}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, tenant_scope(tenant.id):
        for table in tenant_tables():
            rows = db.session.execute(select(table).where(table.c.tenant_id == tenant.id)).all()
            archive.writestr(archive_member("tables", f"{table.name}.jsonl"), _jsonl(rows))
            manifest["tables"][table.name] = len(rows)
            if table.name == "document_versions":
                for row in rows:
                    _add_file(archive, manifest, store(tenant.id), row.sha256)
        people = db.session.execute(
            select(Membership.role, User.email, User.display_name)
            .join(User, User.id == Membership.user_id)
            .where(Membership.tenant_id == tenant.id)).all()
        archive.writestr(archive_member("tables", "memberships.jsonl"), _jsonl(people))
        plugins = db.session.execute(select(TenantPlugin.name, TenantPlugin.settings).where(
            TenantPlugin.tenant_id == tenant.id)).all()
        archive.writestr(archive_member("tables", "tenant_plugins.jsonl"), _jsonl(plugins))
        trail = audit_export.events(tenant.id)
        archive.writestr(archive_member("audit.csv"), to_csv(trail))
        manifest["audit_events"] = len(trail)
        archive.writestr(archive_member("tables", "tenant.json"), json.dumps(
            {"slug": tenant.slug, "name": tenant.name, "reference_prefix":
             tenant.reference_prefix, "police_force": tenant.police_force,
             "locale": tenant.locale, "brand_colour": tenant.brand_colour,
             "local_targets": tenant.local_targets or {}}, indent=2))
        archive.writestr(archive_member("manifest.json"),
                         json.dumps(manifest, indent=2, sort_keys=True))
        audit.record("tenant.exported", tenant_id=tenant.id, actor=(None, "command line"),
                     details={"rows": sum(manifest["tables"].values()),
                              "files": len(manifest["files"])})
        db.session.commit()
    return manifest


def _add_file(archive, manifest, blobs, sha256: str) -> None:
    if sha256 in manifest["files"]:
        return
    content = blobs.get(sha256)
    assert hashlib.sha256(content).hexdigest() == sha256, f"blob {sha256} is corrupt"
    archive.writestr(archive_member("files", sha256), content)
    manifest["files"][sha256] = len(content)
