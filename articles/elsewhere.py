"""Where else a release is published: its posts on the office's social accounts, which the
release's page links to. The subscriptions app adds its source with `elsewhere.source` from its
AppConfig.ready, so public pages read the links without importing it. A source is a function
`(release)` returning (network name, address) pairs; each must name the release's key as a
dependency of the page it changes (it records a public change when a post goes up or down)."""

_SOURCES = []


def source(function):
    if function not in _SOURCES:
        _SOURCES.append(function)


def links(release):
    return [link for function in _SOURCES for link in function(release)]
