"""Bearer tokens for many partnerships' coordinators in one process (the benchmark's audit
comparison needs one per partnership; ``flask dhr tokens create`` would start the app once
per token). Prints ``slug<TAB>token`` lines. Run with the dataset's environment."""
from __future__ import annotations

import sys

from core.auth import service as auth
from tenants.service import tenant_by_slug
from wsgi import app


def main(slugs: list[str]) -> None:
    with app.app_context():  # as `flask dhr tokens create` does, once per partnership
        for slug in slugs:
            user = auth.find_user(f"coordinator@{slug}.example")
            tenant = tenant_by_slug(slug)
            if user is None or tenant is None:
                raise SystemExit(f"{slug}: no partnership or no coordinator")
            _token, plain = auth.create_token(user, tenant, "bench")
            print(f"{slug}\t{plain}")


if __name__ == "__main__":
    main(sys.argv[1:])
