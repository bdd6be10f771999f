"""Warrington: Domestic Abuse Related Death Review (previously DHR)."""
