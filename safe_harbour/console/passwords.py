"""Staff passwords: PBKDF2-HMAC-SHA256 from the standard library, stored as
``pbkdf2_sha256$<iterations>$<salt, base64>$<hash, base64>``."""

import base64
import functools
import hashlib
import hmac
import os

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 600_000  # OWASP's 2023 figure for PBKDF2-HMAC-SHA256
MIN_LENGTH = 10


def _bytes(password: str) -> bytes:
    # "surrogatepass": a lone surrogate (which JSON can carry) is hashed like any other character.
    return password.encode("utf-8", "surrogatepass")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, iterations: int = ITERATIONS) -> str:
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", _bytes(password), salt, iterations)
    return f"{ALGORITHM}${iterations}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        algorithm, iterations, salt, digest = stored.split("$")
        if algorithm != ALGORITHM:
            return False
        candidate = hashlib.pbkdf2_hmac("sha256", _bytes(password), base64.b64decode(salt), int(iterations))
        return hmac.compare_digest(candidate, base64.b64decode(digest))
    except (ValueError, TypeError):
        return False


@functools.lru_cache(maxsize=1)
def dummy_hash() -> str:
    """Checked against for an unknown name too, so a wrong name and a wrong password take the same time."""
    return hash_password("not a real password")
