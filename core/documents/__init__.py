"""Documents with versions, stored content-addressed outside the database."""
