"""Administration for regional and platform admins: local policies per CSP. Admins manage
configuration only: nothing here shows or touches case data."""
