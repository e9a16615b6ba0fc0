"""The reader's language comes from the address alone: /es/… is Spanish, every other address
is in the site's own language (settings.LANGUAGES, the first).

Django's LocaleMiddleware would also read the browser's Accept-Language and a cookie, and so
mark every unprefixed page `Vary: Accept-Language`: the page cache, nginx and a CDN would keep
a copy per header a browser sends, and the address would no longer say what a reader gets.
Here the address is the whole key, as it is for every cached page; a page in another language
is a link away, in the language switcher.
"""

from django.conf import settings
from django.utils import translation

from articles.addresses import url


class LanguageFromAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def other_languages():
    """(code, name, news list address) of each language but the page's: the header's links."""
    current = translation.get_language()
    return [
        (code, name, url("articles:list", language=code))
        for code, name in settings.LANGUAGES
        if code != current
    ]


def list_alternates():
    """(hreflang, address) of every language's news list, and x-default: the site's own."""
    pairs = [(code, url("articles:list", language=code)) for code, _ in settings.LANGUAGES]
    return [*pairs, ("x-default", pairs[0][1])]
