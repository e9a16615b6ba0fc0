"""Social posts end to end, the way the newsroom makes them: an Administrator connects an
account in the admin, a Publisher writes the release's posts in its Social panel, the workflow
publishes it, and the worker posts to a Mastodon stand-in on loopback at the minute, never
before; a withdrawal cancels what has not gone and takes down what has."""

import html
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles.editorial.workflow import publish_due, take_step
from articles.roles import ADMINISTRATOR, PUBLISHER, WRITER
from articles.states import Status
from subscriptions.models import SocialAccount, SocialDelivery, SocialPost
from tests.editorial.release_form import change_url, form_data
from tests.editorial.test_desk import panels
from tests.social.conftest import ACCOUNTS, Died, connect, die_when_recording
from tests.social.fake_mastodon import TOKEN
from tests.support import cleared

pytestmark = pytest.mark.django_db


def social_form(client, release, **rows):
    """The release's change form with its Social panel as loaded; `rows` sets the panel's
    forms' fields by name (e.g. chosen="on", text="…" for form 0)."""
    page = client.get(change_url(release))
    inlines = page.context["inline_admin_formsets"]
    formset = next(f.formset for f in inlines if f.formset.prefix == "social_posts")
    data = form_data(client, release)
    data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
    for form in formset.forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if name in {"chosen", "with_photo", "DELETE"}:
                if value and not field.disabled:
                    data[form.add_prefix(name)] = "on"
                continue
            data[form.add_prefix(name)] = "" if value is None else value
    for key, value in rows.items():
        data[f"social_posts-0-{key}"] = value
    return page, data


def publish_now(release, publisher, capture):
    with capture(execute=True):
        take_step(cleared(release), "publish", publisher)


def test_an_administrator_connects_an_account_and_the_token_is_never_shown_again(
    clients, mastodon, account
):
    assert account.handle == "@press@127.0.0.1"
    assert TOKEN not in account.credentials_encrypted, "encrypted at rest"
    assert account.credentials() == {"access_token": TOKEN}
    page = clients[ADMINISTRATOR].get(f"{ACCOUNTS}{account.pk}/change/")
    assert TOKEN not in page.text
    assert f"{account.handle}, not used yet" in page.text


def test_credentials_the_network_refuses_are_a_form_error_and_nothing_is_saved(clients, mastodon):
    response = connect(clients[ADMINISTRATOR], mastodon, token="not-the-token")
    assert response.status_code == 200
    assert "Mastodon did not accept these credentials" in response.text
    assert not SocialAccount.objects.exists()


def test_a_missing_credential_is_a_form_error(clients, mastodon):
    response = connect(clients[ADMINISTRATOR], mastodon, token="")
    assert "Mastodon needs: Access token." in response.text
    assert not SocialAccount.objects.exists()


