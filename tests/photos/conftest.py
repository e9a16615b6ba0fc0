"""Every photo test runs twice: with the media on disk, and in a bucket on a real S3-compatible
server (SeaweedFS on loopback, one per test run; each test in a folder of its own)."""

import uuid

import pytest

from pressoffice.settings import s3_media
from tests.servers import SeaweedFS


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    server = SeaweedFS(tmp_path_factory.mktemp("seaweedfs")).start()
    yield server
    server.stop()


@pytest.fixture(autouse=True, params=["disk", pytest.param("bucket", marks=pytest.mark.servers)])
def media_storage(request, settings):
    """ "disk" or "bucket": where this run of the test keeps photos."""
    if request.param == "bucket":
        server = request.getfixturevalue("seaweedfs")
        storage = s3_media(
            server.bucket, endpoint_url=server.endpoint, region="us-east-1",
            access_key="test", secret_key="test",
        )  # fmt: skip
        # A folder per test: a bucket per test would make SeaweedFS grow volumes for each.
        storage["OPTIONS"]["location"] = f"test-{uuid.uuid4().hex[:12]}"
        settings.STORAGES = settings.STORAGES | {"default": storage}
    return request.param
