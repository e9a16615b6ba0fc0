"""A bucket that fails or hangs during an upload: the editor gets a form error within seconds,
the site answers, and no photo is half stored."""

import time

import pytest
from botocore.exceptions import ClientError
from django.core.files.storage import default_storage
from storages.backends.s3 import S3Storage

from articles.models import Image
from tests.photos.test_photos import upload
from tests.support import photo_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def bucket(media_storage, seaweedfs):
    if media_storage != "bucket":
        pytest.skip("about buckets")
    return seaweedfs


def _stored(server):
    listed = server.client().list_objects_v2(Bucket=server.bucket, Prefix=default_storage.location)
    return [entry["Key"] for entry in listed.get("Contents", [])]


def test_a_bucket_that_fails_midway_gives_a_form_error_and_keeps_nothing(
    editor_client, bucket, monkeypatch
):
    real_save, calls = S3Storage._save, []

    def refuse_the_fourth(self, name, content):
        calls.append(name)
        if len(calls) == 4:  # the original and two renditions are in the bucket by now
            raise ClientError({"Error": {"Code": "SlowDown", "Message": "Reduce your rate"}},
                              "PutObject")  # fmt: skip
        return real_save(self, name, content)

    monkeypatch.setattr(S3Storage, "_save", refuse_the_fourth)
    response = upload(editor_client, photo_bytes(1000, 600))
    assert response.status_code == 200
    assert "could not be stored" in response.text and "Reduce your rate" in response.text
    assert not Image.objects.exists()
    assert _stored(bucket) == [], "nothing half stored"


def test_a_bucket_that_hangs_costs_the_editor_seconds_not_a_worker(editor_client, bucket):
    bucket.pause()
    started = time.monotonic()
    try:
        response = upload(editor_client, photo_bytes(800, 600))
    finally:
        bucket.resume()
    assert time.monotonic() - started < 30
    assert response.status_code == 200 and "could not be stored" in response.text
    assert not Image.objects.exists()
    assert editor_client.get("/admin/articles/image/").status_code == 200


def test_deleting_a_photo_deletes_its_objects_from_the_bucket(
    editor_client, bucket, django_capture_on_commit_callbacks
):
    assert upload(editor_client, photo_bytes(1000, 600)).status_code == 302
    image = Image.objects.get()
    stored = _stored(bucket)
    assert any(key.endswith(image.file.name) for key in stored)
    assert sum(f"renditions/{image.key}/" in key for key in stored) == 2 * 3 + 3
    assert editor_client.get(image.url()).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/admin/articles/image/{image.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert _stored(bucket) == []
    assert editor_client.get(image.url()).status_code == 404
