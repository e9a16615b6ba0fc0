"""Plain-text helpers shared by the model, the importer, pages and mail."""

import html
import re

from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.translation import pgettext

# Words whose full stop does not end a sentence in news copy.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "cmdr", "cpl",
    "pvt", "sen", "rep", "gov", "sec", "st", "jr", "sr", "no", "inc", "corp", "co", "vs",
    "jan", "feb", "aug", "sept", "oct", "nov", "dec", "ft", "mt", "u.s", "u.n", "d.c",
}  # fmt: skip

# Characters XML 1.0 forbids (Word's Shift+Enter is \x0b): one in a feed or sitemap makes the
# whole document unreadable, so text never keeps them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_BREAKS = re.compile("[ \t]*[\x0b\x0c][ \t]*")
# What ends a line or is no character at all in a one-line field (a headline, a name): a title
# that keeps one becomes a mail header Django refuses, or a second header line.
_NOT_ONE_LINE = re.compile(r"\s*[\t\n\r\x0b\x0c\x1c-\x1f\x85\u2028\u2029]\s*")

_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")


def html_to_text(fragment):
    """The readable text of an HTML fragment, block elements separated by a space."""
    spaced = re.sub(r"</(p|h[1-6]|li|blockquote)>|<br\s*/?>", " ", fragment or "")
    return " ".join(html.unescape(strip_tags(spaced)).split())


def first_sentence(fragment, max_length=300):
    """The first sentence of an HTML fragment, for a summary the editor left empty."""
    text = html_to_text(fragment)
    for match in _SENTENCE_END.finditer(text):
        words = text[: match.start()].split()
        last_word = words[-1].lower().strip("“\"‘'(") if words else ""
        if last_word in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", last_word):
            continue
        text = text[: match.end()]
        break
    if len(text) > max_length:
        text = text[:max_length].rsplit(" ", 1)[0] + "…"
    return text


def paragraphs_to_html(paragraphs):
    """Plain-text paragraphs as HTML paragraphs, with only the characters HTML needs escaped."""
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


def dateline_place(place):
    """News style: the city in capitals, the state or country as written ("KABUL, Afghanistan")."""
    city, comma, rest = place.strip().partition(",")
    return city.upper() + comma + rest


def dateline_text(release):
    """“WASHINGTON, May 26, 2011 —”: the city in capitals, the date in office time, written
    in the release's language (“WASHINGTON, 26 de mayo de 2011 —”) wherever it is shown."""
    parts = [dateline_place(release.dateline)] if release.dateline else []
    if release.local_date:
        with translation.override(release.language):
            parts.append(date_format(release.local_date, pgettext("date format", "F j, Y")))
    return f"{', '.join(parts)} —" if parts else ""


def xml_safe(text):
    """`text` without the characters XML cannot carry. A vertical tab or form feed (what Word
    writes for a line or page break) becomes one space; the rest are dropped."""
    if not text or not _NOT_XML.search(text):
        return text
    return _NOT_XML.sub("", _BREAKS.sub(" ", text))


def one_line(text):
    """`text` on one line: each line break, tab or other control character, with the spaces
    around it, becomes one space; the ends are trimmed; the rest is made XML-safe."""
    if not text:
        return text
    return xml_safe(_NOT_ONE_LINE.sub(" ", text)).strip()


def clean_text_fields(sender, instance, **kwargs):
    """pre_save receiver: every text field of a row is stored XML-safe, whatever wrote it (a
    form, the importer, a script), and every field but a TextField on one line."""
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if not isinstance(value, str):
            continue
        if field.get_internal_type() == "TextField":
            cleaned = xml_safe(value)
        elif _NOT_XML.search(value) or _NOT_ONE_LINE.search(value):
            cleaned = one_line(value)
        else:
            continue
        if cleaned != value:
            setattr(instance, field.attname, cleaned)
