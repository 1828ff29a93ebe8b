"""The local S3-compatible server's credentials (any will do for moto's) and a client of the tests' own on it, to look
into a bucket behind the app's back."""

from __future__ import annotations

from typing import Any

import boto3

S3_KEYS = {"S3_ACCESS_KEY_ID": "test-access-key", "S3_SECRET_ACCESS_KEY": "test-secret-key", "S3_REGION": "us-east-1"}


def s3_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_KEYS["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_KEYS["S3_SECRET_ACCESS_KEY"],
        region_name=S3_KEYS["S3_REGION"],
    )


def object_names(endpoint: str, bucket: str) -> list[str]:
    answer = s3_client(endpoint).list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in answer.get("Contents", []))
