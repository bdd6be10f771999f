"""People and access: users, sign-in, API tokens and the role table."""
