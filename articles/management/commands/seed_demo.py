"""manage.py seed_demo: demo content showing the whole life cycle of a release, taken through
the workflow's own steps by the demo writer and publisher. Safe to re-run."""

import datetime
import io
import math
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw

from articles.editorial import clearance
from articles.editorial.editions import add_edition
from articles.editorial.workflow import add_correction, clear, save_with_revision, take_step
from articles.errors import WorkflowError
from articles.management.commands.create_demo_admin import DEMO_ACCOUNTS
from articles.models import ClearanceRoute, Image, Office, Release, SocialLink
from articles.photos.uploads import clean_upload, store_image
from articles.roles import PUBLISHER, REVIEWER, WRITER
from articles.states import State
from articles.text import paragraphs_to_html

OFFICE = {
    "name": "Office of Public Affairs",
    "parent_organisation": "Department of Coastal Resilience",
    "contact_name": "Media Desk",
    "contact_email": "press@example.gov",
    "contact_phone": "+1 202 555 0100",
}

SOCIAL_LINKS = [
    ("facebook", "https://www.facebook.com/example.coastal"),
    ("x", "https://x.com/example_coastal"),
    ("youtube", "https://www.youtube.com/@example-coastal"),
]

Kind = Release.Kind


class Row(NamedTuple):
    """One demo release: `days` from now to its publish time (None: never published), the
    state the workflow's steps bring it to, and what it says."""

    days: int | None
    kind: str
    state: State
    title: str
    dateline: str
    tags: list
    paragraphs: list
    note: str = ""  # the last step's note for the record


