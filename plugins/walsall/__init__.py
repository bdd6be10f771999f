"""Walsall: the CSP chair leads; a full panel; always an independent chair."""
