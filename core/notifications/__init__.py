"""Reminders and notices, through an outbox so that nothing is lost when mail is down."""
