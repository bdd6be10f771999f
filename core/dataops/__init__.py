"""Data lifecycle operations run by the platform team: tenant export, tenant offboarding
and retention rules."""
