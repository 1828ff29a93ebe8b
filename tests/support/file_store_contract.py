"""What every file store (`services/ports.FileStore`) must do, checked the same way on each adapter: the local folder
(unit tier) and the S3-compatible bucket on a local S3 server (integration tier)."""

from __future__ import annotations

import pytest

from jtbd_app.services.ports import FileStore

HOSTILE_KEYS = ["", "../escape", "a/../../escape", "/etc/passwd", "photos/", "a//b", "photos/.hidden", "sp ace", "é"]


def check_a_saved_file_reads_back_byte_for_byte_and_is_listed(store: FileStore) -> None:
    content = bytes(range(256)) * 40  # every byte value, binary-safe
    store.save("Abc_123-xyz", content)
    store.save("photos/Abc_123-xyz-64.jpg", b"\xff\xd8small")
    assert store.read("Abc_123-xyz") == content
    assert store.read("photos/Abc_123-xyz-64.jpg") == b"\xff\xd8small"
    assert sorted(store.keys()) == ["Abc_123-xyz", "photos/Abc_123-xyz-64.jpg"]


def check_saving_again_replaces_and_deleting_forgets(store: FileStore) -> None:
    store.save("key-1", b"first")
    store.save("key-1", b"second")
    assert store.read("key-1") == b"second"
    store.delete("key-1")
    assert store.read("key-1") is None and list(store.keys()) == []
    store.delete("key-1")  # twice is fine
    assert store.read("never-saved") is None


def check_a_file_is_sent_in_pieces_from_any_byte(store: FileStore) -> None:
    """What a download streams: the size, then any byte range read in pieces (no piece over a quarter megabyte)."""
    content = bytes(range(256)) * 4_000  # 1,024,000 bytes: several pieces
    store.save("big-1", content)
    store.save("empty-1", b"")
    assert (store.size("big-1"), store.size("empty-1"), store.size("never-saved")) == (len(content), 0, None)
    whole = list(store.chunks("big-1", 0, len(content) - 1))
    assert b"".join(whole) == content and len(whole) > 1 and max(map(len, whole)) <= 256 * 1024
    for start, end in [(0, 0), (7, 7), (300_000, 700_123), (len(content) - 5, len(content) - 1)]:
        assert b"".join(store.chunks("big-1", start, end)) == content[start : end + 1], (start, end)
    assert b"".join(store.chunks("empty-1", 0, -1)) == b""


def check_keys_the_services_never_make_are_refused(store: FileStore) -> None:
    for key in HOSTILE_KEYS:
        with pytest.raises(ValueError, match="Not a file key"):
            store.save(key, b"x")
        with pytest.raises(ValueError, match="Not a file key"):
            store.read(key)
        with pytest.raises(ValueError, match="Not a file key"):
            store.size(key)
        with pytest.raises(ValueError, match="Not a file key"):
            store.chunks(key, 0, 10)
        with pytest.raises(ValueError, match="Not a file key"):
            store.delete(key)
    assert list(store.keys()) == []


CHECKS = [
    check_a_saved_file_reads_back_byte_for_byte_and_is_listed,
    check_saving_again_replaces_and_deleting_forgets,
    check_a_file_is_sent_in_pieces_from_any_byte,
    check_keys_the_services_never_make_are_refused,
]
