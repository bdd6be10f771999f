"""Local policies: which plugins a tenant has enabled, their settings, and calling them."""
