"""The photo library in the admin (articles/photos/admin.py): what each role may do with photos,
picking a lead photo, taking one down for good, and a media folder that cannot be written."""

import pytest
from django.core.files.storage import default_storage

from articles.models import Image
from articles.roles import ADMINISTRATOR, PUBLISHER, WRITER
from tests.photos.test_photos import upload
from tests.support import photo_bytes

pytestmark = pytest.mark.django_db

PHOTO_ACTIONS = {
    # action: roles that may take it
    "view": {WRITER, PUBLISHER, ADMINISTRATOR},
    "add": {WRITER, PUBLISHER, ADMINISTRATOR},
    "change": {WRITER, PUBLISHER, ADMINISTRATOR},
    "delete": {PUBLISHER, ADMINISTRATOR},
}


@pytest.mark.parametrize("role", [WRITER, PUBLISHER, ADMINISTRATOR])
@pytest.mark.parametrize("action", PHOTO_ACTIONS)
def test_photo_permissions_per_role(client, people, library_image, role, action):
    """First security review, finding 10: photo permissions per role."""
    image = library_image(photo_bytes(64, 48))  # small: only the pages matter here
    client.force_login(people[role])
    allowed = role in PHOTO_ACTIONS[action]
    assert people[role].has_perm(f"articles.{action}_image") is allowed
    url = {
        "view": f"/admin/articles/image/{image.pk}/change/",
        "add": "/admin/articles/image/add/",
        "change": f"/admin/articles/image/{image.pk}/change/",
        "delete": f"/admin/articles/image/{image.pk}/delete/",
    }[action]
    assert (client.get(url).status_code == 200) is allowed


def test_a_writer_can_pick_a_lead_photo_through_the_autocomplete(client, people, library_image):
    """First security review, finding 10: photo permissions per role; a Writer still finds the
    library's photos for a release."""
    library_image(photo_bytes(64, 48), alt_text="Harbor cranes at dawn")
    client.force_login(people[WRITER])
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "release", "field_name": "lead_image", "term": ""},
    )
    assert response.status_code == 200
    assert response.json()["results"]


def files_in(folder):
    try:
        return default_storage.listdir(folder)[1]
    except FileNotFoundError:  # a folder on disk that is gone (a bucket lists nothing)
        return []


def test_deleting_a_photo_deletes_its_files_and_its_addresses_answer_404(
    client, people, library_image, django_capture_on_commit_callbacks
):
    """First security review, finding 5: a photo could not be taken down."""
    image = library_image()
    addresses = [image.url(width, ext) for width in image.rendition_widths()
                 for ext in ("webp", image.extension)] + image.share_urls()  # fmt: skip
    assert all(client.get(address).status_code == 200 for address in addresses)
    renditions = f"renditions/{image.key}"
    assert default_storage.exists(image.file.name) and files_in(renditions)

    client.force_login(people[PUBLISHER])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/articles/image/{image.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Image.objects.exists()
    client.logout()
    assert [client.get(address).status_code for address in addresses] == [404] * len(addresses)
    assert not default_storage.exists(image.file.name)
    assert files_in(renditions) == []


def test_an_unwritable_media_folder_is_a_form_error_not_a_500(
    editor_client, settings, tmp_path, media_storage
):
    """First security review, finding 8: error pages without a database, and a media folder
    that cannot be written (tests/photos/test_bucket.py fails a bucket)."""
    if media_storage != "disk":
        pytest.skip("a folder on disk")
    # A folder inside a plain file cannot be written, even by root (these tests may run as root).
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = str(blocker / "media")
    response = upload(editor_client, photo_bytes(), alt_text="Sailors on deck")
    assert response.status_code == 200
    assert "could not be stored" in response.text
    assert not Image.objects.exists()
