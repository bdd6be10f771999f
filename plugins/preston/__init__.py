"""Preston: reports online for a set time, then available on request."""
