"""The S3-compatible file store against a real S3 server on this machine (moto's, started by the tier): the stores'
shared checks, and what only a bucket can show."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from jtbd_app.adapters.storage_s3 import S3Store
from jtbd_app.services.ports import FileStore
from tests.support.file_store_contract import CHECKS
from tests.support.s3 import object_names, s3_client


def store_of(settings: dict[str, str], prefix: str | None = None) -> S3Store:
    return S3Store(
        bucket=settings["S3_BUCKET"],
        prefix=settings["S3_PREFIX"] if prefix is None else prefix,
        endpoint_url=settings["S3_ENDPOINT_URL"],
        region=settings["S3_REGION"],
        access_key_id=settings["S3_ACCESS_KEY_ID"],
        secret_access_key=settings["S3_SECRET_ACCESS_KEY"],
    )


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_the_bucket_store_keeps_the_contract_of_every_store(
    check: Callable[[FileStore], None], s3_settings: dict[str, str]
) -> None:
    check(store_of(s3_settings))


def test_files_lie_under_the_prefix_and_others_in_the_bucket_are_left_alone(s3_settings: dict[str, str]) -> None:
    endpoint, bucket = s3_settings["S3_ENDPOINT_URL"], s3_settings["S3_BUCKET"]
    s3_client(endpoint).put_object(Bucket=bucket, Key="someone-else/report.pdf", Body=b"not ours")
    s3_client(endpoint).put_object(Bucket=bucket, Key="uploads/odd name.txt", Body=b"not a key we make")
    store = store_of(s3_settings)
    store.save("photos/k-64.jpg", b"jpeg")
    assert object_names(endpoint, bucket) == [
        "someone-else/report.pdf",
        "uploads/odd name.txt",
        "uploads/photos/k-64.jpg",
    ]
    assert list(store.keys()) == ["photos/k-64.jpg"]
    assert store.where == f"bucket s3://{bucket}/uploads/"
    # Without a prefix the app would take the whole bucket for its own: the other's file too (the odd name aside).
    assert sorted(store_of(s3_settings, prefix="").keys()) == ["someone-else/report.pdf", "uploads/photos/k-64.jpg"]


def test_objects_are_private(s3_settings: dict[str, str]) -> None:
    store_of(s3_settings).save("key-1", b"secret")
    acl = s3_client(s3_settings["S3_ENDPOINT_URL"]).get_object_acl(Bucket=s3_settings["S3_BUCKET"], Key="uploads/key-1")
    assert [g["Grantee"].get("URI") for g in acl["Grants"] if g["Grantee"].get("Type") == "Group"] == []


def test_a_bucket_that_does_not_exist_is_an_error_not_a_missing_file(s3_settings: dict[str, str]) -> None:
    store = store_of({**s3_settings, "S3_BUCKET": "no-such-bucket-here"})
    with pytest.raises(Exception, match="NoSuchBucket"):
        store.read("key-1")
