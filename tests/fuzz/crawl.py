"""Find the form behind every POST route by opening the pages a role can see.

A route that also answers GET shows its own form; a POST-only route (a void button, a deposit
box on a member's page) is found on whichever page posts to it. Forms are keyed by the
endpoint their action resolves to, so the form found on a detail page of another record still
tells the field names.
"""

from __future__ import annotations

from flask import url_for
from werkzeug.exceptions import HTTPException

from outlet_pos.core.access import LOGIN_ONLY, PERMISSIONS, PUBLIC
from tests.fuzz.forms import Field, Form, parse_forms


def _allowed(permission: str, role: str | None) -> bool:
    if permission == PUBLIC:
        return True
    if role is None:
        return False
    if permission == LOGIN_ONLY:
        return True
    return role in PERMISSIONS.get(permission, ())


def get_rules(app, role: str | None, blueprints: set[str]) -> list:
    """The HTML pages of these blueprints this role may open (no exports, no API, no
    downloads by format); the home page too, which carries the shell's own forms."""
    out = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.rule.startswith("/api/"):
            continue
        if rule.endpoint.split(".", 1)[0] not in blueprints and rule.endpoint != "shell.home":
            continue
        if "fmt" in rule.arguments or "width" in rule.arguments:
            continue
        permission = getattr(app.view_functions[rule.endpoint], "permission", PUBLIC)
        if _allowed(permission, role):
            out.append(rule)
    return out


def discover(app, client, rules, args_for) -> dict[str, list[tuple[dict, Form]]]:
    """{endpoint: [(url arguments, form)]} for every POST form on the given pages."""
    adapter = app.url_map.bind("localhost")
    found: dict[str, list[tuple[dict, Form]]] = {}
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for rule in rules:
        with app.test_request_context():
            url = url_for(rule.endpoint, **args_for(rule))
        resp = client.get(url)
        if resp.status_code != 200 or not resp.mimetype.startswith("text/html"):
            continue
        for form in parse_forms(resp.get_data(as_text=True), url.split("?")[0]):
            if form.method != "post":
                continue
            try:
                endpoint, args = adapter.match(form.action, method="POST")
            except HTTPException:
                continue
            key = (form.action, tuple(f.name for f in form.fields))
            if key not in seen:
                seen.add(key)
                found.setdefault(endpoint, []).append((args, form))
    return found


def best_form(candidates: list[tuple[dict, Form]], args: dict) -> Form | None:
    """The form posting to these very URL arguments, else the one with the most fields."""
    if not candidates:
        return None
    for found_args, form in candidates:
        if found_args == args:
            return form
    return max(candidates, key=lambda c: len(c[1].fields))[1]


_KINDS = {
    "SelectField": "select",
    "SelectMultipleField": "select",
    "RadioField": "select",
    "BooleanField": "checkbox",
    "TanggalField": "date",
    "DateField": "date",
    "IntegerField": "number",
    "DecimalField": "number",
    "FloatField": "number",
    "FileField": "file",
    "MultipleFileField": "file",
    "HiddenField": "hidden",
    "TextAreaField": "textarea",
}


def _choices(kwargs: dict) -> list[str]:
    raw = kwargs.get("choices")
    if isinstance(raw, dict):
        return [str(k) for k in raw]
    if isinstance(raw, list | tuple):
        return [str(c[0] if isinstance(c, tuple | list) else getattr(c, "value", c)) for c in raw]
    return []


def _form_fields(cls, prefix: str = "") -> list[Field]:
    from wtforms.fields.core import UnboundField

    out: list[Field] = []
    for name in dir(cls):
        unbound = getattr(cls, name, None)
        if not isinstance(unbound, UnboundField):
            continue
        kind_name = unbound.field_class.__name__
        full = f"{prefix}{name}"
        if kind_name == "FieldList" and unbound.args and isinstance(unbound.args[0], UnboundField):
            inner = unbound.args[0]
            for i in range(2):
                if inner.field_class.__name__ == "FormField":
                    out += _form_fields(inner.args[0], f"{full}-{i}-")
                else:
                    out.append(Field(f"{full}-{i}", _KINDS.get(inner.field_class.__name__, "text")))
            continue
        if kind_name == "FormField" and unbound.args:
            out += _form_fields(unbound.args[0], f"{full}-")
            continue
        kind = _KINDS.get(kind_name, "text")
        default = unbound.kwargs.get("default")
        options = _choices(unbound.kwargs) or (["y"] if kind == "checkbox" else [])
        out.append(
            Field(full, kind, "" if callable(default) or default is None else str(default), options)
        )
    return out


def fields_from_code(view) -> list[Field]:
    """The fields a POST-only view reads, when no page shows its form in the fuzz world (a
    button shown only in another state): its FlaskForm classes and ``request.form`` keys."""
    import inspect
    import re

    from wtforms import Form as WTForm

    fn = inspect.unwrap(view)
    src = inspect.getsource(fn)
    # One level into the module's own helpers (``form = _open_form(coop)``).
    for name in set(re.findall(r"\b(_\w+)\(", src)):
        helper = fn.__globals__.get(name)
        if inspect.isfunction(helper) and helper.__module__ == fn.__module__:
            src += inspect.getsource(helper)
    out: dict[str, Field] = {}
    for name in re.findall(r"\b([A-Z]\w*Form)\(", src):
        cls = fn.__globals__.get(name)
        if isinstance(cls, type) and issubclass(cls, WTForm):
            out |= {f.name: f for f in _form_fields(cls)}
    for name in re.findall(r"request\.(?:form|values)(?:\.get(?:list)?\(|\[)\s*[\"'](\w+)", src):
        out.setdefault(name, Field(name, "text"))
    return list(out.values())