def test_the_panel_offers_each_account_unticked_and_an_unticked_offer_posts_nothing(
    clients, account, make_release
):
    release = make_release(status=Status.DRAFT, publish_at=None, title="Navy names a ship")
    page, data = social_form(clients[PUBLISHER], release)
    assert 'name="social_posts-0-chosen"' in page.text
    assert data["social_posts-0-text"] == "Navy names a ship", "prefilled with the headline"
    response = clients[PUBLISHER].post(change_url(release), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert not SocialPost.objects.exists()


def test_a_writer_does_not_see_the_panel(clients, account, make_release):
    release = make_release(status=Status.DRAFT, publish_at=None)
    page = clients[WRITER].get(change_url(release))
    assert page.status_code == 200 and "social_posts" not in page.text


def test_a_publisher_ticks_an_account_and_the_post_goes_at_publication_with_photo_and_alt(
    clients,
    account,
    mastodon,
    make_release,
    library_image,
    publisher,
    deliver,
    django_capture_on_commit_callbacks,
):
    photo = library_image(alt_text="A destroyer at sea")
    release = make_release(status=Status.DRAFT, publish_at=None, title="Navy names a ship",
                           lead_image=photo)  # fmt: skip
    _page, data = social_form(clients[PUBLISHER], release, chosen="on")
    response = clients[PUBLISHER].post(change_url(release), data)
    assert response.status_code == 302
    post = SocialPost.objects.get()
    assert (post.account, post.text, post.with_photo) == (account, "Navy names a ship", True)

    deliver()
    assert not mastodon.statuses, "nothing before the release is live"
    publish_now(release, publisher, django_capture_on_commit_callbacks)
    assert not mastodon.statuses, "the request only queues; the worker posts"
    deliver()
    (status,) = mastodon.statuses.values()
    release.refresh_from_db()
    assert (
        status["text"] == f"Navy names a ship https://press.example.gov{release.get_absolute_url()}"
    )
    assert status["media"][0]["description"] == "A destroyer at sea"
    assert status["language"] == release.language == "en"
    post.refresh_from_db()
    assert post.url.startswith(mastodon.url) and post.network_id
    assert SocialDelivery.objects.get().status == "sent"

    public = Client().get(release.get_absolute_url())
    assert f'href="{post.url}"' in public.text and "Also posted on" in public.text
    panel = clients[PUBLISHER].get(change_url(release)).text
    assert f'Posted: <a href="{post.url}">' in panel


def test_a_post_over_its_limit_is_a_form_error_and_the_release_edit_is_kept(
    clients, account, make_release
):
    release = make_release(status=Status.DRAFT, publish_at=None)
    _page, data = social_form(clients[PUBLISHER], release, chosen="on", text="word " * 120)
    data["title"] = "A headline edited in the same save"
    response = clients[PUBLISHER].post(change_url(release), data)
    assert response.status_code == 200
    assert "of 500 as Mastodon counts, with the release's address" in html.unescape(response.text)
    assert "A headline edited in the same save" in response.text, "the edit is on the form"
    assert not SocialPost.objects.exists()


def test_a_scheduled_release_posts_nothing_until_its_minute(
    clients,
    account,
    mastodon,
    make_release,
    publisher,
    deliver,
    django_capture_on_commit_callbacks,
):
    release = make_release(status=Status.DRAFT, publish_at=None)
    _page, data = social_form(clients[PUBLISHER], release, chosen="on")
    clients[PUBLISHER].post(change_url(release), data)
    minute = timezone.now() + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        take_step(cleared(release), "schedule", publisher, when=minute)
    deliver()
    assert not mastodon.statuses and not SocialDelivery.objects.exists()
    with time_machine.travel(minute + timedelta(seconds=5)):
        with django_capture_on_commit_callbacks(execute=True):
            publish_due()
        deliver()
    assert len(mastodon.statuses) == 1


def test_withdrawing_before_the_worker_runs_cancels_the_post(
    goes_live,
    clients,
    account,
    mastodon,
    publisher,
    deliver,
    django_capture_on_commit_callbacks,
):
    release = goes_live(account)
    with django_capture_on_commit_callbacks(execute=True):
        take_step(release, "withdraw", publisher)
    deliver()
    assert not mastodon.statuses
    assert SocialDelivery.objects.get().status == "cancelled"
    panel = clients[PUBLISHER].get(change_url(release)).text
    assert "Cancelled: the release was no longer live" in panel


def test_withdrawing_after_sending_deletes_the_post_and_records_it(
    goes_live,
    clients,
    account,
    mastodon,
    publisher,
    deliver,
    django_capture_on_commit_callbacks,
):
    release = goes_live(account)
    deliver()
    assert len(mastodon.statuses) == 1
    with django_capture_on_commit_callbacks(execute=True):
        take_step(release, "withdraw", publisher)
    deliver()  # the worker runs the take-down task
    assert not mastodon.statuses
    post = SocialPost.objects.get()
    assert post.deleted_at is not None and not post.delete_error
    panel = clients[PUBLISHER].get(change_url(release)).text
    assert "Deleted from the network after the release was withdrawn." in panel


def test_a_correction_does_not_post_again(
    goes_live, account, mastodon, publisher, deliver, django_capture_on_commit_callbacks
):
    from articles.editorial.workflow import add_correction

    release = goes_live(account)
    deliver()
    with django_capture_on_commit_callbacks(execute=True):
        add_correction(release, publisher, "The ship's name was misspelled.")
    deliver()
    posted = [r for r in mastodon.requests if r.method == "POST" and r.path == "/api/v1/statuses"]
    assert len(mastodon.statuses) == 1 and len(posted) == 1


def test_a_rate_limit_waits_for_the_networks_reset_time(goes_live, account, mastodon, deliver):
    from tests.social.fakes import Answer

    reset = timezone.now() + timedelta(minutes=15)
    mastodon.fail_next(r"/api/v1/statuses", Answer(429, {"error": "Too many requests"},
                       {"X-RateLimit-Reset": reset.isoformat()}))  # fmt: skip
    goes_live(account)
    deliver()
    delivery = SocialDelivery.objects.get()
    assert delivery.status == "queued" and delivery.attempts == 1
    assert delivery.next_attempt_at >= reset - timedelta(seconds=5)
    with time_machine.travel(reset + timedelta(seconds=5)):
        deliver()
    assert SocialDelivery.objects.get().status == "sent" and len(mastodon.statuses) == 1


def test_a_revoked_token_stops_the_post_and_the_desk_says_why(
    goes_live,
    clients,
    account,
    mastodon,
    deliver,
):
    mastodon.revoked = True
    release = goes_live(account, title="Navy names a ship")
    deliver()
    delivery = SocialDelivery.objects.get()
    assert delivery.status == "undeliverable" and "revoked" in delivery.last_error
    desk = panels(clients[PUBLISHER].get("/admin/"))
    assert "revoked" in desk["social-refused"] and "Navy names a ship" in desk["social-refused"]
    panel = clients[PUBLISHER].get(change_url(release)).text
    assert "Not posted:" in panel and "revoked" in panel


def test_a_worker_that_died_after_the_network_took_the_post_does_not_post_twice(
    goes_live,
    account,
    mastodon,
    deliver,
    monkeypatch,
):
    from subscriptions.social.models import SocialPost as Post

    goes_live(account)

    die_when_recording(monkeypatch, lambda: mastodon.statuses)
    with pytest.raises(Died):
        deliver()
    monkeypatch.undo()
    assert len(mastodon.statuses) == 1 and not Post.objects.get().url
    mastodon.by_key.clear()  # and the instance has forgotten the Idempotency-Key by now
    SocialDelivery.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    deliver()
    assert len(mastodon.statuses) == 1, "the second try found the first post"
    assert Post.objects.get().url.endswith(next(iter(mastodon.statuses)))
