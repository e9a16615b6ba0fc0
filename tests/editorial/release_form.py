"""The release's admin form as the editors' tests post it: its addresses, and what a change page
would post back."""

ADD_URL = "/admin/articles/release/add/"


def change_url(release):
    return f"/admin/articles/release/{release.pk}/change/"


def form_data(client, release, **changes):
    """What the change form would post back: the fields as loaded, with `changes` applied."""
    response = client.get(change_url(release))
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list):  # several values (the topics' pks), or none sent at all
            if value:
                data[name] = [str(v) for v in value]
            continue
        if value is None:
            value = ""
        if name == "featured":
            if value:
                data[name] = "on"
            continue
        if name == "expire_at":
            data["expire_at_0"], data["expire_at_1"] = "", ""
            continue
        data[name] = value
    data.update(changes)
    return data
