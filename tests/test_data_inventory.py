"""docs/compliance/data-inventory.csv classifies every column of every table: a new column
without a classification fails here, and so does a stale row."""
from __future__ import annotations

import csv
from pathlib import Path

from core.db import db

INVENTORY = Path(__file__).resolve().parents[1] / "docs" / "compliance" / "data-inventory.csv"
CLASSES = {"case-special", "personal", "case-operational", "credential", "reference", "key"}


def _inventory() -> dict[tuple[str, str], str]:
    with INVENTORY.open(newline="") as handle:
        return {(row["table"], row["column"]): row["class"] for row in csv.DictReader(handle)}


def test_every_column_is_classified_and_nothing_stale(app):
    schema = {(table.name, column.name) for table in db.metadata.tables.values()
              for column in table.columns}
    inventory = _inventory()
    assert schema - inventory.keys() == set(), "classify these columns in data-inventory.csv"
    assert inventory.keys() - schema == set(), "these rows name columns that do not exist"
    assert set(inventory.values()) <= CLASSES


def test_secrets_are_classed_as_credentials(app):
    inventory = _inventory()
    for column in (("users", "password_hash"), ("users", "totp_secret"),
                   ("api_tokens", "token_hash"), ("recovery_codes", "code_hash")):
        assert inventory[column] == "credential", column
    assert inventory[("reviews", "pseudonym")] == "case-special"
    assert inventory[("family_contacts", "summary")] == "case-special"
