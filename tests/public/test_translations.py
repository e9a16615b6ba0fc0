"""Readers' fixed words in the page's language: the catalogues are complete and compiled, and a
Spanish page (under /es/) says every word of its frame, its headings, its form and its dates in
Spanish, while the English pages keep their words."""

import datetime
import io
import re
from gettext import GNUTranslations
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.db import OperationalError

from articles.editorial.previews import create_preview_link
from articles.models import Correction, Release, SocialLink
from articles.roles import PUBLISHER
from tests.editorial.release_form import ADD_URL
from tests.support import local

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))
# What `make messages` gathers with, beside Babel's defaults (the Makefile's -k options).
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "pgettext_lazy": ((1, "c"), 2),
    "ngettext_lazy": (1, 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
# Every % conversion, named or not: templates format every message (Jinja2's newstyle gettext),
# so a translation with a placeholder its msgid lacks would fail the page.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[#0 +-]*\d*(?:\.\d+)?[a-zA-Z%]")


def read(path):
    with open(path, "rb") as file:
        return read_po(file)


def first(message_id):
    """A message's msgid: the singular of a plural one."""
    return message_id if isinstance(message_id, str) else message_id[0]


def message_keys(catalog):
    return {(message.context, first(message.id)) for message in catalog if message.id}


# The catalogues --------------------------------------------------------------------------------


def test_there_is_a_catalogue_for_every_language_but_the_sites_own():
    assert {path.parts[-3] for path in CATALOGUES} == {code for code, _ in settings.LANGUAGES[1:]}


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: path.parts[-3])
def test_the_committed_mo_is_its_po_compiled(po):
    compiled = io.BytesIO()
    write_mo(compiled, read(po))
    compiled.seek(0)
    with open(po.with_suffix(".mo"), "rb") as committed:
        assert GNUTranslations(committed)._catalog == GNUTranslations(compiled)._catalog


def test_the_template_holds_every_word_marked_in_the_code():
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    marked = extract_from_dir(ROOT, method_map, options_map, keywords=KEYWORDS)
    found = {(context, first(message)) for _, _, message, _, context in marked}
    assert message_keys(read(LOCALE / "django.pot")) == found, "run `make messages`"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: path.parts[-3])
def test_every_message_is_translated_with_the_placeholders_of_its_msgid(po):
    catalog = read(po)
    assert message_keys(catalog) == message_keys(read(LOCALE / "django.pot"))
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert not message.fuzzy, ids
        assert all(forms), f"{ids[0]!r} is not translated"
        expected = sorted(PLACEHOLDER.findall(ids[-1]))
        for form in forms:
            assert sorted(PLACEHOLDER.findall(form)) == expected, (ids[0], form)


def test_every_date_on_a_public_page_has_a_translated_format():
    for path in (ROOT / "templates" / "public").rglob("*.html"):
        if "subscriptions" in path.parts:
            continue  # English-only pages, for now
        text = path.read_text()
        assert not re.search(r"\|date\(\s*[\"']", text), f"{path}: a date format not translated"
        assert "|pluralize" not in text, f"{path}: English plurals; use ngettext"


# Pages -----------------------------------------------------------------------------------------


@pytest.fixture
def newsroom(make_release):
    """An English release of May 26, 2011 with its Spanish edition (a press release, with a
    topic and a correction), a second Spanish release the day before, and follow links."""
    SocialLink.objects.create(platform="facebook", url="https://facebook.example/o", order=1)
    SocialLink.objects.create(platform="x", url="https://x.example/o", order=2)
    original = make_release(
        "Secretary announces new port grants",
        kind=Release.Kind.PRESS_RELEASE,
        publish_at=local(2011, 5, 26, 10),
        tags=["Puertos"],
        release_number="11-042",
    )
    edition = make_release(
        "La secretaria anuncia nuevas subvenciones portuarias",
        kind=Release.Kind.PRESS_RELEASE,
        language="es",
        original=original,
        publish_at=local(2011, 5, 26, 11),
        body="<p>Los puertos recibirán fondos para modernizar sus muelles.</p>",
        tags=["Puertos"],
        release_number="11-042",
    )
    earlier = make_release(
        "Comienza el dragado del puerto",
        language="es",
        publish_at=local(2011, 5, 25, 9),
        body="<p>El dragado del canal principal comienza hoy.</p>",
        tags=["Puertos"],
        featured=True,
    )
    for release in (original, edition):
        Correction.objects.create(release=release, text="Corrected.", created=local(2011, 5, 27, 9))
    return original, edition, earlier


