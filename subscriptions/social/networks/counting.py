"""Post lengths as Bluesky and Mastodon count them: in grapheme clusters (what a reader sees as
one character: an emoji with its skin tone, a letter with its combining accent), with
Mastodon's concessions for links and remote mentions."""

import regex

# What both networks take for a link: an http(s) address up to the next space, less the
# punctuation that usually closes the sentence around it.
URL = regex.compile(r"https?://[^\s<>\"]+?(?=[.,;:!?)\]'\"]*(?:\s|$))", regex.IGNORECASE)
# @user@domain; Mastodon counts only the @user part of a mention of another server's account.
REMOTE_MENTION = regex.compile(r"(?<![\w/@])(@\w+(?:[\w.-]*\w)?)@[\w-]+(?:\.[\w-]+)+")
MASTODON_URL_LENGTH = 23


def graphemes(text):
    return len(regex.findall(r"\X", text))


def mastodon_length(text):
    """Mastodon's StatusLengthValidator: every link counts 23, a remote mention its @user."""
    text = URL.sub("x" * MASTODON_URL_LENGTH, text)
    return graphemes(REMOTE_MENTION.sub(r"\1", text))


def links(text):
    """(start, end, url) of every link, as byte offsets into the text's UTF-8, which is how
    Bluesky's facets point into a post."""
    found = []
    for match in URL.finditer(text):
        start = len(text[: match.start()].encode())
        found.append((start, start + len(match.group().encode()), match.group()))
    return found
