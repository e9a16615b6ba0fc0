"""Importing plain-text releases: the shape of the office's archive files.

A file holds the headline on its first line, then one paragraph per non-empty line. The first
paragraph opens with the dateline ("WASHINGTON, May 26, 2011 — "). At the end come the issuing
organisation ("U.S. Department of Defense" / "Office of the Assistant Secretary of Defense (Public
Affairs)") and social-media boilerplate, which the site renders itself and so is dropped.
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from articles.editorial.workflow import save_with_revision
from articles.models import Office, Release
from articles.text import first_sentence, paragraphs_to_html

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TITLE_LENGTH = Release._meta.get_field("title").max_length

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip

DATELINE = re.compile(
    r"^(?P<place>[^\W\d][^—–]{0,80}?),\s+"
    r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+"
    r"(?P<day>\d{1,2}),\s+(?P<year>\d{4})\s*(?:—|–|--|-)\s*",
    re.IGNORECASE,
)

# Trailing lines the site replaces with its own follow links.
_BOILERPLATE = [
    re.compile(r"^more (news|articles|information)\b.*\b(facebook|twitter|x)\b", re.I),
    re.compile(r"^follow (us )?on (facebook|twitter|x|instagram|youtube)\b", re.I),
]
_END_MARKS = {"###", "# # #", "-30-", "- 30 -", "-end-"}
# An organisation line is short and reads as a name, not as a sentence.
_ORGANISATION_LINE = re.compile(r"^[^\W\d_].{2,150}(?<![.!?:;,\"”’'])$")

# Dateline dates carry no time; noon keeps them clear of daylight-saving gaps at midnight.
PUBLICATION_TIME = datetime.time(12, 0)


class ReleaseFileError(Exception):
    """A file that cannot be imported; the message is shown to the user as is."""


@dataclass
class ParsedRelease:
    title: str
    paragraphs: list[str]
    dateline: str = ""
    published_on: datetime.date | None = None
    office_name: str = ""
    parent_organisation: str = ""
    dropped: list[str] = field(default_factory=list)

    @property
    def body_html(self):
        return paragraphs_to_html(self.paragraphs)

    @property
    def source_key(self):
        day = self.published_on.isoformat() if self.published_on else "undated"
        return f"{day}/{slugify(self.title)[:150]}"

    def publish_at(self):
        if self.published_on is None:
            return None
        zone = ZoneInfo(settings.TIME_ZONE)
        return datetime.datetime.combine(self.published_on, PUBLICATION_TIME, tzinfo=zone)


def read_text(path):
    """The file's text, or ReleaseFileError saying why it is not a text release."""
    path = Path(path)
    try:
        if path.is_dir():
            raise ReleaseFileError("is a directory")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ReleaseFileError(f"too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReleaseFileError("no such file") from None
    except PermissionError:
        raise ReleaseFileError("permission denied") from None
    except OSError as exc:
        raise ReleaseFileError(f"cannot be read ({exc.strerror or exc})") from None
    if not data.strip():
        raise ReleaseFileError("the file is empty")
    if b"\x00" in data:
        raise ReleaseFileError("binary file, not plain text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReleaseFileError(f"not UTF-8 text (invalid byte at position {exc.start})") from None
    return text


def parse_release(text):
    """Split the text of one release into its parts (no database access)."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise ReleaseFileError("the file is empty")

    title = lines[0]
    if not _looks_like_headline(title):
        raise ReleaseFileError("no recognisable title on the first line")

    rest = lines[1:]
    dropped = []
    while rest and (rest[-1].lower() in _END_MARKS or any(p.match(rest[-1]) for p in _BOILERPLATE)):
        dropped.insert(0, rest.pop())

    organisation = []
    while rest and len(organisation) < 2 and _ORGANISATION_LINE.match(rest[-1]) and len(rest) > 1:
        organisation.insert(0, rest.pop())
    office_name = organisation[-1] if organisation else ""
    parent = organisation[0] if len(organisation) == 2 else ""

    if not rest:
        raise ReleaseFileError("no body text after the title")

    parsed = ParsedRelease(
        title=title,
        paragraphs=rest,
        office_name=office_name,
        parent_organisation=parent,
        dropped=dropped,
    )
    match = DATELINE.match(rest[0])
    if match:
        try:
            parsed.published_on = datetime.date(
                int(match["year"]), _MONTHS[match["month"].lower()], int(match["day"])
            )
        except ValueError:
            bad = match[0].strip()
            raise ReleaseFileError(f"the dateline has an impossible date: {bad}") from None
        parsed.dateline = match["place"].strip()
        first = rest[0][match.end() :].strip()
        parsed.paragraphs = ([first] if first else []) + rest[1:]
        if not parsed.paragraphs:
            raise ReleaseFileError("no body text after the dateline")
    return parsed


def _looks_like_headline(line):
    """A headline is words (at least two with letters), not markup, data or a dateline."""
    words = [w for w in line.split() if re.search(r"[^\W\d_]{2}", w)]
    return (
        len(words) >= 2
        and len(line) <= MAX_TITLE_LENGTH
        and line[0] not in "<{[#;/\\"
        and "://" not in line
        and not DATELINE.match(line)
    )


@dataclass
class ImportResult:
    outcome: str  # "created", "updated" or "unchanged"
    release: Release
    parsed: ParsedRelease


def import_release(parsed, *, status=None, office=None, dry_run=False, user=None):
    """Create or update the release a parsed file describes; re-imports change nothing twice.

    `status` applies to new releases (default draft) and, when given, to existing ones too.
    """
    office = office or _office_for(parsed, dry_run=dry_run)
    existing = Release.objects.filter(source_key=parsed.source_key).first()
    release = existing or Release(source_key=parsed.source_key, status=Release.Status.DRAFT)

    wanted = {
        "title": parsed.title,
        "dateline": parsed.dateline,
        "body": release._meta.get_field("body").sanitize(parsed.body_html),
        "publish_at": parsed.publish_at(),
        "office_id": office.pk,
    }
    if status:
        wanted["status"] = status
    changed = [name for name, value in wanted.items() if getattr(release, name) != value]
    if existing and not changed:
        return ImportResult("unchanged", existing, parsed)
    if existing and "body" in changed and not has_custom_summary(existing):
        wanted["summary"] = ""  # derived again from the new body on save

    for name, value in wanted.items():
        setattr(release, name, value)
    if not dry_run:
        with transaction.atomic():
            release.updated_by = user
            if existing is None:
                release.created_by = user
            save_with_revision(release, user, "Imported" if existing is None else "Re-imported")
    return ImportResult("updated" if existing else "created", release, parsed)


def has_custom_summary(release):
    """False when the summary is the one derived from the body."""
    return bool(release.summary) and release.summary != first_sentence(release.body)


def _office_for(parsed, *, dry_run):
    if not parsed.office_name:
        office = Office.default()
        if office is None:
            raise ReleaseFileError(
                "no issuing office at the end of the file and no default office; pass --office NAME"
            )
        return office
    office = Office.objects.filter(name=parsed.office_name).first()
    if office is None:
        office = Office(name=parsed.office_name, parent_organisation=parsed.parent_organisation)
        if dry_run:
            office.pk = 0  # a placeholder that is never saved
        else:
            office.save()
    elif parsed.parent_organisation and not office.parent_organisation and not dry_run:
        office.parent_organisation = parsed.parent_organisation
        office.save(update_fields=["parent_organisation"])
    return office