# Negative days are past.
RELEASES = [
    Row(-1, Kind.PRESS_RELEASE, State.LIVE,
     "Department Opens $40 Million Grant Round for Living Shorelines", "WASHINGTON",
     ["grants", "shorelines"],
     ["The department today opened a $40 million grant round for coastal communities that "
      "restore marshes, oyster reefs and dunes in place of concrete sea walls.",
      "“Nature-based defences protect homes and create habitat at the same time,” the "
      "Secretary said. “This round puts money where the evidence is strongest.”",
      "Applications are due March 15. Tribal governments and small towns may ask for help "
      "preparing an application at no cost."]),
    Row(-2, Kind.NEWS_ARTICLE, State.LIVE,
     "Storm Surge Maps Updated for 1,200 Miles of Gulf Coast", "NEW ORLEANS",
     ["mapping", "hurricanes"],
     ["New storm surge maps released today cover 1,200 miles of the Gulf Coast and show, "
      "street by street, how far water could reach in a major hurricane.",
      "Emergency managers asked for finer detail after the last two seasons; the new maps "
      "resolve features as small as a single levee gate.",
      "Residents can look up their address on the department’s website."]),
    Row(-4, Kind.STATEMENT, State.LIVE,
     "Statement by the Secretary on the Coastal Resilience Act", "WASHINGTON",
     ["legislation"],
     ["“Today’s vote is a win for every community that lives with the sea. The act gives "
      "towns the tools to plan for the next fifty years, not the next five.",
      "I thank the members of both parties who worked on this bill, and the mayors who told "
      "us what they needed.”"]),
    Row(-6, Kind.ADVISORY, State.LIVE,
     "Media Advisory: Secretary to Tour Restored Marsh in Chesapeake Bay", "ANNAPOLIS, Md.",
     ["shorelines", "site-visits"],
     ["WHAT: The Secretary tours a 300-acre marsh restored with department funds and meets "
      "the watermen who helped rebuild it.",
      "WHEN: Thursday, 10:00 a.m. EST. Media should arrive by 9:30 a.m.",
      "CREDENTIALS: Reporters must RSVP to the media desk by Wednesday noon."]),
    Row(-8, Kind.TRANSCRIPT, State.LIVE,
     "Transcript: Press Briefing on the Hurricane Season Outlook", "WASHINGTON",
     ["hurricanes", "briefings"],
     ["SECRETARY: Good morning. I’ll give a short overview and then take your questions.",
      "Q: Is the department expecting an above-average season?",
      "SECRETARY: The outlook points that way, which is why we moved the surge map release "
      "forward by two months."]),
    Row(-11, Kind.NEWS_ARTICLE, State.LIVE,
     "Volunteers Plant 50,000 Dune Grasses Along Outer Banks", "KITTY HAWK, N.C.",
     ["shorelines", "volunteers"],
     ["More than 800 volunteers planted 50,000 dune grass plugs over two weekends, "
      "rebuilding dunes flattened by last autumn’s storms.",
      "“You can see the sand start to catch within a week,” said one site coordinator."]),
    Row(-15, Kind.PRESS_RELEASE, State.LIVE,
     "Department Awards $12 Million to Elevate Flood-Prone Homes", "TAMPA, Fla.",
     ["grants", "housing"],
     ["Homeowners in 14 counties will be able to raise their houses above expected flood "
      "levels under $12 million in awards announced today.",
      "The program pays up to 90 percent of the cost for households below the median income."]),
    Row(-20, Kind.NEWS_ARTICLE, State.LIVE,
     "New Tide Gauges Give Harbor Pilots Real-Time Water Levels", "SEATTLE",
     ["mapping", "ports"],
     ["Twelve new tide gauges along Puget Sound now report water levels every six minutes.",
      "Harbor pilots say the data lets them bring deep-draft ships in on tighter margins."]),
    Row(-30, Kind.STATEMENT, State.LIVE,
     "Statement on the Anniversary of Hurricane Ida", "WASHINGTON",
     ["hurricanes"],
     ["“We remember the lives lost and honor the neighbors who rescued one another. The "
      "work of rebuilding stronger continues.”"]),
    Row(-45, Kind.NEWS_ARTICLE, State.WITHDRAWN,
     "Beach Closure Schedule for Spring Dredging", "CAPE MAY, N.J.",
     ["ports"],
     ["This notice was withdrawn after the dredging contract was rescheduled."],
     "The dredging contract was rescheduled."),
    Row(-13, Kind.ADVISORY, State.EXPIRED,
     "Media Advisory: Public Meeting on Galveston Seawall Options", "GALVESTON, Texas",
     ["events", "hurricanes"],
     ["WHAT: Department engineers present three options for the seawall's next fifty years "
      "and take questions from residents.",
      "WHEN: Tuesday, 6:00 p.m. CST, at the convention center. This advisory expired after "
      "the meeting."]),
    Row(3, Kind.PRESS_RELEASE, State.SCHEDULED,
     "Department Announces National Coastal Resilience Summit", "WASHINGTON",
     ["events", "legislation"],
     ["The department will host the first National Coastal Resilience Summit next spring, "
      "bringing together mayors, scientists and insurers.",
      "Registration opens on the day of this announcement; this release is scheduled and "
      "stays hidden until its publish time."]),
    Row(None, Kind.NEWS_ARTICLE, State.DRAFT,
     "Draft: Lessons from the First Year of the Living Shorelines Program", "WASHINGTON",
     ["shorelines"],
     ["This draft is still being written and cleared; readers cannot see it."]),
    Row(None, Kind.PRESS_RELEASE, State.IN_REVIEW,
     "Department Proposes Rules for Voluntary Coastal Buyouts", "WASHINGTON",
     ["housing", "legislation"],
     ["The department today proposed rules for buying out homes that flood again and again, "
      "at the owners' request.",
      "This release waits for a publisher's review; readers cannot see it."]),
]  # fmt: skip
# A publisher sets these before publishing: an advisory ends once its event is over.
EXPIRES_AFTER_DAYS = {State.EXPIRED: 2}
CORRECTIONS = {
    "Storm Surge Maps Updated for 1,200 Miles of Gulf Coast":
        "An earlier version of this release said the maps cover 1,100 miles of coast.",
}  # fmt: skip

# The office's routine output over the months before: enough live releases for several list
# pages, archive months and well-used topics. (title, kind, tags, what happened, what was said)
ROUTINE = [
    ("Dredging Finished on Schedule at the Port of {place}", Kind.NEWS_ARTICLE,
     ["ports", "mapping"], "Dredging of the main channel at {place} finished on schedule",
     "Deeper water means fewer delays for the ships that supply the region"),
    ("$3 Million in Shoreline Grants Awarded to {place}", Kind.PRESS_RELEASE,
     ["grants", "shorelines"], "Three living-shoreline projects near {place} won grants today",
     "Marsh and reef beat concrete on cost and on wildlife"),
    ("Hurricane Preparedness Week Events in {place}", Kind.ADVISORY,
     ["hurricanes", "events"], "Preparedness workshops open to the public start in {place}",
     "Every family should know its evacuation zone before the season starts"),
    ("Volunteers Restore Oyster Reef off {place}", Kind.NEWS_ARTICLE,
     ["volunteers", "shorelines"], "Volunteers placed 40 tons of recycled shell off {place}",
     "A healthy reef breaks the waves before they reach the shore"),
    ("Flood Maps for {place} Open for Public Comment", Kind.PRESS_RELEASE,
     ["mapping", "housing"], "Draft flood maps for {place} are open for comment for 90 days",
     "Residents know their streets best; we want to hear from them"),
    ("Statement on Storm Recovery in {place}", Kind.STATEMENT,
     ["hurricanes", "housing"], "Federal recovery teams remain on the ground in {place}",
     "We will stay until the last family is home"),
]  # fmt: skip
PLACES = [
    ("MOBILE, Ala.", "Mobile"), ("CHARLESTON, S.C.", "Charleston"),
    ("GALVESTON, Texas", "Galveston"), ("NORFOLK, Va.", "Norfolk"),
    ("PORTLAND, Maine", "Portland"), ("SAVANNAH, Ga.", "Savannah"),
]  # fmt: skip
ROUTINE_EVERY_DAYS = 6
ROUTINE_START_DAYS = 36


