"""Reading a page's form the way a browser submits it, so a test posts exactly what a person
who changes nothing would post (the form's default choices), plus what they type or pick."""

import re
from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms, self._select, self._option, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": []})
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and attrs.get("name") and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    fields.append((attrs["name"], attrs.get("value", "on")))
            elif kind not in {"submit", "button", "image", "reset", "file"}:
                fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select" and attrs.get("name"):
            self._select = [attrs["name"], "multiple" in attrs, [], None]
        elif tag == "option" and self._select is not None:
            value = attrs.get("value")
            self._option = [value, ""]
            if "selected" in attrs:
                self._select[2].append(value)
            elif self._select[3] is None:
                self._select[3] = value
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]
            fields.append(self._textarea)

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self._textarea[1] = self._textarea[1].removeprefix("\n")  # as browsers read it
            self._textarea = None
        elif tag == "option" and self._option is not None:
            if self._option[0] is None and self._select is not None:
                # An option without a value submits its text.
                self._select[2] = [self._option[1] if v is None else v for v in self._select[2]]
            self._option = None
        elif tag == "select" and self._select is not None:
            name, multiple, chosen, first = self._select
            if not chosen and not multiple and first is not None:
                chosen = [first]  # a single select submits its first option when none is chosen
            self.forms[-1]["fields"].extend((name, value) for value in chosen)
            self._select = None


def form_defaults(response, containing=""):
    """(action, data) of the first form on the page whose HTML contains `containing`: what a
    browser would post if the person pressed its button without changing anything. `data` maps
    a name to a value, or to a list of values when the form sends several."""
    page = response.content.decode()
    forms = re.findall(r"<form.*?</form>", page, re.S)
    html = next(chunk for chunk in forms if containing in chunk)
    parser = _Forms()
    parser.feed(html)
    [form] = parser.forms
    data = {}
    for name, value in form["fields"]:
        data.setdefault(name, []).append(value)
    return form["action"], {name: v[0] if len(v) == 1 else v for name, v in data.items()}


def link_in(message, path):
    """The first link to `path` in a mail's plain-text part, as a path on the test server."""
    text = message.get_body(("plain",)).get_content()
    found = re.search(rf"http://testserver({re.escape(path)}[^\s]+)", text)
    assert found, f"no {path} link in:\n{text}"
    return found.group(1)


def subscribe(client, email, smtp, deliver, address="/subscribe/", **picked):
    """A reader opens the subscribe form at `address`, types their address, picks what is in
    `picked` (leaving the rest as the form offers it), confirms from the mail, and sees the
    thanks. Returns what the form offered (its defaults)."""
    action, offered = form_defaults(client.get(address), containing="email")
    answer = client.post(action, {**offered, "email": email, **picked})
    assert "Check your inbox" in answer.text
    deliver()
    confirm = link_in(smtp.to(email)[-1], "/subscribe/confirm/")
    action, data = form_defaults(client.get(confirm), containing="Confirm")
    done = client.post(action or confirm, data)
    assert "You are subscribed" in done.text
    return offered
