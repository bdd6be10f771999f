"""Timestamps in API responses: stored as naive UTC, sent as RFC 3339 with their offset
(a date-time without one is not valid in the OpenAPI contract)."""
from __future__ import annotations

from datetime import UTC

from marshmallow import fields


class UtcDateTime(fields.DateTime):
    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)
