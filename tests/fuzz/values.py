"""What the fuzzer types into a form: hypothesis strategies built from a form's fields.

Each example starts from what the page itself would submit (defaults, the selected option) and
then breaks some of it: blanks, whitespace, 10,000 characters, right-to-left marks, emoji, NUL,
combining characters, digits that ``str.isdigit`` accepts and ``int`` refuses, negative, huge
and comma-decimal numbers, dates that do not exist, injection strings, a field sent twice or
not at all, ids of rows that do not exist, and URLs pointing at records that are not there.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from hypothesis import strategies as st

from tests.fuzz.forms import Field

# fmt: off
TEXT = [
    "", " ", "   \t\n ", "x" * 10_000, "9" * 10_000, "\u202ekiri-ke-kanan\u202c", "مرحبا بالعالم",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467 \U0001f41f\U0001f4b0", "a\x00b", "\x00",
    "e\u0301\u0301\u0301\u0301", "\u200b", "\ufeff", "\ud7ff\ue000", "\uff26\uff55\uff4c\uff4c",
    "' OR 1=1 --", "'; DROP TABLE member; --", "<script>alert(1)</script>", "=CMD()", "{{7*7}}",
    "%s%s%n", "../../../etc/passwd", "null", "None", "true", "[]", "{}", "\r\n", "\\", '"',
]
NUMBERS = [
    "0", "-1", "-0", "1", "-999999999999", "99999999999999999999999", "9223372036854775808",
    "2147483648", "1e309", "1e-9", "NaN", "inf", "-inf", "1,5", "1.000,50", "12.500", "0,001",
    "0.0001", "1_000", "+5", " 7 ", "²", "١٢٣", "𝟓", "Rp 5.000", "5.000.000.000.000", "0x10", "1/2",
    "3.", ".5",
]
DATES = [
    "0001-01-01", "2026-02-30", "31/12/2026", "9999-12-31", "2025-13-01", "1899-12-31",
    "2025-05-02", "02-05-2025", "2025/05/02", "20250502", "2025-5-2", "00/00/0000", "",
]
# fmt: on
IDS = ["0", "-1", "987654", "2147483648", "9223372036854775808", "1.5", "abc", "", "²"]
EVERYTHING = TEXT + NUMBERS + DATES + IDS

# Uploads: nothing, garbage, a spreadsheet-looking file with hostile cells, a fake image.
FILES = [
    (b"", "kosong.csv"),
    (b"\x00\xff\xfe\x00garbage", "acak.csv"),
    (b"tanggal,keterangan,debit,kredit\n31/02/2025,=CMD(),-5,1e309\n,,,\n" * 3, "bank.csv"),
    ("nama;harga\n\u202eabc;١٢٣\n".encode(), "barang.csv"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "foto.png"),
    (b"PK\x03\x04" + b"\x00" * 40, "impor.xlsx"),
]


@dataclass
class Payload:
    """One submission: form pairs (repeats allowed), files, URL arguments, and a note of what
    was broken (printed with a failure)."""

    pairs: list[tuple[str, str]] = field(default_factory=list)
    files: list[tuple[str, bytes, str]] = field(default_factory=list)
    url_args: dict = field(default_factory=dict)
    mode: str = ""

    def data(self) -> list[tuple[str, object]]:
        out: list[tuple[str, object]] = list(self.pairs)
        out += [(name, (io.BytesIO(content), filename)) for name, content, filename in self.files]
        return out

    def describe(self) -> str:
        def short(v: str) -> str:
            return repr(v) if len(v) <= 60 else f"{v[:40]!r}...({len(v)} chars)"

        pairs = ", ".join(f"{k}={short(v)}" for k, v in self.pairs)
        files = ", ".join(f"{k}=<{n}: {len(c)} bytes>" for k, c, n in self.files)
        sent = ", ".join(part for part in (pairs, files) if part)
        return f"mode={self.mode} url_args={self.url_args} data=[{sent}]"


def baseline(f: Field) -> list[str]:
    """What a browser sends for the field untouched ([] for an unticked box or a button)."""
    if f.kind == "button":
        return []
    if f.kind in ("checkbox", "radio"):
        return [f.default] if f.checked else []
    if f.kind == "select" and not f.default and f.options:
        # The first real choice, so the baseline example has a chance of being accepted.
        real = [o for o in f.options if o]
        return [real[0] if real else ""]
    return [f.default]


def _hostile(f: Field) -> st.SearchStrategy[str]:
    kinds = {
        "number": NUMBERS + IDS,
        "date": DATES,
        "select": IDS + f.options,
        "hidden": IDS + NUMBERS,
        "checkbox": f.options + IDS,
    }
    pool = kinds.get(f.kind, []) + EVERYTHING
    return st.one_of(st.sampled_from(pool), st.text(max_size=20))


# Values a careful user would type, by what the field's name says it holds: the examples
# that start from them get past the form's own checks and reach the services.
PLAUSIBLE = [
    (("password", "confirm", "current"), "Sandi-Fuzz-Kuat-2025!"),
    (("nik",), "3201011205850077"),
    (("phone", "telp", "hp"), "081234567890"),
    (("npwp",), "01.234.567.8-901.000"),
    (("username",), "fz-baru"),
    (("percent", "rate", "bunga"), "1,5"),
    (("amount", "price", "cost", "fee", "principal", "float", "proceeds", "rp_", "harga",
      "tendered", "income", "het", "jumlah", "nilai", "min", "charge", "d1", "d2", "d5"), "10.000"),
    (("qty", "kg", "weight", "crates", "months", "days", "life", "term", "limit", "ha", "jumlah",
      "count", "year", "tahun", "month", "bulan", "skip"), "1"),
    (("code", "sku", "number", "ref", "license"), "FZ-1"),
]  # fmt: skip


def plausible(f: Field, today: str, overrides: dict[str, str] | None = None) -> list[str]:
    """The page's own value, or what a user would type into the empty field."""
    if overrides and f.name in overrides:
        return [overrides[f.name]]
    if f.kind in ("button", "file"):
        return []
    if f.kind in ("checkbox", "radio"):
        return [f.default or (f.options[0] if f.options else "y")]
    if f.kind == "select" or f.default.strip():
        return baseline(f)
    if f.kind == "date" or "date" in f.name or "tanggal" in f.name or f.name.endswith("_on"):
        return [today]
    name = f.name.lower()
    for words, value in PLAUSIBLE:
        if any(w in name for w in words):
            return [value]
    return ["Uji fuzz"]


