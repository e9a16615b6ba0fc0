"""import_releases: the real sample, re-runs, dry runs and every kind of bad file."""

import datetime
import html
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.editorial.importer import ReleaseFileError, parse_release
from articles.models import Office, Redirect, Release
from articles.text import html_to_text
from tests.support import OFFICE_TZ, SAMPLES

SAMPLE = SAMPLES / "000_009f2b8fee31ab16.txt"
needs_sample = pytest.mark.skipif(not SAMPLE.exists(), reason=f"sample not found at {SAMPLE}")

RELEASE_TEXT = """Secretary Opens New Training Center

FORT EXAMPLE, Va., Sept. 3, 2024 — The Secretary opened a training center today.
“It’s a great day,” she said — and meant it.

Department of Examples
Office of Public Affairs

More news and articles can be found on Facebook and Twitter.

Follow on Facebook and/or on Twitter
"""


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_releases", *map(str, args), stdout=out, stderr=err)
    except CommandError as exc:
        return 1, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def release_file(tmp_path):
    path = tmp_path / "release.txt"
    path.write_text(RELEASE_TEXT, encoding="utf-8")
    return path


@needs_sample
@pytest.mark.django_db
def test_the_real_sample_imports_exactly():
    raw_lines = [line.strip() for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    code, out, err = run(SAMPLE, "--status", "published")
    assert code == 0, err
    assert "created" in out

    release = Release.objects.get()
    assert release.title == "Reset in U.S.-Russian Relations Paying Off, Obama, Says"
    assert release.dateline == "WASHINGTON"
    assert release.publish_at.astimezone(OFFICE_TZ).date() == datetime.date(2011, 5, 26)
    assert release.office.name == "Office of the Assistant Secretary of Defense (Public Affairs)"
    assert release.office.parent_organisation == "U.S. Department of Defense"
    assert release.status == "published"

    paragraphs = [html.unescape(p) for p in release.body.split("</p>") if p]
    paragraphs = [p.removeprefix("<p>") for p in paragraphs]
    assert len(paragraphs) == 9
    # Every body line survives character for character (curly quotes, apostrophes, dashes).
    expected = [line for line in raw_lines[2:] if line][:9]
    expected[0] = expected[0].removeprefix("WASHINGTON, May 26, 2011 — ")
    assert paragraphs == expected
    assert "“Over the past two years" in release.body and "world’s" in release.body

    text = html_to_text(release.body)
    for boilerplate in ["Facebook", "Twitter", "Department of Defense", "WASHINGTON, May 26"]:
        assert boilerplate not in text
    assert release.summary.startswith("The reset in U.S.-Russian relations is paying off")
    assert release.summary.endswith("France, today.")


@needs_sample
@pytest.mark.django_db
def test_the_sample_detail_page(client):
    run(SAMPLE, "--status", "published")
    release = Release.objects.get()
    response = client.get("/news/2011/05/26/reset-in-us-russian-relations-paying-off-obama-says/")
    assert response.status_code == 200
    assert '<span class="dateline">WASHINGTON, May 26, 2011 —</span> The reset in' in response.text
    assert release.office.name in response.text
    assert "More news and articles can be found" not in response.text


@pytest.mark.django_db
def test_reimport_creates_no_duplicates_and_reports_each_file(release_file, tmp_path):
    code, out, _ = run(release_file)
    assert code == 0 and "created: Secretary Opens New Training Center" in out
    code, out, _ = run(release_file)
    assert code == 0 and "unchanged" in out and "0 created, 0 updated, 1 unchanged" in out

    release_file.write_text(RELEASE_TEXT.replace("great day", "fine day"), encoding="utf-8")
    code, out, _ = run(release_file)
    assert "updated" in out
    assert Release.objects.count() == 1
    release = Release.objects.get()
    assert "fine day" in release.body
    assert release.status == "draft", "new imports are drafts unless --status says otherwise"
    assert Office.objects.filter(name="Office of Public Affairs").count() == 1


@pytest.mark.django_db
def test_parsed_parts_of_a_release(release_file):
    run(release_file)
    release = Release.objects.get()
    assert release.dateline == "FORT EXAMPLE, Va."
    assert release.publish_at == datetime.datetime(2024, 9, 3, 12, 0, tzinfo=OFFICE_TZ)
    assert release.body == (
        "<p>The Secretary opened a training center today.</p>"
        "<p>“It’s a great day,” she said — and meant it.</p>"
    )
    assert release.office.parent_organisation == "Department of Examples"


@pytest.mark.django_db
def test_dry_run_changes_nothing(release_file):
    code, out, _ = run(release_file, "--dry-run")
    assert code == 0
    assert "would be created" in out and "Dry run, nothing saved" in out
    assert not Release.objects.exists() and not Office.objects.exists()


@pytest.mark.django_db
def test_status_option_publishes(release_file):
    run(release_file, "--status", "published")
    assert Release.objects.live().count() == 1
    code, out, err = run(release_file, "--status", "bogus")
    assert code == 1 and "invalid choice" in err


@pytest.mark.django_db
def test_bad_files_get_one_line_each_and_the_others_still_import(tmp_path, release_file):
    bad = {
        "empty.txt": b"",
        "blank.txt": b"  \n\n \n",
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "latin1.txt": "Café Opens Downtown\n\nWASHINGTON, May 1, 2020 - Text.".encode("latin-1"),
        "no-title.txt": b"WASHINGTON, May 1, 2020 \xe2\x80\x94 Text only.\n",
        "markup.txt": b"<html><body>Not a release</body></html>\n\nText.\n",
        "title-only.txt": b"A Headline With No Body\n",
        "bad-date.txt": "Impossible Date Story\n\nWASHINGTON, Feb. 30, 2020 — x.\n".encode(),
    }
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
    code, out, err = run(*(tmp_path / name for name in bad), release_file, tmp_path / "missing.txt")
    assert code == 1
    lines = [line for line in err.splitlines() if ": error: " in line]
    assert len(lines) == len(bad) + 1
    reasons = dict(line.split(": error: ") for line in lines)
    reasons = {Path(path.split("] ", 1)[1]).name: reason for path, reason in reasons.items()}
    assert reasons["empty.txt"] == "the file is empty"
    assert reasons["blank.txt"] == "the file is empty"
    assert reasons["binary.txt"] == "binary file, not plain text"
    assert reasons["latin1.txt"].startswith("not UTF-8 text")
    assert reasons["no-title.txt"] == "no recognisable title on the first line"
    assert reasons["markup.txt"] == "no recognisable title on the first line"
    assert reasons["title-only.txt"] == "no body text after the title"
    assert reasons["bad-date.txt"].startswith("the dateline has an impossible date")
    assert reasons["missing.txt"] == "no such file"
    assert f"{len(bad) + 1} of {len(bad) + 2} files could not be imported." in err
    assert Release.objects.count() == 1, "the good file still imported"


@pytest.mark.django_db
def test_folders_are_walked_for_txt_files(tmp_path, release_file):
    (tmp_path / "notes.md").write_text("ignored")
    code, out, _ = run(tmp_path)
    assert code == 0 and "[1/1]" in out
    code, _, err = run(tmp_path / "notes.md")
    assert code == 1


@pytest.mark.django_db
def test_file_without_office_lines_uses_the_default_office_or_says_so(tmp_path, office):
    path = tmp_path / "plain.txt"
    path.write_text("A Plain Release Title\n\nWASHINGTON, Jan. 2, 2025 — Body text here.\n")
    assert run(path)[0] == 0
    assert Release.objects.get().office == office
    office.is_default = False
    office.save()
    path.write_text("Another Plain Release\n\nWASHINGTON, Jan. 3, 2025 — Body text.\n")
    code, _, err = run(path)
    assert code == 1 and "no default office; pass --office NAME" in err
    assert run(path, "--office", office.name)[0] == 0
    code, _, err = run(path, "--office", "Nobody")
    assert code == 1 and "No office named “Nobody”" in err


@pytest.mark.parametrize(
    ("line", "place", "day"),
    [
        ("WASHINGTON, May 26, 2011 — Text", "WASHINGTON", datetime.date(2011, 5, 26)),
        ("FORT BRAGG, N.C., Aug. 1, 2010 -- Text", "FORT BRAGG, N.C.", datetime.date(2010, 8, 1)),
        ("Kabul, Afghanistan, Sept. 10, 2012 – Text", "Kabul, Afghanistan",
         datetime.date(2012, 9, 10)),
        ("SÃO PAULO, December 31, 2020 — Text", "SÃO PAULO", datetime.date(2020, 12, 31)),
    ],
)  # fmt: skip
def test_dateline_shapes(line, place, day):
    parsed = parse_release(f"Some Headline Here\n{line}\n")
    assert (parsed.dateline, parsed.published_on, parsed.paragraphs) == (place, day, ["Text"])


def test_release_without_dateline_keeps_its_first_paragraph():
    parsed = parse_release("Some Headline Here\nThe body starts here.\n")
    assert parsed.dateline == "" and parsed.published_on is None
    assert parsed.paragraphs == ["The body starts here."]


def test_body_ending_without_punctuation_is_not_mistaken_for_an_office():
    with pytest.raises(ReleaseFileError):
        parse_release("Only Title Words\n")
    parsed = parse_release("Some Headline Here\nFirst paragraph.\nDepartment of Examples\n")
    assert parsed.paragraphs == ["First paragraph."]
    assert parsed.office_name == "Department of Examples"


# Legacy addresses (--legacy-urls) ------------------------------------------------------------

# The sample carries no address of its own; this is the shape of its old site's article links.
SAMPLE_LEGACY = "https://www.defense.gov/news/newsarticle.aspx?id=64105"


def legacy_csv(tmp_path, *rows, header=True):
    path = tmp_path / "legacy.csv"
    lines = (["source_key,legacy_url"] if header else []) + [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@needs_sample
@pytest.mark.django_db
def test_the_sample_imported_with_its_legacy_address_answers_there(client, tmp_path):
    sidecar = legacy_csv(tmp_path, (SAMPLE.name, SAMPLE_LEGACY))
    code, out, err = run(SAMPLE, "--status", "published", "--legacy-urls", sidecar)
    assert code == 0, err
    assert f"(legacy address {SAMPLE_LEGACY}: added)" in out
    release = Release.objects.get()
    response = client.get("/news/newsarticle.aspx?id=64105")
    assert response.status_code == 301
    assert response["Location"] == release.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200

    code, out, _ = run(SAMPLE, "--status", "published", "--legacy-urls", sidecar)
    assert code == 0 and "unchanged" in out and f"{SAMPLE_LEGACY}: unchanged" in out
    assert Release.objects.count() == 1 and release.old_addresses.count() == 1


@pytest.mark.django_db
def test_a_legacy_address_by_source_key_and_a_draft_answers_404_until_published(
    client, release_file, tmp_path
):
    key = "2024-09-03/secretary-opens-new-training-center"
    sidecar = legacy_csv(tmp_path, (key, "/news/newsarticle.aspx?ID=7"), header=False)
    code, out, err = run(release_file, "--dry-run", "--legacy-urls", sidecar)
    assert code == 0 and "would be added" in out and not Release.objects.exists()
    code, _, err = run(release_file, "--legacy-urls", sidecar)
    assert code == 0, err
    assert client.get("/news/newsarticle.aspx?id=7").status_code == 404  # a draft: not yet
    run(release_file, "--status", "published", "--legacy-urls", sidecar)
    assert client.get("/news/newsarticle.aspx?id=7").status_code == 301


@pytest.mark.django_db
def test_a_legacy_address_held_by_another_release_fails_that_file_alone(
    release_file, tmp_path, make_release
):
    other = make_release("Already there")
    Redirect.objects.create(old_path="/news/newsarticle.aspx", old_query="id=8", release=other)
    sidecar = legacy_csv(tmp_path, ("release.txt", "/news/newsarticle.aspx?id=8"))
    code, _, err = run(release_file, "--legacy-urls", sidecar)
    assert code == 1 and "already redirects to" in err
    assert not Release.objects.filter(source_key__startswith="2024").exists()  # neither written


@pytest.mark.parametrize(
    "content, message",
    [
        ("source_key,legacy_url\nrelease.txt\n", ":2: expected two columns"),
        ("release.txt,not an address\n", ":1: The old address"),
        ("release.txt,/a.aspx\nrelease.txt,/b.aspx\n", "given a legacy address twice"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
@pytest.mark.django_db
def test_a_bad_legacy_file_is_refused_with_its_line(release_file, tmp_path, content, message):
    sidecar = tmp_path / "legacy.csv"
    if isinstance(content, bytes):
        sidecar.write_bytes(content)
    else:
        sidecar.write_text(content)
    code, _, err = run(release_file, "--legacy-urls", sidecar)
    assert code == 1 and message in err and "Traceback" not in err
    assert not Release.objects.exists()
    assert run(release_file, "--legacy-urls", tmp_path / "missing.csv")[2].endswith("no such file.")
