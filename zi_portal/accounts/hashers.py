"""The password hasher: Argon2id at OWASP's recommended minimum (19 MiB of memory, two
passes, one lane).

Django's default (PBKDF2, 1,000,000 iterations) costs 176 ms of CPU per sign-in on an idle
core here, and 0.67 s was seen under load: on
a three-worker server a rush of sign-ins starved every other request. Argon2id is the
stronger hash against guessing on GPUs (it is memory-hard) and costs 16 ms with
these parameters (bench/password_hash.py). PBKDF2 stays second in PASSWORD_HASHERS, so
existing accounts still sign in and their hash is upgraded to Argon2id on that sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, m=19456 KiB, t=2, p=1 (OWASP Password Storage Cheat Sheet)."""

    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19456
    parallelism = 1
