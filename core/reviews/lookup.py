"""Loading the review a URL names, for views: 404 when the current tenant cannot see it
(another tenant's review answers exactly like one that does not exist)."""
from __future__ import annotations

import uuid

from flask import abort

from core.reviews.service import find_review


def review_or_404(review_id: uuid.UUID):
    review = find_review(review_id)
    if review is None:
        abort(404)
    return review