def page(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, path
    html = response.content.decode()
    assert '<html lang="es">' in html
    return html


def says(html, spanish=(), english=()):
    """Every Spanish phrase is on the page, and not one of the English ones it replaced."""
    missing = [phrase for phrase in spanish if phrase not in html]
    left = [phrase for phrase in english if phrase in html]
    assert not missing and not left, f"missing: {missing}; English left: {left}"


# The frame every Spanish page has: header, footer, skip link.
FRAME_ES = [
    "Ir al contenido principal", 'aria-label="Principal"', ">Comunicados de prensa</a>",
    ">Buscar</a>", "Suscríbase:", '/subscribe/?language=es">por correo electrónico</a>',
    "Síganos en", "Facebook</a> y <a", "comunicados de prensa (RSS)",
]  # fmt: skip
FRAME_EN = [
    "Skip to main content", 'aria-label="Main"', ">News releases</a>", ">Search</a>",
    "Subscribe:", "by e-mail", "Follow us on", " and <a", "news releases (RSS)",
]  # fmt: skip


def test_a_spanish_editions_page_is_in_spanish(client, newsroom):
    original, edition, earlier = newsroom
    html = page(client, edition.get_absolute_url())
    spanish = [
        '<span class="kind">Comunicado de prensa</span>', "Comunicado n.º 11-042",
        "Lea este comunicado en", ">26 de mayo de 2011</time>", "WASHINGTON, 26 de mayo de 2011 —",
        "Emitido por", "Contacto de prensa:", ">Temas</h2>", 'aria-label="Temas"',
        "Compartir este comunicado", ">Correo electrónico</a>", "Correcciones",
        "Corrección del <time", ">27 de mayo de 2011</time>", "Comunicados relacionados",
        ">25 de mayo de 2011</time>", 'aria-label="Más comunicados"', "Comunicado anterior",
    ]  # fmt: skip
    english = [
        "Press release", "Release 11-042", "May 26, 2011", "Issued by", "Media contact",
        ">Topics<", "Share this release", "E-mail", "Corrections", "Correction,",
        "Related releases", "More releases", "Older release",
    ]  # fmt: skip
    says(html, [*FRAME_ES, *spanish], [*FRAME_EN, *english])


def test_the_spanish_list_and_its_pages_are_in_spanish(client, newsroom, make_release):
    for n in range(20):
        make_release(f"Comunicado {n}", language="es", publish_at=local(2011, 4, 1 + n, 9))
    spanish = [
        "<title>Comunicados de prensa — ", "<h1>Comunicados de prensa</h1>",
        '<span class="badge">Destacado</span>', '<span class="kind">Noticia</span>',
        '<span class="kind">Comunicado de prensa</span>', ">26 de mayo de 2011</time>",
        'aria-label="Páginas"', "Página 1 de 2", "Comunicados anteriores", ">Archivo</h2>",
        "(22 comunicados)",
    ]  # fmt: skip
    english = ["Featured", "News article", "Press release", "Page 1 of", "Older releases"]
    english += ["Archive", "releases)", "May 26"]
    says(page(client, "/es/noticias/"), [*FRAME_ES, *spanish], [*FRAME_EN, *english])
    second = page(client, "/es/noticias/", page=2)
    spanish = ["<title>Comunicados de prensa — página 2 — ", "Página 2 de 2"]
    says(second, [*spanish, "Comunicados más recientes"], ["page 2", "Newer releases"])


def test_a_spanish_topic_page_is_in_spanish(client, newsroom):
    spanish = [
        "<title>Puertos — Comunicados de prensa — ",
        'content="Comunicados de prensa sobre Puertos."',
        'title="Comunicados de prensa sobre Puertos (RSS)"',
        "<h1>Tema: Puertos</h1>", "Siga este tema:",
    ]  # fmt: skip
    english = ["News releases about", "Topic:", "Follow this topic"]
    says(page(client, "/es/noticias/temas/puertos/"), [*FRAME_ES, *spanish], [*FRAME_EN, *english])


def test_the_spanish_archives_are_in_spanish_with_spanish_dates(client, newsroom):
    spanish = [
        "<title>Comunicados de prensa de mayo de 2011 — ",
        'content="Comunicados de prensa publicados en mayo de 2011."',
        "<h1>Comunicados de mayo de 2011</h1>", "jueves, 26 de mayo de 2011</h2>",
        "miércoles, 25 de mayo de 2011</h2>", 'aria-current="page">mayo</a>', "(2 comunicados)",
    ]  # fmt: skip
    english = ["Releases from", "May", "Thursday", "releases)"]
    says(page(client, "/es/noticias/2011/05/"), [*FRAME_ES, *spanish], [*FRAME_EN, *english])
    year = page(client, "/es/noticias/2011/")
    says(year, ["<h1>Comunicados de 2011</h1>", ">mayo de 2011</h2>"], ["May 2011"])


def test_the_spanish_search_form_results_and_errors_are_in_spanish(client, newsroom):
    empty = page(client, "/es/noticias/buscar/")
    form_words = [
        "<h1>Buscar comunicados de prensa</h1>", 'aria-label="Buscar comunicados de prensa"',
        ">Buscar comunicados</label>", ">Tipo</label>", ">Cualquier tipo</option>",
        '<option value="advisory">Aviso a los medios</option>',
        '<option value="statement">Declaración</option>',
        '<option value="transcript">Transcripción</option>', ">Tema</label>",
        ">Cualquier tema</option>", ">Desde</label>", ">Hasta</label>", ">Buscar</button>",
    ]  # fmt: skip
    form_english = ["Search news releases", "Search releases", ">Type<", "Any type"]
    form_english += ["Media advisory", "Statement", ">Topic<", "Any topic", ">From<", ">To<"]
    says(empty, [*FRAME_ES, *form_words], [*FRAME_EN, *form_english])

    found = page(client, "/es/noticias/buscar/", q="muelles")
    says(
        found,
        [*form_words, "1 comunicado encontrado para “muelles”", ">26 de mayo de 2011</time>"],
        ["found", "May 26"],
    )
    one = page(client, "/es/noticias/buscar/", kind="press-release")
    says(one, ["1 comunicado encontrado</h2>"], ["release found"])
    both = page(client, "/es/noticias/buscar/", date_from="2011-05-01")
    says(both, ["2 comunicados encontrados</h2>"], ["releases found"])

    nothing = page(client, "/es/noticias/buscar/", q="cebra")
    says(nothing, ["Ningún comunicado coincide con “cebra”. Pruebe con menos palabras"], ["match"])

    wrong = page(
        client, "/es/noticias/buscar/", kind="no", tag="no", date_from="2011-05-27",
        date_to="2011-05-26",
    )  # fmt: skip
    spanish = [
        "Corrija las opciones de búsqueda señaladas arriba.", "Elija un tipo de la lista.",
        "Elija un tema de la lista.", "La fecha final es anterior a la fecha inicial.",
    ]  # fmt: skip
    says(wrong, spanish, ["Please correct", "Choose a", "The end date"])
    not_a_date = page(client, "/es/noticias/buscar/", date_from="someday")
    says(not_a_date, ["Introduzca una fecha válida."], ["Enter a valid date"])


def test_a_missing_spanish_page_says_so_in_spanish(client, newsroom):
    response = client.get("/es/noticias/dragado-del-puerto/")
    html = response.content.decode()
    assert response.status_code == 404 and '<html lang="es">' in html
    spanish = [
        "<title>Página no encontrada — ", "<h1>Página no encontrada</h1>",
        "No pudimos encontrar la página que solicitó.",
        "Buscar comunicados de prensa con las palabras de esta dirección",
        'action="/es/noticias/buscar/"', 'value="dragado del puerto"',
        '<a href="/es/noticias/">Ver todos los comunicados de prensa</a>',
    ]  # fmt: skip
    english = ["Page not found", "We could not find", "Search news releases"]
    says(html, [*FRAME_ES, *spanish], [*FRAME_EN, *english])


def test_a_missing_spanish_day_offers_no_search_for_the_folders_name(client, db):
    html = client.get("/es/noticias/2011/05/26/").content.decode()
    assert '<input type="search" name="q" id="not-found-q" value="">' in html


@pytest.mark.parametrize(
    "error, spanish, english",
    [
        (RuntimeError("broken"), "Se produjo un error", "Something went wrong"),
        (OperationalError("gone"), "Volvemos en un momento", "Back in a moment"),
    ],
)
def test_the_error_pages_under_es_are_in_spanish(
    db, client, monkeypatch, change_log_read, error, spanish, english
):
    def broken(self):
        raise error

    monkeypatch.setattr("articles.public.views.ReleaseListView.get_queryset", broken)
    client.raise_request_exception = False
    html = client.get("/es/noticias/").content.decode()
    says(html, ['<html lang="es">', f"<h1>{spanish}</h1>", 'href="/es/noticias/">'], [english])
    html = client.get("/news/").content.decode()
    says(html, ['<html lang="en">', english, 'href="/news/">'], [spanish])


def test_a_spanish_editions_preview_banner_is_in_spanish(client, make_release, people):
    original = make_release("Port grants", publish_at=local(2011, 5, 26, 10))
    edition = make_release(
        "Subvenciones portuarias",
        language="es",
        original=original,
        publish_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3),
    )
    html = client.get(create_preview_link(edition, people[PUBLISHER]).url).content.decode()
    spanish = ["VISTA PREVIA: no es pública.", "los lectores no podrán verlo hasta el "]
    says(html, spanish, ["PREVIEW", "This is how", "readers cannot"])


