"""Parts of a release that clearance covers beyond its own fields: what other rooms send out in
its name (its social posts, added from subscriptions/apps.py). A part is a function
`(release) -> text`, empty when the release has none. An empty part is left out of the cleared
text, so a release without one keeps the fingerprint its fields alone give.

A room whose part changes saves the release's fingerprint again (`Release.save` with
`cleared_part_changed` set): sign-offs on the old text are voided as after any edit, and the
save is not taken for a change of the release's own text (no release.updated webhook)."""

_PARTS = {}


def add(name, function):
    _PARTS[name] = function


def of(release):
    if release.pk is None:
        return {}
    return {name: text for name, function in _PARTS.items() if (text := function(release))}
