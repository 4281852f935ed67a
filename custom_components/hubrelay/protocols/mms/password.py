"""The MMS password hash: the cloud never sees the password, only this salted SHA1.

``SHA1(lower(username) + password + salt)`` in lowercase hex, with the fixed salt (the "password
seed") from the MMS specification. The username is lowercased as the hub apps do.
"""

from __future__ import annotations

import hashlib

PASSWORD_SALT = "oZ7QE6LcLJp6fiWzdqZc"  # noqa: S105 - the public MMS salt, not a secret


def password_hash(username: str, password: str) -> str:
    """Return the ``SHA1Password`` value that the ``autha`` login expects."""
    material = f"{username.lower()}{password}{PASSWORD_SALT}".encode()
    return hashlib.sha1(material, usedforsecurity=False).hexdigest()
