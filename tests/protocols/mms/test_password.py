"""Known answers for the MMS password hash: SHA1(lower(user) + password + salt)."""

from __future__ import annotations

from custom_components.hubrelay.protocols.mms import PASSWORD_SALT, password_hash


def test_salt_is_the_documented_one() -> None:
    assert PASSWORD_SALT == "oZ7QE6LcLJp6fiWzdqZc"


def test_known_answer_from_the_ezlo_guide() -> None:
    # The Ezlo remote-access guide hashes "test69212" + "Ezlo@2021" + salt; the digest was
    # computed independently with `printf '%s' test69212Ezlo@2021oZ7QE6LcLJp6fiWzdqZc | sha1sum`.
    assert password_hash("test69212", "Ezlo@2021") == "8a5e384a672700cfb27c180e77d2410d765ec05b"


def test_username_is_lowercased_but_password_is_not() -> None:
    assert password_hash("TEST69212", "Ezlo@2021") == "8a5e384a672700cfb27c180e77d2410d765ec05b"
    assert password_hash("test69212", "ezlo@2021") == "484b700d21ae7fb99e6386676a40e14b7d335108"


def test_non_ascii_is_hashed_as_utf8() -> None:
    # printf '%s' 'jürgenpässwordoZ7QE6LcLJp6fiWzdqZc' | sha1sum
    assert password_hash("Jürgen", "pässword") == "ec8eabb71ea300392a11ade307ea3ffcd350d34c"