def test_the_spanish_feed_names_corrections_in_spanish(client, newsroom):
    spanish = client.get("/es/noticias/feed/").content.decode()
    english = client.get("/news/feed/").content.decode()
    assert "Corrección del" in spanish and "Correction," not in spanish
    assert "Correction," in english and "Corrección" not in english


def test_english_pages_keep_their_english_words(client, newsroom):
    original, edition, earlier = newsroom
    detail = client.get(original.get_absolute_url()).content.decode()
    says(
        detail,
        [*FRAME_EN, "Press release", "Release 11-042", ">May 26, 2011</time>", "Issued by"]
        + ["Media contact:", "Share this release", ">E-mail</a>", "Correction, <time"],
        ["Comunicado", "Emitido", "mayo", "?language="],
    )
    assert '<html lang="en">' in detail
    listing = client.get("/news/").content.decode()
    says(listing, ["<h1>News releases</h1>", "Archive", "(1 release)"], ["Comunicados"])
    search = client.get("/news/search/", {"q": "port", "kind": "nope"}).content.decode()
    says(search, ["Choose a type from the list.", "Any type", "Media advisory"], ["Elija"])


def test_the_admin_names_kinds_in_english(editor_client, newsroom):
    html = editor_client.get(ADD_URL).content.decode()
    assert ">News article</option>" in html and ">Media advisory</option>" in html
    assert "Noticia" not in html and "Aviso a los medios" not in html


def test_remembered_words_keep_the_extension_s_meaning_in_each_language():
    """The public pages' own gettext remembers each word per language: the same template text
    in English and Spanish, the variables escaped into it, '%%' written as '%'."""
    from django.template import engines
    from django.utils import translation

    template = engines["jinja2"].from_string(
        '{{ _("Topics") }}|{{ pgettext("date format", "F j, Y") }}|'
        '{{ _("%(site)s: news releases", site="<b>") }}|{{ _("100%%") }}|'
        '{{ when|date(pgettext("date format", "F j, Y")) }}'
    )
    when = datetime.date(2011, 5, 26)
    with translation.override("es"):
        spanish = template.render({"when": when})
    with translation.override("en"):
        english = template.render({"when": when})
    assert spanish == (
        "Temas|j \\d\\e F \\d\\e Y|&lt;b&gt;: comunicados de prensa|100%|26 de mayo de 2011"
    )
    assert english == "Topics|F j, Y|&lt;b&gt;: news releases|100%|May 26, 2011"
