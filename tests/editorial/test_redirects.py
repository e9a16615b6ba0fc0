"""The redirects admin and manage.py import_redirects: Administrators add old addresses one at a
time or from a CSV (a dry run first, through the served form with its defaults), conflicts are
reported before anything is written, and bad input is a form error or one readable line."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.editorial.redirects import apply, plan, read_csv
from articles.models import Redirect
from articles.roles import ADMINISTRATOR, PUBLISHER, WRITER
from tests.subscriptions.pages import form_defaults

pytestmark = pytest.mark.django_db
ADD = "/admin/articles/redirect/add/"
LIST = "/admin/articles/redirect/"
IMPORT = "/admin/articles/redirect/import/"
LEGACY = "/news/newsarticle.aspx?id=64105"
# A page of this site, but longer than a redirect keeps.
TOO_LONG = "/news/search/?q=" + "x" * 600


@pytest.fixture
def administrator(client, people):
    client.force_login(people[ADMINISTRATOR])
    return client


def add(client, **typed):
    action, data = form_defaults(client.get(ADD), 'name="old_address"')
    return client.post(action or ADD, {**data, **typed})


def test_an_administrator_adds_a_legacy_address_through_the_served_form(
    administrator, make_release, client
):
    release = make_release("Reset in relations")
    response = add(administrator, old_address=f"https://www.example.mil{LEGACY}",
                   release=str(release.pk))  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    redirect = Redirect.objects.get()
    assert (redirect.old_path, redirect.old_query, redirect.release) == (
        "/news/newsarticle.aspx", "id=64105", release
    )  # fmt: skip
    assert redirect.origin == Redirect.MANUAL
    client.logout()
    moved = client.get(LEGACY)
    assert moved.status_code == 301 and moved["Location"] == release.get_absolute_url()


def test_a_release_address_typed_as_the_new_address_is_kept_as_the_release(
    administrator, make_release
):
    release = make_release("Typed address")
    response = add(administrator, old_address="/typed.html",
                   new_address=release.get_absolute_url())  # fmt: skip
    assert response.status_code == 302
    assert Redirect.objects.get().release == release  # so it follows the release if it moves


@pytest.mark.parametrize(
    "typed, field, message",
    [
        ({"old_address": "news/old.html", "new_address": "/news/"}, "old_address", "start"),
        ({"old_address": "mailto:x@example.org", "new_address": "/news/"}, "old_address",
         "not a web address"),
        ({"old_address": "/old.html"}, "new_address", "Give the new address"),
        ({"old_address": "/old.html", "new_address": "https://elsewhere.example/"},
         "new_address", "not on this site"),
        ({"old_address": "/old.html", "new_address": "//elsewhere.example/"}, "new_address",
         "not on this site"),
        ({"old_address": "/old.html", "new_address": "/no/such/page/"}, "new_address",
         "not a page of this site"),
        ({"old_address": "/old.html", "new_address": "/news/2020/01/01/no-such-release/"},
         "new_address", "No release has"),
        ({"old_address": "/news/", "new_address": "/news/"}, "new_address", "back to itself"),
        ({"old_address": "/taken.html", "new_address": "/news/"}, "old_address",
         "Another redirect already starts"),
        ({"old_address": "/old.html", "new_address": "/news/" + "x" * 1200}, "new_address",
         "at most"),
        ({"old_address": "/old.html", "new_address": TOO_LONG}, "new_address",
         "longer than 500 characters"),
    ],
)  # fmt: skip
def test_bad_redirects_are_form_errors(administrator, typed, field, message):
    Redirect.objects.create(old_path="/taken.html", new_path="/news/")
    response = add(administrator, **typed)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors and message in str(errors[field]), errors
    assert Redirect.objects.count() == 1


@pytest.mark.parametrize("release", ["abc", "99999999999999999999", "²", "12345"])
def test_a_release_that_is_no_release_is_a_form_error_on_the_form_shown_again(
    administrator, release
):
    response = add(administrator, old_address="/old.html", release=release)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Select a valid choice" in str(errors["release"]), errors
    assert not Redirect.objects.exists()


def test_a_live_release_page_cannot_be_an_old_address(administrator, make_release):
    release = make_release("Live here")
    response = add(administrator, old_address=release.get_absolute_url(), new_address="/news/")
    assert "live release" in str(response.context["adminform"].form.errors["old_address"])


def test_a_redirect_to_an_address_that_others_lead_to_takes_them_along(administrator):
    Redirect.objects.create(old_path="/first.html", new_path="/news/tags/energy/")
    response = add(administrator, old_address="/news/tags/energy/", new_address="/news/")
    assert response.status_code == 302
    assert Redirect.objects.get(old_path="/first.html").new_path == "/news/"
    # and a new address that is an old one leads where that one leads
    assert (
        add(administrator, old_address="/third.html", new_address="/first.html").status_code == 302
    )
    assert Redirect.objects.get(old_path="/third.html").new_path == "/news/"


@pytest.mark.parametrize("role", [WRITER, PUBLISHER])
def test_only_administrators_manage_redirects(client, people, role):
    client.force_login(people[role])
    for url in (LIST, ADD, IMPORT):
        assert client.get(url).status_code == 403


def test_the_list_shows_hits_and_the_last_hit(administrator, make_release):
    release = make_release("Followed often")
    Redirect.objects.create(old_path="/often.html", release=release, hits=1234)
    page = administrator.get(LIST).content.decode()
    assert "/often.html" in page and "1234" in page and "Followed often" in page
    assert "Import from a CSV file" in page


# The CSV import, through the served form ---------------------------------------------------


def upload(client, text, **typed):
    action, data = form_defaults(client.get(IMPORT), 'name="dry_run"')
    data = {**data, **typed, "file": SimpleUploadedFile("redirects.csv", text.encode())}
    return client.post(action or IMPORT, data)


def test_the_import_is_a_dry_run_by_default_then_writes(administrator, make_release):
    release = make_release("Imported target")
    text = (
        "old,new\n"
        f"{LEGACY},{release.get_absolute_url()}\n"
        "/fleet-week.html,/news/tags/fleet/\n"  # leads to the next line's old address
        "/news/tags/fleet/,/news/\n"
    )
    report = upload(administrator, text)
    assert report.status_code == 200
    assert "Dry run: no problems" in report.text and "3 redirects to add" in report.text
    assert not Redirect.objects.exists()

    _, data = form_defaults(report, 'name="dry_run"')
    assert data["dry_run"] == "on"  # the box stays ticked: writing is a choice
    data.pop("dry_run")
    done = administrator.post(IMPORT, {**data, "file": SimpleUploadedFile("r.csv", text.encode())})
    assert done.status_code == 302
    assert Redirect.objects.get(old_query="id=64105").release == release
    assert Redirect.objects.get(old_path="/fleet-week.html").new_path == "/news/"  # one hop
    assert Redirect.objects.get(old_path="/news/tags/fleet/").new_path == "/news/"

    again = upload(administrator, text)
    assert "3 lines: 0 redirects to add, 3 already there" in again.text  # re-running is idempotent


def test_conflicts_are_reported_before_anything_is_written(administrator, make_release):
    live = make_release("Live page")
    text = (
        "/dup.html,/news/\n"
        "/dup.html,/news/feed/\n"
        "/loop-a.html,/loop-b.html\n"
        "/loop-b.html,/loop-a.html\n"
        "/nowhere.html,/no/such/page/\n"
        f"{live.get_absolute_url()},/news/\n"
        "one column only\n"
        "/fine.html,/news/\n"
    )
    for dry_run in (True, False):
        report = upload(administrator, text, **({} if dry_run else {"dry_run": ""}))
        assert report.status_code == 400
        page = report.content.decode()
        assert "7 lines with problems: nothing was written" in page
        assert "The same old address as line 2" in page and "line 1" in page
        assert "loop" in page and "/loop-a.html → /loop-b.html → /loop-a.html" in page
        assert "not a page of this site" in page
        assert "live release" in page
        assert "Expected two columns" in page
        assert not Redirect.objects.exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xff\xfe\x00o\x00l\x00d", "not UTF-8"),
        (b"old,new\n", "no lines"),
        (b"a\x00b,c\n", "NUL"),
    ],
)
def test_a_file_that_is_not_a_csv_of_addresses_is_one_message(administrator, content, message):
    action, data = form_defaults(administrator.get(IMPORT), 'name="dry_run"')
    response = administrator.post(IMPORT, {**data, "file": SimpleUploadedFile("bad.csv", content)})
    assert response.status_code == 400 and message in response.content.decode()


def test_a_new_address_too_long_to_keep_is_a_line_with_a_problem(administrator):
    text = f"/fine.html,/news/\n/long.html,{TOO_LONG}\n"
    report = upload(administrator, text)
    assert report.status_code == 400
    assert "1 line with problems: nothing was written" in report.text
    assert "is longer than 500 characters" in report.text
    assert not Redirect.objects.exists()


def test_no_file_is_a_form_error(administrator):
    action, data = form_defaults(administrator.get(IMPORT), 'name="dry_run"')
    response = administrator.post(IMPORT, data)
    assert response.status_code == 400 and "This field is required" in response.text


@pytest.mark.parametrize("n", [5, 600])
def test_checking_a_file_costs_a_few_queries_however_long(n, django_assert_max_num_queries):
    text = "\n".join(f"/old/{i}.html,/news/tags/energy/" for i in range(n))
    with django_assert_max_num_queries(2):  # the stored redirects, per 500 paths
        lines = plan(read_csv(text.encode()))
    assert {line.outcome for line in lines} == {"add"}
    with django_assert_max_num_queries(20):  # batched inserts, the change log: not one a line
        assert apply(lines) == n


# manage.py import_redirects ------------------------------------------------------------------


def command(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_redirects", *map(str, args), stdout=out, stderr=err)
    except CommandError as exc:
        return 1, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def test_the_command_checks_then_adds(tmp_path, make_release):
    release = make_release("By command")
    csv_file = tmp_path / "redirects.csv"
    csv_file.write_text(f"{LEGACY},{release.get_absolute_url()}\n/old.html,/news/\n")
    code, out, _ = command(csv_file, "--dry-run")
    assert code == 0 and "Dry run, nothing written: 2 to add" in out
    assert not Redirect.objects.exists()
    code, out, _ = command(csv_file)
    assert code == 0 and "Added 2 redirect(s)" in out and Redirect.objects.count() == 2
    code, out, _ = command(csv_file)
    assert code == 0 and "Added 0 redirect(s); 2 already there" in out


def test_the_command_names_each_problem_and_writes_nothing(tmp_path):
    csv_file = tmp_path / "redirects.csv"
    csv_file.write_text("/a.html,/b.html\n/b.html,/a.html\n/c.html,/news/\n")
    code, _, err = command(csv_file)
    assert code == 1
    assert f"{csv_file}:1: problem:" in err and f"{csv_file}:2: problem:" in err
    assert "2 of 3 lines have problems: nothing written" in err
    assert not Redirect.objects.exists()


def test_the_command_names_a_new_address_too_long_to_keep(tmp_path):
    csv_file = tmp_path / "redirects.csv"
    csv_file.write_text(f"/long.html,{TOO_LONG}\n")
    code, _, err = command(csv_file, "--dry-run")
    assert code == 1 and "Traceback" not in err
    assert f"{csv_file}:1: problem:" in err and "is longer than 500 characters" in err


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("missing.csv", None, "no such file"),
        ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8"),
        ("folder", "dir", "is a folder"),
    ],
)
def test_the_command_never_shows_a_traceback(tmp_path, name, content, message):
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    code, _, err = command(path)
    assert code == 1 and message in err and "Traceback" not in err
