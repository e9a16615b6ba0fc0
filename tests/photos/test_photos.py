"""Photos: every bad file gets a clear form error, good ones lose their metadata and gain
responsive renditions, and readers get a fast, accessible figure."""

import io
import os
import re
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image as PILImage
from PIL import ImageStat

from articles.models import Image
from articles.photos.renditions import RENDITION_WIDTHS, SHARE_RATIOS
from tests.support import ROOT, outline, photo_bytes

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/image/add/"


def upload(client, content, name="photo.jpg", **fields):
    data = {"alt_text": "A harbor at dawn", "caption": "", "credit": "", **fields}
    data["upload"] = _file(content, name)
    return client.post(ADD_URL, data)


def _file(content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def stored_files():
    return sorted(p for p in Path(default_storage.location).rglob("*") if p.is_file())


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width=60000, height=60000):
    """A few hundred bytes that claim billions of pixels."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + png_chunk(b"IEND", b"")
    )


def gps_exif():
    exif = PILImage.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (38.0, 52.0, 17.0), "W", (77.0, 3.0, 21.0)
    return exif


BAD_FILES = {
    "decompression bomb": (bomb_png(), "bomb.png", "the limit is 40 megapixels"),
    "truncated jpeg": (photo_bytes()[:1500], "cut.jpg", "truncated or corrupt"),
    "html renamed .jpg": (b"<html><script>alert(1)</script></html>", "page.jpg", "not a JPEG, PNG"),
    "svg with script": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "drawing.svg",
        "not a JPEG, PNG",
    ),
    "tiff named .png": (photo_bytes(fmt="TIFF"), "scan.png", "not a JPEG, PNG"),
    "empty file": (b"", "empty.jpg", "The submitted file is empty."),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_files_are_clear_form_errors_and_store_nothing(editor_client, case):
    content, name, message = BAD_FILES[case]
    files_before = stored_files()
    response = upload(editor_client, content, name, caption="My caption stays")
    assert response.status_code == 200
    assert message in response.text, response.context["adminform"].form.errors
    assert "My caption stays" in response.text, "the rest of the form is not lost"
    assert not Image.objects.exists()
    assert stored_files() == files_before


@override_settings(IMAGE_MAX_PIXELS=100 * 100)
def test_an_image_just_over_the_pixel_limit_is_refused(editor_client):
    assert upload(editor_client, photo_bytes(100, 100)).status_code == 302
    response = upload(editor_client, photo_bytes(101, 100))
    assert "The image is 101 × 100 pixels (0.0 MP); the limit is 0.01 megapixels." in response.text


@override_settings(IMAGE_MAX_BYTES=50 * 1024)
def test_an_oversize_file_is_refused_with_the_limit(editor_client):
    noise = PILImage.frombytes("RGB", (200, 200), os.urandom(200 * 200 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    response = upload(editor_client, buffer.getvalue(), "big.png")
    assert re.search(r"The file is \d+ KB; the limit is 50 KB\.", response.text)
    assert not Image.objects.exists()


def test_alt_text_is_required_unless_decorative(editor_client):
    response = upload(editor_client, photo_bytes(), alt_text="")
    assert "Describe the photo for people who cannot see it" in response.text
    assert upload(editor_client, photo_bytes(), alt_text="", decorative="on").status_code == 302
    assert Image.objects.get().alt == ""


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.jpg", "..\\..\\windows\\win.ini.jpg", "a\x00b.jpg", "<b>x</b>.jpg"]
)
def test_upload_names_never_become_paths(editor_client, name, media_storage):
    assert upload(editor_client, photo_bytes(), name).status_code == 302
    image = Image.objects.get()
    assert image.file.name == f"images/{image.key}.jpg"
    assert "/" not in image.original_filename and "\x00" not in image.original_filename
    if media_storage == "disk":  # a bucket has keys, not paths
        stored = Path(image.file.path).relative_to(Path(default_storage.location))
        assert ".." not in stored.as_posix()
    page = editor_client.get(f"/admin/articles/image/{image.pk}/change/").text
    assert "<b>x</b>" not in page


def test_exif_orientation_is_applied_and_gps_is_gone_from_everything_served(editor_client):
    content = photo_bytes(1800, 1000, exif=gps_exif())
    assert b"GPS" in content or PILImage.open(io.BytesIO(content)).getexif().get_ifd(0x8825)
    assert upload(editor_client, content).status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (1000, 1800), "rotated upright by its EXIF orientation"
    names = [image.file.name] + [
        f"renditions/{image.key}/{name}"
        for name in default_storage.listdir(f"renditions/{image.key}")[1]
    ]
    widths = [w for w in RENDITION_WIDTHS if w < 1000] + [1000]
    assert len(names) == 1 + 2 * len(widths) + len(SHARE_RATIOS), "with the share crops"
    for name in names:
        data = default_storage.open(name).read()
        served = PILImage.open(io.BytesIO(data))
        assert not served.getexif(), name
        assert "exif" not in served.info and b"CameraMaker" not in data, name


def test_renditions_are_made_once_per_width_without_upscaling(library_image):
    image = library_image(photo_bytes(1000, 500))
    assert image.rendition_widths() == [480, 960, 1000]
    for width in image.rendition_widths():
        for ext in ("webp", "jpg"):
            with default_storage.open(f"renditions/{image.key}/{width}.{ext}") as f:
                assert PILImage.open(f).size == (width, round(500 * width / 1000))


def test_a_release_offers_search_engines_its_photo_in_three_shapes_with_its_alt_text(
    client, make_release, library_image
):
    """Google's Article documentation asks for 1:1, 4:3 and 16:9 images, and link previews
    for the image's alt text: crops cut from the middle of the photo, read from the JSON-LD."""
    # Dark left and right quarters, a white middle: a crop from the middle is mostly white.
    picture = PILImage.new("RGB", (2000, 1000), (0, 0, 0))
    picture.paste((255, 255, 255), (500, 0, 1500, 1000))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG")
    image = library_image(buffer.getvalue(), alt_text="Crews on the pier at dawn")
    release = make_release("With a photo", lead_image=image, byline="By Jane Doe")

    page = outline(client.get(release.get_absolute_url()))
    [article] = page.json_ld
    assert article["author"] == {
        "@type": "Person", "name": "By Jane Doe", "url": "http://testserver/"
    }  # fmt: skip
    shapes = []
    for url in article["image"]:
        served = client.get(url.removeprefix("http://testserver"))
        assert served.status_code == 200, url
        with PILImage.open(io.BytesIO(b"".join(served.streaming_content))) as crop:
            shapes.append(crop.size)
            middle = crop.convert("L").crop((crop.width // 4, 0, crop.width * 3 // 4, crop.height))
            assert ImageStat.Stat(middle).mean[0] > 200, url
    assert shapes == [(1000, 1000), (1200, 900), (1200, 675)]  # 1:1, 4:3, 16:9
    assert page.meta["og:image:alt"] == ["Crews on the pier at dawn"]
    assert page.meta["twitter:image:alt"] == ["Crews on the pier at dawn"]


def test_transparent_png_keeps_its_transparency(library_image):
    image = library_image(
        photo_bytes(600, 400, fmt="PNG", mode="RGBA", color=(0, 0, 0, 0)), "logo.png"
    )
    assert image.extension == "png"
    with default_storage.open(f"renditions/{image.key}/480.png") as f:
        assert PILImage.open(f).mode == "RGBA"


def test_renditions_are_cached_for_a_day_and_originals_are_not_served(client, library_image):
    image = library_image()
    response = client.get(image.url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert client.get(f"/media/{image.file.name}").status_code == 404
    assert client.get("/media/renditions/../images/x.jpg").status_code == 404
    assert client.get(f"/media/renditions/{image.key}/123.jpg").status_code == 404
    assert len(image.key) == 32 and int(image.key, 16) >= 0  # 128 random bits in every address


def test_detail_page_shows_the_lead_photo_as_a_responsive_figure(
    client, make_release, library_image
):
    image = library_image(
        photo_bytes(2000, 1000), caption="Crews at dawn.", credit="Navy photo by Jane Doe"
    )
    release = make_release("With a photo", lead_image=image)
    page = client.get(release.get_absolute_url()).text
    figure = re.search(r'<figure class="lead-photo">(.*?)</figure>', page, re.S)[1]
    assert '<source type="image/webp" srcset="' in figure
    for width in (480, 960, 1600, 2000):
        assert f"/media/renditions/{image.key}/{width}.webp {width}w" in figure
        assert f"/media/renditions/{image.key}/{width}.jpg {width}w" in figure
    assert 'width="2000" height="1000"' in figure and 'sizes="' in figure
    assert 'alt="Sailors on the deck of a ship"' in figure and 'loading="eager"' in figure
    assert "Crews at dawn." in figure and "Navy photo by Jane Doe" in figure
    og = re.search(r'<meta property="og:image" content="([^"]+)"', page)[1]
    assert og == f"http://testserver/media/renditions/{image.key}/2000.jpg"


def test_lists_show_a_thumbnail_and_flag_photos(client, make_release, library_image):
    image = library_image()
    make_release("Lead photo", lead_image=image)
    make_release("Body photo", body=f'<p>Text.</p><figure><img src="{image.url()}"></figure>')
    make_release("No photo")
    page = client.get("/news/").text
    assert page.count("This release contains photos") == 2
    assert page.count('class="release-card__thumb"') == 1
    assert 'loading="lazy"' in page


def test_body_photos_come_from_the_library_with_its_alt_text(client, make_release, library_image):
    image = library_image(alt_text="The pier before repairs")
    release = make_release(
        body=(
            f'<p>Before:</p><figure><img src="{image.url()}" alt="typed by hand">'
            "<figcaption>Pier</figcaption></figure>"
            '<figure><img src="https://tracker.example/pixel.gif" alt="x"></figure>'
            '<p><img src="/media/renditions/00000000000000000000000000000000/480.jpg"></p>'
        )
    )
    assert release.body.count("<img") == 1
    assert (
        f'data-file="{image.key}"' in release.body
        and 'alt="The pier before repairs"' in release.body
    )
    assert "tracker.example" not in release.body
    page = client.get(release.get_absolute_url()).text
    assert (
        f"/media/renditions/{image.key}/480.webp 480w" in page
        and "<figcaption>Pier</figcaption>" in page
    )


def test_feeds_carry_the_lead_photo(client, make_release, library_image):
    import feedparser

    image = library_image()
    make_release("Photo feed", lead_image=image)
    feed = feedparser.parse(client.get("/news/feed/").content)
    [enclosure] = feed.entries[0].enclosures
    assert enclosure.href == f"http://testserver/media/renditions/{image.key}/960.jpg"
    assert enclosure.type == "image/jpeg" and int(enclosure.length) > 0
    item = client.get("/news/feed.json").json()["items"][0]
    assert item["image"] == f"http://testserver/media/renditions/{image.key}/1200.jpg"


def test_admin_library_lists_thumbnails_searches_and_shows_where_used(
    editor_client, make_release, library_image
):
    image = library_image(caption="Harbor tugboat", credit="Photo by Sam Roe")
    library_image(caption="Something else")
    release = make_release("Uses the tug", lead_image=image, status="draft", publish_at=None)
    listing = editor_client.get("/admin/articles/image/?q=tugboat")
    assert listing.status_code == 200 and "Harbor tugboat" in listing.text
    assert "Something else" not in listing.text and "<picture>" in listing.text
    page = editor_client.get(f"/admin/articles/image/{image.pk}/change/").text
    assert "Uses the tug" in page and image.url() in page
    autocomplete = editor_client.get(
        "/admin/autocomplete/",
        {
            "term": "tug",
            "app_label": "articles",
            "model_name": "release",
            "field_name": "lead_image",
        },
    )
    assert [r["text"] for r in autocomplete.json()["results"]] == ["Harbor tugboat"]
    assert release.lead_image == image


def test_release_form_keeps_its_text_when_a_photo_is_refused(editor_client, office):
    """Photos are uploaded to the library, not the release form: a bad file never costs text."""
    response = editor_client.post(
        "/admin/articles/release/add/",
        {"kind": "news", "title": "Keep me", "slug": "keep-me", "body": "<p>My words.</p>",
         "office": office.pk, "lead_image": "999999", "expire_at_0": "", "expire_at_1": ""},
    )  # fmt: skip
    assert response.status_code == 200 and "My words." in response.text
    assert "Select a valid choice" in response.text


@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.one_of(
        st.binary(max_size=2048),
        st.builds(
            lambda seed, flips: _bit_flip(photo_bytes(64, 48), seed, flips),
            st.integers(0, 2**32),
            st.integers(1, 40),
        ),
        st.builds(
            lambda seed, flips: _bit_flip(photo_bytes(64, 48, fmt="PNG"), seed, flips),
            st.integers(0, 2**32),
            st.integers(1, 40),
        ),
    ),
    name=st.sampled_from(["a.jpg", "b.png", "c.gif", "d.webp", "e"]),
)
def test_random_and_bit_flipped_bytes_never_cause_a_500(editor_client, data, name):
    response = upload(editor_client, data, name)
    assert response.status_code in {200, 302}


def _bit_flip(content, seed, flips):
    import random

    rng = random.Random(seed)
    data = bytearray(content)
    for _ in range(flips):
        position = rng.randrange(len(data))
        data[position] ^= 1 << rng.randrange(8)
    return bytes(data)


@pytest.mark.slow
def test_a_worker_handling_a_bomb_stays_small(tmp_path):
    """Measured in a fresh interpreter: the bomb is refused from its header, never decoded."""
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(bomb_png(100_000, 100_000))
    script = textwrap.dedent(
        f"""
        import os, resource, django
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pressoffice.test_settings")
        django.setup()
        from django.core.files.uploadedfile import SimpleUploadedFile
        from articles.photos.uploads import ImageRejected, clean_upload
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            clean_upload(SimpleUploadedFile("bomb.png", open({str(bomb)!r}, "rb").read()))
        except ImageRejected as error:
            print("refused:", error)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print("grew_kb", after - before)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "refused:" in result.stdout and "megapixels" in result.stdout
    grew_kb = int(result.stdout.split("grew_kb")[1])
    assert grew_kb < 20_000, f"the worker grew by {grew_kb} KB handling the bomb"


def test_refresh_renditions_cuts_what_older_photos_lack_and_names_unreadable_ones(library_image):
    from django.core.management import CommandError, call_command

    image = library_image(photo_bytes(1000, 500))
    crops = [url.split("/media/", 1)[1] for url in image.share_urls()]
    for name in crops:
        default_storage.delete(name)  # as a photo uploaded before the crops existed
    call_command("refresh_renditions")
    assert all(default_storage.exists(name) for name in crops)

    default_storage.delete(image.file.name)
    with pytest.raises(CommandError, match=image.key):
        call_command("refresh_renditions")
