"""DHR Hub core: the statutory review lifecycle and everything every CSP shares."""
