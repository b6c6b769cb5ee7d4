"""What each sealed thing is bound to: moved to another subject, field, version, key or kind, it does not open."""

from __future__ import annotations

import pytest

from yinsi.core.sealing import (
    MasterKey,
    SealError,
    new_key,
    open_blob,
    open_value,
    open_with_secret,
    seal_blob,
    seal_value,
    seal_with_secret,
    unwrap_data_key,
    wrap_data_key,
)

KEY = new_key()


def test_a_value_opens_only_where_it_was_sealed() -> None:
    sealed = seal_value(KEY, "s1", "mobile", 1, "13912345678")
    assert open_value(KEY, "s1", "mobile", 1, sealed) == "13912345678"
    assert b"13912345678" not in sealed
    for subject, field, version, key in [
        ("s2", "mobile", 1, KEY),
        ("s1", "email", 1, KEY),
        ("s1", "mobile", 2, KEY),
        ("s1", "mobile", 1, new_key()),
    ]:
        with pytest.raises(SealError):
            open_value(key, subject, field, version, sealed)


def test_sealing_twice_gives_different_bytes_and_tampering_is_detected() -> None:
    first, second = (seal_value(KEY, "s1", "name", 1, "李雷") for _ in range(2))
    assert first != second
    tampered = first[:-1] + bytes([first[-1] ^ 1])
    with pytest.raises(SealError):
        open_value(KEY, "s1", "name", 1, tampered)
    with pytest.raises(SealError, match="too short"):
        open_value(KEY, "s1", "name", 1, first[:20])


def test_an_export_never_opens_as_a_value_of_a_field_with_the_same_name() -> None:
    blob = seal_blob(KEY, "s1", "export", 1, b"zip bytes")
    assert open_blob(KEY, "s1", "export", 1, blob) == b"zip bytes"
    with pytest.raises(SealError):
        open_value(KEY, "s1", "export", 1, blob)
    value = seal_value(KEY, "s1", "export", 1, "a value")
    with pytest.raises(SealError):
        open_blob(KEY, "s1", "export", 1, value)


def test_a_wrapped_data_key_belongs_to_one_subject_version_and_master_key() -> None:
    master = MasterKey("m1", new_key())
    wrapped = wrap_data_key(master, "s1", 1, KEY)
    assert unwrap_data_key(master, "s1", 1, wrapped) == KEY
    for other, subject, version in [
        (master, "s2", 1),
        (master, "s1", 2),
        (MasterKey("m2", master.material), "s1", 1),
    ]:
        with pytest.raises(SealError):
            unwrap_data_key(other, subject, version, wrapped)
    assert master.material.hex() not in repr(master)


def test_process_secrets_bind_their_purpose() -> None:
    secret = new_key()
    sealed = seal_with_secret(secret, "totp", b"SEED")
    assert open_with_secret(secret, "totp", sealed) == b"SEED"
    with pytest.raises(SealError):
        open_with_secret(secret, "outbox", sealed)
