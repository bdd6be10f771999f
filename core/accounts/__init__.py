"""Invitations and password resets by email: single-use links, kept only as hashes."""
