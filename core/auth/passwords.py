"""argon2id password hashing (argon2-cffi's PasswordHasher defaults to argon2id)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# "fast" exists only so the test suite does not spend minutes hashing; production
# refuses it (core/app.py).
_PROFILES = {
    "strong": PasswordHasher(),  # RFC 9106 low-memory profile: t=3, m=64 MiB, p=4
    "fast": PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
}
_profile = "strong"


def use_profile(name: str) -> None:
    global _profile
    if name not in _PROFILES:
        raise ValueError(f"unknown password hash profile {name!r}")
    _profile = name


def hash_password(password: str) -> str:
    return _PROFILES[_profile].hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Every call costs one argon2 verification, whatever is stored: an account invited
    but with no password yet (an empty hash) must answer as slowly as any other, or the
    time taken tells who has a pending invitation."""
    try:
        return _PROFILES[_profile].verify(stored, password)
    except InvalidHashError:
        burn_time(password)
        return False
    except VerificationError:
        return False


# Verified against when the email is unknown, so a wrong email costs the same time.
_DUMMY = None


def burn_time(password: str) -> None:
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = hash_password("not-a-real-password")
    verify_password(_DUMMY, password)
