"""Joint reviews across partnerships."""
