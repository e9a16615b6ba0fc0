"""Redirects that people make: one in the admin, many from a CSV file (the admin's import page,
or `manage.py import_redirects`), and a release's legacy address from the importer.

Every way in checks the same things before anything is written: the old address is an address
(articles/addresses.py spells it), no other redirect starts from it, no live page is there, the
new address leads to a page of this site or to a release, and following it never comes back.
A new address that is itself an old one leads where that one leads (chains collapse), and a
redirect made to an address that others lead to takes them along, so every redirect is one hop.
"""

import csv
import io
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import Resolver404, resolve

from articles.addresses import MAX_ADDRESS_PART, joined, normal_query, split_address
from articles.models import Redirect, Release
from articles.pagecache import invalidation
from articles.pagecache.keys import address_key
from articles.states import Status

MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_CSV_LINES = 100_000
HEADER = ["old", "new"]


class RedirectError(ValueError):
    """Why an address cannot be used; the message is shown to the person as is."""


@dataclass(frozen=True)
class Target:
    release: Release | None = None
    path: str = ""

    def url(self):
        return self.release.get_absolute_url() if self.release else self.path

    def __str__(self):
        if self.release:
            return f"{self.url()} (“{self.release.title}”)"
        return self.path


def old_address(raw):
    """(path, query) of an old address, or RedirectError."""
    try:
        return split_address(raw)
    except ValueError as exc:
        raise RedirectError(f"The old address “{raw.strip()[:120]}” {exc}.") from None


def _on_this_site(host):
    site = urlsplit(settings.SITE_URL).netloc if settings.SITE_URL else ""
    return host and (host == site or host in settings.ALLOWED_HOSTS)


def find_target(raw, stored=None):
    """Where a redirect to `raw` leads: a release (whose address it is now), or a page of this
    site. An old address leads where its redirect leads (`stored`: those already read)."""
    raw = (raw or "").strip()
    if not raw:
        raise RedirectError("Give the new address, or choose a release.")
    parts = urlsplit(raw)
    if (parts.scheme or parts.netloc) and not _on_this_site(parts.netloc):
        raise RedirectError(f"The new address “{raw[:120]}” is not on this site.")
    path = parts.path
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        raise RedirectError(f"The new address “{raw[:120]}” should be a path, starting with /.")
    query = normal_query(parts.query)
    if stored is not None:
        earlier = stored.get((path.lower(), query))
    else:
        earlier = _with_targets(Redirect.objects.filter(old_path=path.lower(), old_query=query))
        earlier = earlier.first()
    if earlier is not None:
        return Target(earlier.release, earlier.new_path)
    try:
        match = resolve(path)
    except Resolver404:
        raise RedirectError(f"The new address “{raw[:120]}” is not a page of this site.") from None
    if match.view_name == "articles:detail":
        held = Release.objects.exclude(status=Status.DELETED).filter(slug=match.kwargs["slug"])
        release = held.first()
        if release is None or release.get_absolute_url() != path:
            raise RedirectError(f"No release has the address “{raw[:120]}”.")
        return Target(release=release)
    address = joined(path, query)
    if len(address) > MAX_ADDRESS_PART:  # what a redirect keeps of it, and what it matches
        raise RedirectError(
            f"The new address “{raw[:120]}…” is longer than {MAX_ADDRESS_PART} characters."
        )
    return Target(path=address)


def _with_targets(redirects):
    fields = ["old_path", "old_query", "new_path", "release__title", "release__slug",
              "release__publish_at", "release__created", "release__language"]  # fmt: skip
    return redirects.select_related("release").only(*fields)


def problem_with(address, target, exclude_pk=None, check_taken=True):
    """Why a redirect from `address` (path, query) to `target` cannot be made, or ""."""
    path, query = address
    if split_address(target.url()) == address:
        return "It leads back to itself."
    if not query and _live_page_at(path):
        return "A live release's page is at this address: a redirect there would never answer."
    taken = Redirect.objects.filter(old_path=path, old_query=query).exclude(pk=exclude_pk)
    if check_taken and taken.exists():
        return "Another redirect already starts from this address: change that one."
    return ""


def _live_page_at(path):
    try:
        match = resolve(path)
    except Resolver404:
        return False
    if match.view_name != "articles:detail":
        return False
    live = Release.objects.live().filter(slug=match.kwargs["slug"]).first()
    return live is not None and live.get_absolute_url() == path


def save_redirect(redirect, target):
    """Save `redirect` leading to `target`, and bring what led to its old address along."""
    with transaction.atomic():
        redirect.release, redirect.new_path = target.release, "" if target.release else target.path
        redirect.save()
        _bring_along([redirect])
    return redirect


def _bring_along(made):
    """Redirects that led to the old address of one of `made` lead where it leads now."""
    by_address = {redirect.old_address: redirect for redirect in made}
    addresses = sorted(by_address)
    for start in range(0, len(addresses), 500):
        leading_here = Redirect.objects.annotate(lowered=Lower("new_path")).filter(
            release__isnull=True, lowered__in=addresses[start : start + 500]
        )
        for earlier in leading_here:
            redirect = by_address[earlier.lowered]
            if earlier.pk != redirect.pk:
                earlier.release, earlier.new_path = redirect.release, redirect.new_path
                earlier.save()


