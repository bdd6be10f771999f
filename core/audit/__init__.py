"""Append-only, hash-chained audit of who saw and changed what."""
