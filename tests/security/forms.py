"""Read the POST forms of a page as a browser would submit them untouched (for the tests that
then change one field)."""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {
                "action": a.get("action", ""),
                "method": a.get("method", "get").lower(),
                "fields": {},
                "options": {},
            }
            self.forms.append(self._form)
        if self._form is None:
            return
        fields, name = self._form["fields"], a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self._form["options"][name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            self._form["options"][self._select].append(value)
            if "selected" in a or self._select not in fields:
                fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            fields = self._form["fields"]
            # A browser drops the newline right after <textarea>, as the template writes it.
            if not fields[self._textarea]:
                data = data[2:] if data.startswith("\r\n") else data.removeprefix("\n")
            fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_forms(html: str) -> list[dict]:
    """Each POST form of the page: ``{"action", "fields": {name: value}, "options": {...}}``."""
    parser = _Forms()
    parser.feed(html)
    return [f for f in parser.forms if f["method"] == "post"]


def form_for(client, page: str, action: str) -> dict:
    """The form on ``page`` that posts to ``action`` (its path, without a query string)."""
    resp = client.get(page)
    assert resp.status_code == 200, (page, resp.status_code)
    found = [
        f
        for f in post_forms(resp.get_data(as_text=True))
        if (f["action"].split("?")[0] or page.split("?")[0]) == action
    ]
    assert found, f"no form posting to {action} on {page}"
    return found[0]
