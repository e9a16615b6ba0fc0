"""What the read API takes and gives, declared once: django-ninja validates the queries and the
answers against these and writes the OpenAPI document from them."""

import datetime
import re
from typing import Literal

from ninja import Field
from pydantic import BaseModel, field_validator, model_validator
from pydantic_core import PydanticCustomError

from articles.api.releases import KINDS, LANGUAGES, MAX_PAGE_SIZE, PAGE_SIZE

Kind = Literal[tuple(KINDS)]
Language = Literal[tuple(LANGUAGES)]
SLUG = re.compile(r"[-\w]{1,100}")
LARGEST_ID = 2**63 - 1  # what the database can compare with an id; larger is a 400, not a 500


class Query(BaseModel):
    """A query's parameters; one given empty (`?kind=`) counts as not given. (Plain pydantic:
    ninja's Schema would hand the validator a wrapper made for reading model instances.)"""

    @model_validator(mode="before")
    @classmethod
    def empty_is_absent(cls, data):
        if isinstance(data, dict):
            return {name: value for name, value in data.items() if value not in ("", None)}
        return data


class LanguageQuery(Query):
    language: Language | None = Field(None, description="Only what live releases in this "
                                      "language carry.")  # fmt: skip


class ReleaseQuery(Query):
    topic: str | None = Field(None, description="A topic's slug (/api/v1/topics/).")
    kind: Kind | None = None
    office: int | None = Field(None, ge=1, le=LARGEST_ID, description="An office's id "
                               "(/api/v1/offices/).")  # fmt: skip
    language: Language | None = Field(None, description="Releases in this language only.")
    updated_since: str | None = Field(
        None,
        max_length=40,
        description="Releases published or changed at or after this moment: an ISO 8601 "
        "date-time (2026-11-25T12:00:00Z; without an offset, office time) or date (its "
        "midnight, office time).",
    )
    cursor: str | None = Field(
        None, max_length=200, description="Where the page starts: copied from `next`."
    )
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    @field_validator("topic")
    @classmethod
    def a_slug(cls, value):
        if value is not None and not SLUG.fullmatch(value):
            raise PydanticCustomError("slug", "is not a topic's slug (see /api/v1/topics/)")
        return value


class Answer(BaseModel):
    """What an endpoint gives: plain pydantic, validating the plain values articles/api/shapes.py
    writes (ninja's Schema reads model instances through a wrapper that costs a tenth of a
    page's time)."""


class Topic(Answer):
    name: str
    slug: str


class Office(Answer):
    id: int
    name: str
    parent_organisation: str
    contact_name: str = Field(description="The office's media contact.")
    contact_email: str
    contact_phone: str


class Image(Answer):
    url: str = Field(description="The standard rendition, at most 960 pixels wide.")
    alt: str = Field(description="Empty for a decorative photo.")
    width: int
    height: int


class Correction(Answer):
    date: datetime.datetime
    text: str


class Edition(Answer):
    id: str
    language: Language
    url: str


class Release(Answer):
    id: str = Field(description="The release's lasting id (a UUID), also in its feeds' items.")
    url: str = Field(description="Its public page.")
    title: str
    summary: str
    dateline: str = Field(description="“WASHINGTON, May 26, 2011 —”, in the release's language.")
    byline: str
    body_html: str = Field(
        description="The body as its page shows it, led by the dateline; photo addresses in it "
        "are relative to the site."
    )
    kind: Kind
    language: Language
    office: Office
    topics: list[Topic]
    lead_image: Image | None
    published_at: datetime.datetime
    last_modified: datetime.datetime = Field(
        description="The later of the publish time and the last public change."
    )
    release_number: str | None = Field(description="“No. 123-26” for press releases.")
    corrections: list[Correction] = Field(description="Dated public corrections, oldest first.")
    editions: list[Edition] = Field(
        description="The same release in other languages: its live editions only."
    )


class ReleaseList(Answer):
    results: list[Release]
    next: str | None = Field(description="The next page's address, or null on the last page.")


class TopicList(Answer):
    results: list[Topic]


class OfficeList(Answer):
    results: list[Office]


class Problem(Answer):
    detail: str
