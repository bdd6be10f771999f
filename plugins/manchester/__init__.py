"""Manchester: learning after publication (Greater Manchester DHR policy)."""
