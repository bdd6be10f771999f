"""Wigan: executive summaries only; a reasoned decision not to publish."""
