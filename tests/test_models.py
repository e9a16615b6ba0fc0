"""Fields the model derives on save, text cleaned on save, and the rules the database itself
enforces (the record of a release outlives any attempt to delete it)."""

import datetime
import re

import pytest
from django.db import IntegrityError
from django.db.models import ProtectedError
from django.utils import timezone

from articles.editorial.importer import has_custom_summary
from articles.editorial.workflow import add_correction
from articles.models import Correction, Office, Release
from articles.roles import PUBLISHER
from tests.support import WORD_BREAKS

pytestmark = pytest.mark.django_db


def test_slug_comes_from_the_title_and_stays_unique(make_release):
    first = make_release("Secretary’s Statement on Trade", slug="")
    second = make_release("Secretary’s Statement on Trade", slug="")
    assert first.slug == "secretarys-statement-on-trade"
    assert re.fullmatch(r"secretarys-statement-on-trade-[0-9a-f]{6}", second.slug)
    assert make_release("Заявление", slug="").slug == "release"


def test_slug_is_unique_in_the_database(make_release):
    make_release(slug="same")
    with pytest.raises(IntegrityError):
        Release.objects.bulk_create([Release(title="x", slug="same", office=Office.default())])


def test_empty_summary_defaults_to_the_first_sentence(make_release):
    release = make_release(body="<p>Gen. Jane Doe met U.S. leaders today. They talked.</p>")
    assert release.summary == "Gen. Jane Doe met U.S. leaders today."
    assert not has_custom_summary(release)
    release.summary = "Written by the editor."
    release.save()
    assert release.summary == "Written by the editor."
    assert has_custom_summary(release)


def test_publishing_without_a_time_means_now(make_release):
    release = make_release(publish_at=None, status="draft")
    assert release.publish_at is None
    release.status = Release.Status.PUBLISHED
    release.save()
    assert abs(release.publish_at - timezone.now()) < datetime.timedelta(seconds=5)
    assert release.is_live


def test_rows_written_without_a_form_are_sanitised_too(make_release):
    release = make_release(body='<p>Hi<script>alert(1)</script><iframe src="x"></iframe></p>')
    assert release.body == "<p>Hi</p>"


def test_expiry_must_follow_publication_in_the_database(make_release):
    release = make_release()
    release.expire_at = release.publish_at
    with pytest.raises(IntegrityError):
        release.save()


def test_release_numbers_are_unique_but_may_be_empty(make_release):
    make_release(release_number="")
    make_release(release_number="")
    make_release(release_number="No. 5-26")
    with pytest.raises(IntegrityError):
        make_release(release_number="No. 5-26")


def test_only_one_office_is_the_default(office):
    with pytest.raises(IntegrityError):
        Office.objects.create(name="Second default", is_default=True)


def test_control_characters_are_stripped_from_text_on_save(make_release, people):
    """First security review, finding 4: one control character takes the feeds down."""
    release = make_release(
        f"Title {WORD_BREAKS}",
        summary=f"Summary {WORD_BREAKS}",
        body=f"<p>Body {WORD_BREAKS}</p>",
        dateline="WASH\x0bINGTON",
        byline="By\x0c Jane",
        tags=["Ports\x0b"],
    )
    release.refresh_from_db()
    for text in [release.title, release.summary, release.body, release.dateline, release.byline]:
        assert "\x0b" not in text and "\x0c" not in text
    assert "Shift+Enter from Word and a form feed" in release.title
    assert [tag.name for tag in release.tags.all()] == ["Ports"]
    correction = add_correction(release, people[PUBLISHER], "Fixed\x0b date")
    assert Correction.objects.get(pk=correction.pk).text == "Fixed date"
    office = Office.objects.create(name="Office\x0c of Ports")
    assert Office.objects.get(pk=office.pk).name == "Office of Ports"


def test_the_record_cannot_be_erased_by_deleting_rows_or_people(make_release, people):
    """First security review, finding 3: deleting a release lost its public record."""
    release = make_release("On the record")
    add_correction(release, people[PUBLISHER], "A date was wrong.")
    with pytest.raises(ProtectedError):
        release.delete()
    with pytest.raises(ProtectedError):
        people[PUBLISHER].delete()
    assert release.audit_entries.get().user == people[PUBLISHER]