def routine_releases():
    """The routine releases, newest first, one every ROUTINE_EVERY_DAYS days (about seven
    months in all), as Rows."""
    rows = []
    for n in range(len(ROUTINE) * len(PLACES)):
        title, kind, tags, happened, said = ROUTINE[n % len(ROUTINE)]
        dateline, place = PLACES[(n // len(ROUTINE) + n) % len(PLACES)]
        paragraphs = [
            f"{happened.format(place=place)}, the department announced.",
            f"“{said},” the regional director said.",
            "More information is available from the media desk.",
        ]
        days = -(ROUTINE_START_DAYS + n * ROUTINE_EVERY_DAYS)
        rows.append(Row(days, kind, State.LIVE, title.format(place=place), dateline, tags,
                        paragraphs))  # fmt: skip
    return rows


class Command(BaseCommand):
    help = (
        "Load demo content: an office, its social links, a clearance route, releases in every "
        "state and seven months of routine ones, each written by the demo writer, cleared by "
        "the demo reviewer and taken through the workflow's steps by the demo publisher (demo "
        "accounts are created if missing)."
    )

    def handle(self, *args, **options):
        people = self._demo_people()
        try:
            with transaction.atomic():
                created, total = self._seed(people)
        except WorkflowError as error:
            message = f"The workflow refused a demo step; nothing was loaded. {error}"
            raise CommandError(message) from None
        self.stdout.write(
            f"Demo content ready: {created} releases created, {total - created} already there."
        )

    def _demo_people(self):
        """The demo writer, reviewer and publisher (create_demo_admin's accounts, made now if
        missing, so their passwords are shown once as usual)."""
        names = {
            role: name for name, role in DEMO_ACCOUNTS if role in {WRITER, REVIEWER, PUBLISHER}
        }
        User = get_user_model()
        if User.objects.filter(username__in=names.values()).count() < len(names):
            call_command("create_demo_admin", stdout=self.stdout)
        return {role: User.objects.get(username=name) for role, name in names.items()}

    def _seed(self, people):
        office, _ = Office.objects.get_or_create(name=OFFICE["name"], defaults=OFFICE)
        if not Office.objects.filter(is_default=True).exists():
            office.is_default = True
            office.save(update_fields=["is_default"])
        for order, (platform, url) in enumerate(SOCIAL_LINKS):
            SocialLink.objects.get_or_create(
                platform=platform, url=url, defaults={"order": order * 10}
            )
        demo_route(people[REVIEWER])

        now = timezone.now().replace(second=0, microsecond=0)
        rows = RELEASES + routine_releases()
        existing = set(Release.objects.values_list("title", flat=True))
        # Oldest first, as they happened: release numbers then follow the publication dates.
        new = sorted(
            (row for row in rows if row.title not in existing),
            key=lambda row: math.inf if row.days is None else row.days,
        )
        for row in new:
            publish_at = None if row.days is None else now + datetime.timedelta(days=row.days)
            try:
                tell(row, office, publish_at, people)
            except WorkflowError as error:
                raise WorkflowError(f"“{row.title}”: {error}") from error
        return len(new), len(rows)


def demo_route(reviewer):
    """Press releases need Legal's sign-off; the demo reviewer is Legal. Other kinds need a
    second reader, as everywhere."""
    legal, _ = Group.objects.get_or_create(name="Legal")
    reviewer.groups.add(legal)
    route, created = ClearanceRoute.objects.get_or_create(
        name="Press releases", defaults={"kind": Release.Kind.PRESS_RELEASE}
    )
    if created:
        route.required.create(stage=1, name="Legal", group=legal, due_hours=4)


def tell(row, office, publish_at, people):
    """Bring one demo release to its row's state the way the newsroom would: the writer writes
    and submits it, the reviewer clears it, the publisher publishes (at its past time),
    schedules, corrects or withdraws it."""
    writer, reviewer, publisher = people[WRITER], people[REVIEWER], people[PUBLISHER]
    release = Release(
        kind=row.kind, title=row.title, dateline=row.dateline, office=office,
        body=paragraphs_to_html(row.paragraphs), created_by=writer, updated_by=writer,
        lead_image=demo_photo() if row.days == -1 else None,
    )  # fmt: skip
    save_with_revision(release, writer, "First draft")
    release.tags.set(row.tags)
    if row.state == State.DRAFT:
        return
    release = take_step(release, "submit", writer)
    if row.state == State.IN_REVIEW:
        return
    for place in clearance.missing(release):
        clear(release, reviewer, place.required, note="Cleared.")
    featured = row.days == -1
    if featured or row.state in EXPIRES_AFTER_DAYS:
        if row.state in EXPIRES_AFTER_DAYS:
            release.expire_at = publish_at + datetime.timedelta(days=EXPIRES_AFTER_DAYS[row.state])
        release.featured = featured
        release.updated_by = publisher
        save_with_revision(release, publisher, "Publication settings")
    if row.state == State.SCHEDULED:
        release = take_step(release, "schedule", publisher, when=publish_at)
    else:
        release = take_step(release, "publish", publisher, published_at=publish_at)
    if row.title in CORRECTIONS:
        add_correction(release, publisher, CORRECTIONS[row.title])
    if row.state == State.WITHDRAWN:
        take_step(release, "withdraw", publisher, note=row.note)
    if row.title in SPANISH:
        translate(release, publish_at, people)


# The demo's Spanish editions: their original's headline → (headline, paragraphs).
SPANISH = {
    "Department Opens $40 Million Grant Round for Living Shorelines": (
        "El Departamento abre una convocatoria de 40 millones de dólares para costas vivas",
        [
            "El Departamento abrió hoy una convocatoria de subvenciones de 40 millones de dólares "
            "para las comunidades costeras que restauren marismas, arrecifes de ostras y dunas en "
            "lugar de construir muros de hormigón.",
            "“Las defensas basadas en la naturaleza protegen los hogares y crean hábitat al mismo "
            "tiempo”, dijo la Secretaria. “Esta convocatoria invierte donde la evidencia es más "
            "sólida”.",
            "Las solicitudes vencen el 15 de marzo. Los gobiernos tribales y los pueblos pequeños "
            "pueden pedir ayuda gratuita para preparar su solicitud.",
        ],
    ),
}


def translate(original, publish_at, people):
    """The original's Spanish edition, as a translator and the newsroom make one: added from
    the original, translated, cleared by someone else, and published an hour after it."""
    writer, reviewer, publisher = people[WRITER], people[REVIEWER], people[PUBLISHER]
    title, paragraphs = SPANISH[original.title]
    edition = add_edition(original, "es", writer)
    edition.title, edition.summary = title, ""
    edition.body = paragraphs_to_html(paragraphs)
    edition.updated_by = writer
    save_with_revision(edition, writer, "Traducción")
    edition = take_step(edition, "submit", writer)
    for place in clearance.missing(edition):
        clear(edition, reviewer, place.required, note="Cleared.")
    take_step(edition, "publish", publisher, published_at=publish_at + datetime.timedelta(hours=1))


def demo_photo():
    """A photo drawn here (sky, sea, a dune line), stored the way an upload is."""
    canvas = PILImage.new("RGB", (1600, 900))
    draw = ImageDraw.Draw(canvas)
    for y in range(900):
        if y < 520:
            shade = (120 + y // 8, 170 + y // 10, 225)
        else:
            shade = (20, 70 + (y - 520) // 6, 120 + (y - 520) // 8)
        draw.line([(0, y), (1600, y)], fill=shade)
    draw.polygon([(0, 900), (0, 700), (500, 640), (1000, 700), (1600, 660), (1600, 900)],
                 fill=(214, 190, 140))  # fmt: skip
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", quality=90)
    upload = SimpleUploadedFile("dunes.jpg", buffer.getvalue())
    return store_image(
        Image(
            alt_text="Restored dunes and marsh grass along a calm shoreline under a clear sky.",
            caption="A restored shoreline (illustration).",
            credit="Department of Coastal Resilience",
        ),
        clean_upload(upload),
        upload.name,
    )
