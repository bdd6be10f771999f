"""Public pages per partnership (no sign-in): what a CSP's website publishes today."""
