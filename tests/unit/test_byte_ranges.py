"""The byte range a download asks for (domain.byte_ranges): one range served, anything else the whole file."""

from __future__ import annotations

import pytest

from jtbd_app.domain.byte_ranges import ByteRange, Unsatisfiable, requested_range


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", ByteRange(0, 99)),
        ("bytes=100-", ByteRange(100, 999)),
        ("bytes=-10", ByteRange(990, 999)),
        ("bytes=990-5000", ByteRange(990, 999)),  # a range past the end is cut at it
        ("bytes = 5-9", ByteRange(5, 9)),
    ],
)
def test_one_range_is_served(header: str, expected: ByteRange) -> None:
    assert requested_range(header, 1000) == expected
    assert expected.content_range(1000) == f"bytes {expected.start}-{expected.end}/1000"


@pytest.mark.parametrize(
    "header",
    [None, "", "bytes=0-999", "bytes=-5000", "bytes=0-1,5-6", "items=0-5", "bytes=9-3", "bytes=-", "bytes=a-b"],
)
def test_anything_else_is_the_whole_file(header: str | None) -> None:
    assert requested_range(header, 1000) is None


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_a_range_outside_the_file_is_refused(header: str) -> None:
    with pytest.raises(Unsatisfiable):
        requested_range(header, 1000)


def test_a_huge_number_is_no_range_rather_than_an_error() -> None:
    assert requested_range("bytes=" + "9" * 40 + "-", 1000) is None
