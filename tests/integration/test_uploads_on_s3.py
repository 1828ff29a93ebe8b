"""With S3_BUCKET set, every uploaded file goes to the bucket (on a local S3 server) and comes back through its HTTP
route: a delivery uploaded through the service, dispute evidence, profile photos; nothing is left in the folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jtbd_app import cli
from jtbd_app.config import _normalise_db_url, get_settings
from jtbd_app.db import session_scope
from jtbd_app.services.accounts import terms
from tests.support.contracts import agreed_contract, fund
from tests.support.database import database_env, use_database
from tests.support.members import make_user, session_token
from tests.support.s3 import object_names, s3_client
from tests.support.uploads import deliver_files, fetch, make_marketplace


@pytest.fixture(autouse=True)
def on_s3(
    postgres_url: str, s3_settings: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    cli.migrate(_normalise_db_url(postgres_url))
    env = database_env(postgres_url, PRIVATE_FILES_DIR=str(tmp_path / "private"), **s3_settings)
    with use_database(monkeypatch, env):
        with session_scope() as session:
            terms.publish_terms(session, title="Terms", body="Be nice.")
        yield


def test_a_delivery_uploaded_with_s3_on_is_in_the_bucket_and_served_by_its_route(s3_settings: dict[str, str]) -> None:
    client, contractor = make_user("carol"), make_user("ken")
    deal = agreed_contract(client, contractor)
    fund(deal)
    [sent] = deliver_files(deal, "plans.txt")

    names = object_names(s3_settings["S3_ENDPOINT_URL"], s3_settings["S3_BUCKET"])
    assert len(names) == 1 and names[0].startswith("uploads/")
    in_bucket = s3_client(s3_settings["S3_ENDPOINT_URL"]).get_object(Bucket=s3_settings["S3_BUCKET"], Key=names[0])
    assert in_bucket["Body"].read() == sent.content
    assert not get_settings().resolved_private_files_dir.exists()  # nothing went to the local folder
    assert fetch("/api/contracts/files/1", session_token(client)) == sent.content
    assert fetch("/api/contracts/files/1", session_token(make_user("mallory"))) is None  # the checks still hold


def test_evidence_and_photos_go_to_the_bucket_too_and_a_vanished_object_is_a_404(s3_settings: dict[str, str]) -> None:
    made = make_marketplace(contracts=1)
    endpoint, bucket = s3_settings["S3_ENDPOINT_URL"], s3_settings["S3_BUCKET"]
    names = object_names(endpoint, bucket)
    assert len([n for n in names if n.startswith("uploads/photos/")]) == 4  # two members, two squares each
    assert len(names) == 4 + 2 + 1  # and two delivery files, one evidence file
    for url, (content, reader) in made.files.items():
        assert fetch(url, reader) == content
    s3_client(endpoint).delete_object(Bucket=bucket, Key=next(n for n in names if not n.startswith("uploads/photos")))
    assert sorted(fetch(url, reader) is None for url, (_, reader) in made.files.items()).count(True) == 1
