"""Reviews: one Domestic Homicide Review (DARDR) each, owned by one CSP."""
