"""Multi-tenancy: CSPs, regions, memberships, and the walls that keep tenants apart."""
