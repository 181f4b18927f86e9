"""Read the forms out of a rendered page with the standard library's ``html.parser``.

The fuzzer learns each form's field names, kinds, defaults and choices from the page a user
would see, so it posts what a browser could post (and then worse), and a field added to a
template is fuzzed without anyone touching the test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit


@dataclass
class Field:
    """One named control: ``kind`` is the input type (text, number, date, select, file, ...)."""

    name: str
    kind: str
    default: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    action: str  # path only, as the browser would resolve it against the page
    method: str
    fields: list[Field] = field(default_factory=list)
    multipart: bool = False

    def field_map(self) -> dict[str, Field]:
        """Fields by name; radios and repeated checkboxes fold into one field with options."""
        out: dict[str, Field] = {}
        for f in self.fields:
            if f.name in out and f.kind in ("radio", "checkbox"):
                known = out[f.name]
                known.options.append(f.default)
                if f.checked:
                    known.default, known.checked = f.default, True
                continue
            out.setdefault(
                f.name,
                Field(
                    f.name,
                    f.kind,
                    f.default if f.kind not in ("radio",) or f.checked else "",
                    [f.default] if f.kind in ("radio", "checkbox") else list(f.options),
                    f.checked,
                ),
            )
        return out


class _Parser(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: str | None = None
        self._option_selected = False
        self._textarea: Field | None = None

    def _path(self, action: str | None) -> str:
        return urlsplit(action).path if action else self.page_path

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(
                self._path(a.get("action")),
                (a.get("method") or "get").lower(),
                multipart="multipart" in a.get("enctype", ""),
            )
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image", "reset"):
                # A named submit button sends its value only when it is the one pressed.
                self._form.fields.append(Field(name, "button", a.get("value", "")))
                return
            self._form.fields.append(Field(name, kind, a.get("value", ""), checked="checked" in a))
        elif tag == "button" and name:
            self._form.fields.append(Field(name, "button", a.get("value", "")))
        elif tag == "button" and a.get("formaction"):
            # A second submit of the same form to another route (health assessment preview).
            self.forms.append(Form(self._path(a["formaction"]), "post", self._form.fields))
        elif tag == "select" and name:
            self._select = Field(name, "select")
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = a.get("value")
            self._option_selected = "selected" in a
            if self._option is not None:
                self._add_option(self._option)
                self._option = None
            else:
                self._option = ""
        elif tag == "textarea" and name:
            self._textarea = Field(name, "textarea")
            self._form.fields.append(self._textarea)

    def _add_option(self, value: str) -> None:
        assert self._select is not None
        self._select.options.append(value)
        if self._option_selected or len(self._select.options) == 1:
            self._select.default = value

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.default += data
        elif self._option is not None:
            self._option += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._option is not None and self._select is not None:
            self._add_option(self._option.strip())
            self._option = None
        elif tag == "textarea":
            self._textarea = None


def parse_forms(html: str, page_path: str) -> list[Form]:
    """Every form on the page (GET filter forms included; the caller picks POST ones)."""
    parser = _Parser(page_path)
    parser.feed(html)
    parser.close()
    return parser.forms