# Many at once, from a CSV file ----------------------------------------------------------------


@dataclass
class Line:
    number: int
    old: str
    new: str
    address: tuple | None = None
    target: Target | None = None
    outcome: str = ""  # "add" or "unchanged", when there is no problem
    problem: str = ""


def read_csv(data):
    """The lines of a CSV file of old,new addresses (a header line "old,new" is optional)."""
    if len(data) > MAX_CSV_BYTES:
        raise RedirectError(f"The file is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RedirectError(f"The file is not UTF-8 text (bad byte at {exc.start}).") from None
    if "\x00" in text:
        raise RedirectError("The file is not text: it holds NUL bytes.")
    lines = []
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            number = len(lines) + 1
            if number > MAX_CSV_LINES:
                raise RedirectError(f"The file has more than {MAX_CSV_LINES:,} lines.")
            cells = [cell.strip() for cell in row]
            if not any(cells) or (number == 1 and [c.lower() for c in cells] == HEADER):
                lines.append(Line(number, "", "", outcome="skip"))
                continue
            line = Line(number, *(cells + ["", ""])[:2])
            if len(cells) != 2:
                line.problem = "Expected two columns, old address and new address."
            lines.append(line)
    except csv.Error as exc:
        raise RedirectError(f"The file is not CSV: {exc}.") from None
    lines = [line for line in lines if line.outcome != "skip"]
    if not lines:
        raise RedirectError("The file has no lines of old,new addresses.")
    return lines


def plan(lines):
    """Check every line before anything is written; returns `lines` with their outcome or
    problem. Lines that lead to another line's old address lead where that one leads."""
    by_address = {}
    for line in lines:
        if line.problem:
            continue
        try:
            line.address = old_address(line.old)
        except RedirectError as exc:
            line.problem = str(exc)
            continue
        if first := by_address.get(line.address):
            line.problem = f"The same old address as line {first.number}."
            first.problem = first.problem or f"The same old address as line {line.number}."
            continue
        by_address[line.address] = line
    stored = _stored([*by_address, *(_address_or_none(line.new) for line in lines)])
    targets = {}
    for line in lines:
        if not line.problem:
            _plan_line(line, by_address, stored, targets)
    return lines


def _address_or_none(raw):
    try:
        return split_address(raw)
    except ValueError:
        return None


def _stored(addresses):
    """{(path, query): Redirect} for those of `addresses` stored, in a query per 500 paths."""
    paths = sorted({address[0] for address in addresses if address})
    found = {}
    for start in range(0, len(paths), 500):
        for row in _with_targets(Redirect.objects.filter(old_path__in=paths[start : start + 500])):
            found[(row.old_path, row.old_query)] = row
    return found


def _plan_line(line, by_address, stored, targets):
    seen, new = [line.address], line.new
    while True:
        try:
            hop = split_address(new)
        except ValueError:
            break  # find_target says what is wrong with it
        if hop in seen:
            path = " → ".join(joined(*address) for address in [*seen, hop])
            line.problem = f"The new addresses make a loop: {path}."
            return
        if hop not in by_address or by_address[hop].problem:
            break
        seen.append(hop)
        new = by_address[hop].new
    if new not in targets:  # the same new address on many lines is looked up once
        try:
            targets[new] = find_target(new, stored)
        except RedirectError as exc:
            targets[new] = exc
    if isinstance(targets[new], RedirectError):
        line.problem = str(targets[new])
        return
    line.target = targets[new]
    if existing := stored.get(line.address):
        if (existing.release_id, existing.new_path) == (
            line.target.release.pk if line.target.release else None,
            "" if line.target.release else line.target.path,
        ):
            line.outcome = "unchanged"
            return
        line.problem = f"Already redirects to {existing.target_url()}: change that one first."
        return
    line.problem = problem_with(line.address, line.target, check_taken=False)
    line.outcome = "" if line.problem else "add"


def apply(lines, origin=Redirect.MANUAL):
    """Write the planned lines, all or none; returns how many redirects were added."""
    if any(line.problem for line in lines):
        raise RedirectError("Some lines have problems: nothing was written.")
    made = [
        Redirect(
            old_path=line.address[0],
            old_query=line.address[1],
            origin=origin,
            release=line.target.release,
            new_path="" if line.target.release else line.target.path,
        )
        for line in lines
        if line.outcome == "add"
    ]
    with transaction.atomic():
        # In bulk, so signals are not sent: the change log hears of every address at once.
        Redirect.objects.bulk_create(made, batch_size=500)
        invalidation.record({address_key(r.old_path, r.old_query) for r in made})
        _bring_along(made)
    return len(made)


def record_legacy(release, raw, *, dry_run=False):
    """The importer's legacy address of `release`: "added", "unchanged", or RedirectError."""
    address = old_address(raw)
    existing = Redirect.objects.filter(old_path=address[0], old_query=address[1]).first()
    if existing is not None:
        if release.pk is not None and existing.release_id == release.pk:
            return "unchanged"
        raise RedirectError(f"“{raw}” already redirects to {existing.target_url()}.")
    if split_address(release.get_absolute_url()) == address:
        raise RedirectError(f"“{raw}” is the release's own address.")
    if not dry_run:
        path, query = address
        Redirect(old_path=path, old_query=query, origin=Redirect.IMPORTED, release=release).save()
    return "added"