def _broken(f: Field) -> st.SearchStrategy[list[str]]:
    """One field broken: hostile, missing, sent twice, or another of its options."""
    if f.kind == "button":
        return st.sampled_from([[], [f.default], ["x"]])
    hostile = _hostile(f)
    return st.one_of(
        hostile.map(lambda v: [v]),
        st.just([]),  # missing
        st.lists(hostile, min_size=2, max_size=3),  # the field sent more than once
        st.sampled_from(f.options or [""]).map(lambda v: [v]),
    )


def _file_values(f: Field) -> st.SearchStrategy[list[tuple[bytes, str]]]:
    random_file = st.tuples(st.binary(max_size=300), st.sampled_from(["a.csv", "b.xlsx", "c.jpg"]))
    return st.one_of(
        st.just([]), st.sampled_from(FILES).map(lambda x: [x]), random_file.map(lambda x: [x])
    )


MODES = ["plausible", "one", "one", "one", "mutate", "baseline", "blank", "absent", "hostile",
         "missing-row"]  # fmt: skip


@st.composite
def payloads(
    draw,
    fields: dict[str, Field],
    url_args: dict,
    int_args: list[str],
    today: str,
    overrides: dict[str, str] | None = None,
) -> Payload:
    """A submission for this form. Modes: ``plausible`` (what a careful user types), ``one``
    (that, with one field broken), ``mutate`` (several broken), ``baseline`` (the page as
    shown), ``blank``/``absent``/``hostile`` (every field), ``missing-row`` (the URL's id)."""
    mode = draw(st.sampled_from(MODES))
    out = Payload(url_args=dict(url_args), mode=mode)
    names = [f.name for f in fields.values() if f.kind != "file"]
    target = draw(st.sampled_from(names)) if mode == "one" and names else None
    for f in fields.values():
        if f.kind == "file":
            if mode not in ("baseline", "absent"):
                out.files += [(f.name, c, n) for c, n in draw(_file_values(f))]
            continue
        if f.kind == "hidden" and (f.name.endswith("idempotency_key") or f.name == "key"):
            values = [draw(st.uuids()).hex]  # a fresh form each time, as a reloaded page has
        else:
            values = plausible(f, today, overrides)
        if mode == "baseline":
            values = baseline(f)
        elif mode == "blank":
            values = [] if f.kind in ("button", "checkbox") else [draw(st.sampled_from(TEXT[:3]))]
        elif mode == "absent":
            values = []
        elif mode == "hostile":
            values = [draw(_hostile(f))]
        elif mode == "mutate" and draw(st.booleans()) or f.name == target:
            values = draw(_broken(f))
        out.pairs += [(f.name, v) for v in values]
    if mode in ("mutate", "one") and draw(st.booleans()):
        extra = draw(st.sampled_from(["id", "cooperative_id", "user_id", "__proto__", "extra"]))
        out.pairs.append((extra, draw(_hostile(Field("x", "text")))))
    if mode == "missing-row" and int_args:
        # An id that is no row at all, past a 32-bit id, past 64 bits: the answer is a 404.
        name = draw(st.sampled_from(int_args))
        out.url_args[name] = draw(st.sampled_from([987_654, 2**31, 2**63]))
    return out


_JSON_ATOMS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(EVERYTHING),
    st.text(max_size=10),
)
_JSON = st.recursive(
    _JSON_ATOMS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def carts(draw, item_id: int, member_id: int) -> Payload:
    """The cashier screen's JSON checkout body (static/js/kasir.js), then broken: any key
    replaced by any JSON value, lines and payments of the wrong shape, or no JSON at all."""
    import json

    body: dict = {
        "lines": [{"item_id": item_id, "qty": "1", "discount": 0}],
        "payments": [{"method": "tunai", "amount": 5_500}],
        "member_id": None,
        "receipt_discount": 0,
        "idempotency_key": draw(st.uuids()).hex,
    }
    mode = draw(st.sampled_from(["baseline", "mutate", "line", "raw"]))
    if mode == "raw":
        text = draw(st.sampled_from(["", "{", "null", "[]", '"x"', '{"lines": 1e999}'] + TEXT))
        return Payload(pairs=[("json", text)], mode=mode)
    if mode == "mutate":
        for key in draw(
            st.lists(
                st.sampled_from(sorted(body) + ["extra", "approver"]),
                min_size=1,
                max_size=3,
                unique=True,
            )
        ):
            body[key] = draw(_JSON)
    if mode == "line":
        line = body["lines"][0]
        key = draw(st.sampled_from(["item_id", "item_unit_id", "qty", "discount", "price"]))
        line[key] = draw(st.one_of(_JSON_ATOMS, st.sampled_from(NUMBERS + IDS)))
        if draw(st.booleans()):
            body["member_id"] = draw(st.sampled_from([member_id, 987_654, "abc", 2**63, -1]))
            body["payments"] = [{"method": "kredit", "amount": 5_500}]
    return Payload(pairs=[("json", json.dumps(body))], mode=mode)
