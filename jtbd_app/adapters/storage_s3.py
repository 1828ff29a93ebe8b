"""Uploaded files in an S3-compatible bucket (AWS S3, MinIO, Ceph, Cloudflare R2, ...) through boto3, so that every
host of the app sees the same files. Objects are private (no ACL is ever granted); keys live under `prefix`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from jtbd_app.services.file_storage import is_key, valid_key

MISSING = {"NoSuchKey", "404", "NotFound"}
PIECE = 256 * 1024  # bytes read at a time for a download


class S3Store:
    def __init__(
        self,
        *,
        bucket: str,
        prefix: str = "",
        endpoint_url: str = "",
        region: str = "",
        access_key_id: str = "",
        secret_access_key: str = "",
        timeout: float = 20.0,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        config = Config(connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 3, "mode": "standard"})
        self._client: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None,
            config=config,
        )

    @property
    def where(self) -> str:
        return f"bucket s3://{self.bucket}/{self.prefix}"

    def _name(self, key: str) -> str:
        return self.prefix + valid_key(key)

    def save(self, key: str, content: bytes) -> None:
        self._client.put_object(Bucket=self.bucket, Key=self._name(key), Body=content)

    def read(self, key: str) -> bytes | None:
        answer = self._unless_missing(self._client.get_object, key)
        return None if answer is None else bytes(answer["Body"].read())

    def size(self, key: str) -> int | None:
        answer = self._unless_missing(self._client.head_object, key)
        return None if answer is None else int(answer["ContentLength"])

    def _unless_missing(self, call: Any, key: str) -> Any:
        """`call`'s answer about the object under `key`; None when there is no such object."""
        try:
            return call(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in MISSING:
                return None
            raise

    def chunks(self, key: str, start: int, end: int) -> Iterator[bytes]:
        return self._pieces(self._name(key), start, end)

    def _pieces(self, name: str, start: int, end: int) -> Iterator[bytes]:
        if end < start:
            return
        answer = self._client.get_object(Bucket=self.bucket, Key=name, Range=f"bytes={start}-{end}")
        yield from answer["Body"].iter_chunks(PIECE)

    def delete(self, key: str) -> None:
        self._client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def keys(self) -> Iterator[str]:
        pages = self._client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                key = item["Key"][len(self.prefix) :]
                if is_key(key):  # anything else in the bucket is not ours
                    yield key
