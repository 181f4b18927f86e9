"""One schema per input, used twice: to check what a client sends and to describe it in
/api/v1/openapi.json. The document cannot drift from the checks because they are the same
dicts.

The checker covers the part of OpenAPI 3.0 (JSON Schema draft 5) the API uses and refuses
any other keyword, so a schema never promises a check nobody runs. Patterns are written
anchored (``^...$``) and in the subset where Python and ECMAScript agree (no ``\\d``, no
``\\w``); an anchored pattern is matched whole, so Python's ``$`` before a final newline does
not let ``"abc\\n"`` through.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import cache
from typing import Any

from outlet_pos.api.errors import ApiError

KEYWORDS = {
    "type", "properties", "required", "additionalProperties", "items", "minItems",
    "maxItems", "enum", "minimum", "maximum", "minLength", "maxLength", "pattern", "nullable",
    "format", "description", "example", "default", "$ref", "title",
}  # fmt: skip
INT32_MAX = 2**31 - 1  # ids are 32-bit INTEGER columns
MAX_MONEY = 10**12  # the services' ceiling for one amount (Rp1 triliun)
# Text that reaches a column: no control characters (PostgreSQL refuses NUL outright).
PLAIN_TEXT = "^[^\\x00-\\x1f\\x7f]*$"
TYPE_LABELS = {
    "object": "objek JSON",
    "array": "daftar (array)",
    "string": "teks",
    "integer": "bilangan bulat",
    "number": "angka",
    "boolean": "true atau false",
}


# Named schemas of the document (``components/schemas``), filled as endpoint modules load.
COMPONENTS: dict[str, dict] = {}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def component(name: str, schema: dict) -> dict:
    """Name ``schema`` in the document and return a reference to it."""
    if COMPONENTS.get(name, schema) != schema:
        raise ValueError(f"component {name} defined twice")
    COMPONENTS[name] = schema
    return ref(name)


def string(**extra: Any) -> dict:
    return {"type": "string", **extra}


def integer(lo: int = 0, hi: int = MAX_MONEY, **extra: Any) -> dict:
    return {"type": "integer", "minimum": lo, "maximum": hi, **extra}


def amount(**extra: Any) -> dict:
    """Rupiah in an answer: a whole number, not negative, no ceiling promised."""
    return {"type": "integer", "minimum": 0, **extra}


def signed(**extra: Any) -> dict:
    """Rupiah in an answer that may be below zero (a balance, a refund-heavy day)."""
    return {"type": "integer", **extra}


def ident(**extra: Any) -> dict:
    return integer(1, INT32_MAX, **extra)


def text(max_length: int, min_length: int = 0, **extra: Any) -> dict:
    schema = {"type": "string", "maxLength": max_length, "pattern": PLAIN_TEXT, **extra}
    if min_length:
        schema["minLength"] = min_length
    return schema


def nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def obj(properties: dict, required: list[str] | None = None, **extra: Any) -> dict:
    """An object with exactly these properties (anything else is refused)."""
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    return {**schema, **extra}


def array(items: dict, lo: int = 0, hi: int | None = None, **extra: Any) -> dict:
    schema: dict = {"type": "array", "items": items, **extra}
    if lo:
        schema["minItems"] = lo
    if hi is not None:
        schema["maxItems"] = hi
    return schema


@cache
def _compiled(pattern: str) -> tuple[re.Pattern, bool]:
    if pattern.startswith("^") and pattern.endswith("$"):
        return re.compile(pattern[1:-1]), True
    return re.compile(pattern), False


def _matches(pattern: str, value: str) -> bool:
    rx, anchored = _compiled(pattern)
    return bool(rx.fullmatch(value) if anchored else rx.search(value))


def _label(path: str) -> str:
    return path or "Badan permintaan"


def check(
    schema: dict, value: Any, path: str = "", components: dict | None = None
) -> list[tuple[str, str]]:
    """Every way ``value`` breaks ``schema``, as ``(field, message)`` pairs; empty when valid."""
    errors: list = []
    _check(schema, value, path, COMPONENTS if components is None else components, errors)
    return errors


def _check(schema: dict, value: Any, path: str, components: dict, errors: list) -> None:
    unknown = set(schema) - KEYWORDS
    if unknown:
        raise ValueError(f"schema keyword(s) not supported: {sorted(unknown)}")
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        _check(components[name], value, path, components, errors)
        return
    label = _label(path)
    if value is None:
        if not schema.get("nullable"):
            errors.append((path, f"{label} tidak boleh null."))
        return
    kind = schema.get("type")
    if kind and not _is_type(kind, value):
        errors.append((path, f"{label} harus berupa {TYPE_LABELS[kind]}."))
        return
    if "enum" in schema and value not in schema["enum"]:
        choices = ", ".join(str(c) for c in schema["enum"])
        errors.append((path, f"{label} harus salah satu dari: {choices}."))
        return
    if isinstance(value, str):
        _check_string(schema, value, path, errors)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append((path, f"{label} paling kecil {schema['minimum']}."))
        if "maximum" in schema and value > schema["maximum"]:
            errors.append((path, f"{label} paling besar {schema['maximum']}."))
    elif isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append((path, f"{label} paling sedikit {schema['minItems']} baris."))
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append((path, f"{label} paling banyak {schema['maxItems']} baris."))
        if "items" in schema:
            for i, item in enumerate(value):
                _check(schema["items"], item, f"{path}[{i}]", components, errors)
    elif isinstance(value, dict):
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                where = f"{path}.{name}" if path else name
                errors.append((where, f"{where} wajib diisi."))
        for name, item in value.items():
            where = f"{path}.{name}" if path else name
            if name in props:
                _check(props[name], item, where, components, errors)
            elif schema.get("additionalProperties") is False:
                errors.append((where, f"Isian {where} tidak dikenal."))
            elif isinstance(schema.get("additionalProperties"), dict):
                _check(schema["additionalProperties"], item, where, components, errors)


def _check_string(schema: dict, value: str, path: str, errors: list) -> None:
    label = _label(path)
    if "minLength" in schema and len(value) < schema["minLength"]:
        if schema["minLength"] == 1:
            errors.append((path, f"{label} tidak boleh kosong."))
        else:
            errors.append((path, f"{label} paling sedikit {schema['minLength']} karakter."))
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        errors.append((path, f"{label} paling banyak {schema['maxLength']} karakter."))
    if "pattern" in schema and not _matches(schema["pattern"], value):
        if schema["pattern"] == PLAIN_TEXT:
            errors.append((path, f"{label} memuat karakter kendali yang tidak diizinkan."))
        else:
            errors.append((path, f"{label} tidak sesuai format."))
    fmt = schema.get("format")
    if fmt is not None and not FORMATS[fmt](value):
        errors.append((path, f"{label} tidak sesuai format {FORMAT_LABELS[fmt]}."))


def _is_type(kind: str, value: Any) -> bool:
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    raise ValueError(f"unknown type {kind}")


DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
STAMP_TEXT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})"
)
UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def _is_date(value: str) -> bool:
    if not DATE_TEXT.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_stamp(value: str) -> bool:
    if not STAMP_TEXT.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


# The formats the API uses, each checked (an unknown one is a KeyError: refused, not ignored).
FORMATS = {"date": _is_date, "date-time": _is_stamp, "uuid": lambda v: bool(UUID_TEXT.fullmatch(v))}
FORMAT_LABELS = {"date": "tanggal TTTT-BB-HH", "date-time": "waktu ISO 8601", "uuid": "UUID"}


def require(schema: dict, value: Any, components: dict | None = None) -> None:
    """Refuse ``value`` with a 400 naming the first field at fault."""
    errors = check(schema, value, "", components)
    if errors:
        field, message = errors[0]
        raise ApiError(400, message, field=field or None, code="validation_error")


# --- reading a request -------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise ApiError(400, f"Isian {key} muncul dua kali.", field=key, code="invalid_json")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise ApiError(400, f"Angka {name} tidak diizinkan dalam JSON.", code="invalid_json")


def _no_broken_unicode(value: Any) -> None:
    """A lone surrogate (``"\\ud800"``) is valid JSON but no valid text: refused before it
    reaches a column (PostgreSQL would reject it mid-transaction)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ApiError(400, "Teks memuat Unicode rusak.", code="invalid_json") from None
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def parse_json(raw: bytes) -> Any:
    """Bytes of a body as strict JSON: UTF-8, no duplicate keys, no NaN or Infinity, no
    integer so long Python refuses to read it, no nesting deep enough to exhaust the stack."""
    if not raw.strip():
        raise ApiError(400, "Badan permintaan kosong; kirim objek JSON.", code="invalid_json")
    try:
        text_body = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "Badan permintaan bukan UTF-8 yang sah.", code="invalid_json") from None
    try:
        value = json.loads(
            text_body, object_pairs_hook=_no_duplicates, parse_constant=_no_constants
        )
    except ApiError:
        raise
    except (ValueError, RecursionError):
        raise ApiError(400, "Badan permintaan bukan JSON yang sah.", code="invalid_json") from None
    _no_broken_unicode(value)
    return value
