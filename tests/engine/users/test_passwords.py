"""The password rule (NIST SP 800-63B): 12 characters at least, no common passwords, no composition rules."""

from __future__ import annotations

import pytest

from engine.users import passwords
from engine.users.passwords import COMMON, HAS_USERNAME, TOO_LONG, TOO_SHORT, WeakPassword, check_password


@pytest.mark.parametrize("password", [
    "korrekt-hest-batteri-1",
    "min kat hedder Søren",  # a sentence with spaces and Danish letters
    "hverdagsrutiner",  # lower case letters only: no composition rule
    "839201746529",  # digits only, but no run
    "Gråvejr over Aarhus",
    " ".join(str(n) for n in range(400))[:1024],  # the longest allowed
])
def test_long_uncommon_passwords_are_accepted(password):
    check_password(password, "anna")


@pytest.mark.parametrize("password, reason", [
    (" ", TOO_SHORT),
    ("elleve tegn", TOO_SHORT),  # 11
    ("x" * 1025, TOO_LONG),
    ("passwordpassword", COMMON),
    ("P@ssw0rd-2024!", COMMON),
    ("P@ss-w0rd-2024", COMMON),
    ("Sommer2024!!!!", COMMON),
    ("kodeord123456", COMMON),
    ("Adgangskode1234", COMMON),
    ("123456789012", COMMON),
    ("qwertyuiopåasd", COMMON),
    ("1q2w3e4r5t6y", COMMON),
    ("            ", COMMON),  # twelve spaces
    ("abababababab", COMMON),
    ("i-love-you-123", COMMON),
    ("Liverpool1892!", COMMON),
    ("casepath-2026!", COMMON),
    ("jensen-anna-1234", HAS_USERNAME),
])
def test_short_common_or_personal_passwords_are_refused(password, reason):
    with pytest.raises(WeakPassword) as refused:
        check_password(password, "jensen-anna")
    assert refused.value.reason == reason
    assert refused.value.details[0]["field"] == "password"


def test_the_user_name_counts_only_when_it_is_long_enough_to_mean_something():
    check_password("bo-har-en-lang-adgangskode", "bo")


def test_every_length_counts_unicode_characters_once():
    check_password("æøåæøåæøåxyz", "")  # 12 characters, 24 bytes in UTF-8
    with pytest.raises(WeakPassword):
        check_password("æøåæøåæøåxy", "")


def test_the_list_is_shipped_with_the_code_and_read_once():
    listed = passwords.common_passwords()
    assert len(listed) > 900 and "password" in listed and "kodeord" in listed
    assert all(entry == entry.casefold() and entry.strip() == entry for entry in listed)
    assert passwords.common_passwords() is listed


def test_generated_passwords_keep_the_rule():
    for _ in range(50):
        check_password(passwords.generate(), "anna")
