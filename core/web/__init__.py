"""Pages that belong to no tenant, the shared layout and error pages."""
