"""Nothing that is not live leaks through the read API (design rule 1): a release in each state
that is not live, and a Spanish edition in each such state of a live English release, carry a
marker in every text field, topic and photo; no answer of any endpoint, with any filter, names
them, their topics, their office or their photos, and each of their ids answers 404 like an id
that never existed. The live control, and its live Spanish edition, show everywhere they should.
"""

import pytest
import time_machine

from articles.models import Office, Release
from tests.api.conftest import API, ids, read
from tests.public.test_no_leaks import CONTROL_MARK, HIDDEN_MARK, make_marked, photo_keys
from tests.support import NOT_LIVE, NOW

pytestmark = pytest.mark.django_db


def every_answer(client, hidden, control):
    """(url, answer body) for every endpoint with every filter, following every `next`."""
    lists = ["", "?page_size=1", "?page_size=100", "?language=en", "?language=es",
             "?updated_since=2000-01-01", f"?office={control.office_id}"]  # fmt: skip
    lists += [f"?kind={kind}" for kind in Release.Kind.values]
    lists += [f"?office={release.office_id}" for release in hidden]
    topics = [slug for r in [*hidden, control] for slug in r.tags.values_list("slug", flat=True)]
    lists += [f"?topic={slug}" for slug in topics]
    urls = [f"{API}/releases/{query}" for query in lists]
    urls += [f"{API}/releases/{r.guid}/" for r in [*hidden, control]]
    urls += [f"{API}/releases/{r.original.guid}/" for r in hidden if r.original_id]
    urls += [f"{API}/{name}/{query}" for name in ("topics", "offices")
             for query in ("", "?language=en", "?language=es")]  # fmt: skip
    urls += ["/api/", "/api/schema/"]
    seen = set()
    while urls:
        url = urls.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        yield url, response
        if response.status_code == 200 and url.startswith(f"{API}/releases/?"):
            next_page = response.json()["next"]
            if next_page:
                urls.append(next_page.removeprefix("http://testserver"))


def test_no_hidden_release_shows_in_any_answer_and_the_live_one_does(
    client, make_release, library_image
):
    with time_machine.travel(NOW, tick=False):
        hidden_office = Office.objects.create(name=f"{HIDDEN_MARK} office")
        hidden = [
            make_marked(
                make_release, library_image, state, HIDDEN_MARK, office=hidden_office, **fields
            )  # fmt: skip
            for state, fields in NOT_LIVE.items()
        ]
        originals = [make_release(f"English original of a {state} edition") for state in NOT_LIVE]
        hidden += [
            make_marked(
                make_release,
                library_image,
                f"{state}-es",
                HIDDEN_MARK,
                language="es",
                original=original,
                **fields,
            )  # fmt: skip
            for original, (state, fields) in zip(originals, NOT_LIVE.items(), strict=True)
        ]
        control = make_marked(make_release, library_image, "live", CONTROL_MARK)
        control_es = make_marked(
            make_release, library_image, "live-es", CONTROL_MARK, language="es", original=control
        )
        assert set(Release.objects.live()) == {control, control_es, *originals}
        secrets = {str(r.guid) for r in hidden} | {HIDDEN_MARK}
        secrets |= {key for r in hidden for key in (r.lead_image.key, *photo_keys(r.body))}

        answered, control_seen = 0, set()
        for url, response in every_answer(client, hidden, control):
            answered += 1
            body = response.content.decode()
            assert response.status_code in {200, 404}, (url, response.status_code)
            if url.startswith(f"{API}/releases/") and url.endswith("/"):
                hidden_detail = any(str(r.guid) in url for r in hidden)
                assert response.status_code == (404 if hidden_detail else 200), url
                body = body.replace(url.split("/")[-2], "")  # the id asked for, echoed nowhere
            for value in url.partition("?")[2].split("&"):  # the query, if echoed in `next`
                body = body.replace(value.partition("=")[2], "") if value else body
            leaked = [secret for secret in secrets if secret in body.lower()]
            assert not leaked, f"{url} names {leaked}"
            if CONTROL_MARK in body:
                control_seen.add(url)

        assert answered > 40
        assert {f"{API}/releases/", f"{API}/releases/?language=es", f"{API}/topics/",
                f"{API}/releases/{control.guid}/"} <= control_seen  # fmt: skip
        assert ids(read(client, f"{API}/releases/?language=es")) == [str(control_es.guid)]
        english = read(client, f"{API}/releases/{control.guid}/")
        assert [edition["id"] for edition in english["editions"]] == [str(control_es.guid)]
        for original in originals:  # each names no edition: none of theirs is live
            assert read(client, f"{API}/releases/{original.guid}/")["editions"] == []
        offices = [office["name"] for office in read(client, f"{API}/offices/")["results"]]
        assert offices == ["Office of Public Affairs"]
