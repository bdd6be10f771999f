"""Local-policy plugins, one package per area (they arrive with the plugin host)."""
