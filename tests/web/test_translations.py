"""English is really available: every string the code marks for translation has an English
translation, placeholders survive translation, the committed .mo is the compiled .po, and
pages rendered with English selected show English navigation.

These tests fail on purpose when someone adds a new ``_()``/``_l()`` string without
translating it: a page in English that falls back to Indonesian half-way is what DESIGN's
"English available" rules out. The failure message names the msgids and the commands to fix.
"""

from __future__ import annotations

import functools
import html
import re
from collections import Counter
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE_DIR = ROOT / "outlet_pos" / "translations" / "en" / "LC_MESSAGES"
PO_PATH = CATALOGUE_DIR / "messages.po"
MO_PATH = CATALOGUE_DIR / "messages.mo"
# The keywords `pybabel extract -k _l` uses: babel's defaults (_, gettext, ngettext,
# pgettext, ...) plus lazy_gettext imported as _l (shell/nav.py, admin forms).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}

HOW_TO_FIX = """
To fix it, from the repository root:
  .venv/bin/pybabel extract -F babel.cfg -k _l -o /tmp/messages.pot .
  .venv/bin/pybabel update --no-fuzzy-matching --ignore-obsolete -i /tmp/messages.pot \\
      -d outlet_pos/translations -l en
  # write the English for every empty msgstr "" in
  # outlet_pos/translations/en/LC_MESSAGES/messages.po (and drop any '#, fuzzy' flag
  # after checking that entry: fuzzy entries are never used at run time), then
  .venv/bin/pybabel compile -d outlet_pos/translations -l en
and commit both messages.po and messages.mo."""

# %(name)s / %s / %d / %% (printf style, what gettext substitutes), {name} (str.format),
# HTML tags and entities (markup inside a msgid must come out the same in English).
PLACEHOLDER = re.compile(
    r"%\([A-Za-z_][A-Za-z0-9_]*\)[#0+-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
    r"|%[diouxXeEfFgGcrs%]"
    r"|\{[A-Za-z_0-9]*(?:[!:][^{}]*)?\}"
    r"|</?[A-Za-z][^<>]*>"
    r"|&[A-Za-z]+;|&#\d+;"
)


def _key(msgid) -> str:
    """A catalogue's key for a message: the singular msgid for a plural entry."""
    return msgid if isinstance(msgid, str) else msgid[0]


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(strings) and all(strings)


@functools.cache
def _po() -> Catalog:
    with PO_PATH.open("rb") as f:
        return read_po(f)


@functools.cache
def _extracted() -> dict[tuple[str, str | None], str]:
    """What `pybabel extract` finds in the tree now: (msgid, context) -> first location."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[tuple[str, str | None], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        key = (_key(message), context)
        if key[0]:
            found.setdefault(key, f"{filename}:{lineno}")
    return found


def _listing(items: list[str], limit: int = 40) -> str:
    shown = "\n".join(f"  {item}" for item in items[:limit])
    more = f"\n  ... and {len(items) - limit} more" if len(items) > limit else ""
    return shown + more


def test_extraction_finds_the_strings_the_app_marks():
    # Guards the guard: an extraction that silently found nothing would pass every check below.
    found = _extracted()
    assert len(found) > 1500
    assert ("Beranda", None) in found  # shell/nav.py, through _l
    assert ("Gerai", "plural") in found  # a template's pgettext


def test_every_extracted_string_has_an_english_translation():
    catalogue = _po()
    missing, fuzzy = [], []
    for (msgid, context), where in sorted(_extracted().items(), key=lambda kv: kv[1]):
        message = catalogue.get(msgid, context=context)
        label = f"{where}: {msgid!r}" + (f" (context {context!r})" if context else "")
        if message is None or not _translated(message):
            missing.append(label)
        elif message.fuzzy:
            fuzzy.append(label)
    problems = []
    if missing:
        problems.append(
            f"{len(missing)} msgid(s) have no English translation in {PO_PATH.relative_to(ROOT)}:"
            f"\n{_listing(missing)}"
        )
    if fuzzy:
        problems.append(
            f"{len(fuzzy)} translation(s) are marked fuzzy (not used at run time):"
            f"\n{_listing(fuzzy)}"
        )
    assert not problems, "\n".join(problems) + "\n" + HOW_TO_FIX


def test_no_fuzzy_or_empty_entry_is_left_in_the_catalogue():
    bad = [
        repr(_key(m.id))
        for m in _po()
        if m.id and (m.fuzzy or not _translated(m))
    ]
    assert bad == [], (
        f"{len(bad)} fuzzy or empty entries in the English catalogue:\n{_listing(bad)}\n"
        + HOW_TO_FIX
    )


def test_every_translation_keeps_the_placeholders_of_its_msgid():
    broken = []
    for message in _po():
        if not message.id or not _translated(message):
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for index, translation in enumerate(strings):
            source = ids[min(index, len(ids) - 1)]
            want = Counter(PLACEHOLDER.findall(source))
            got = Counter(PLACEHOLDER.findall(translation))
            if want != got:
                broken.append(
                    f"{source!r} -> {translation!r}: expected {sorted(want.elements())}, "
                    f"got {sorted(got.elements())}"
                )
    assert broken == [], (
        "translations whose placeholders (%(x)s, %s, {x}, HTML tags/entities) differ from "
        f"their msgid; fix the msgstr in {PO_PATH.relative_to(ROOT)} and recompile:\n"
        + _listing(broken)
    )


def test_the_committed_mo_is_the_compiled_po():
    def table(catalogue: Catalog) -> dict:
        # read_mo gives plural ids and strings as lists, read_po as tuples.
        def frozen(value):
            return tuple(value) if isinstance(value, list | tuple) else value

        return {
            (frozen(m.id), m.context): frozen(m.string)
            for m in catalogue
            if m.id and not m.fuzzy and _translated(m)
        }

    with MO_PATH.open("rb") as f:
        compiled = table(read_mo(f))
    source = table(_po())
    stale = sorted(repr(_key(k[0])) for k in source if compiled.get(k) != source[k])
    extra = sorted(repr(_key(k[0])) for k in compiled if k not in source)
    assert not stale and not extra, (
        f"{MO_PATH.relative_to(ROOT)} does not match the .po "
        f"({len(stale)} missing or different, {len(extra)} not in the .po):\n"
        + _listing(stale + extra)
        + "\nRecompile: .venv/bin/pybabel compile -d outlet_pos/translations -l en"
    )


# ---------------------------------------------------------------- pages rendered in English


# Navigation labels whose English is the Indonesian word itself (e.g. an acronym such as
# "SHU" standing alone); add one here only when the catalogue's msgstr equals its msgid.
SAME_IN_BOTH_LANGUAGES: frozenset[str] = frozenset()


def _nav_texts(page: str) -> list[str]:
    """The group titles and link labels of the side navigation, as a person reads them."""
    nav = page.split('<nav class="sidenav"', 1)[1].split("</nav>", 1)[0]
    nav = nav.split('<div class="nav-group lang">', 1)[0]  # language names stay as they are
    titles = re.findall(r'<div class="nav-title">(.*?)</div>', nav, re.S)
    labels = re.findall(r'<span class="icon"[^>]*>.*?</span>(.*?)</a>', nav, re.S)
    return [html.unescape(t).strip() for t in titles + labels]


def _nav_vocabulary(app) -> tuple[set[str], set[str]]:
    """(English, Indonesian) texts of every NAV entry: the app's catalogue and the msgids."""
    from flask_babel import force_locale

    from outlet_pos.shell.nav import NAV

    lazies = [g["title"] for g in NAV] + [item[1] for g in NAV for item in g["items"]]
    with app.test_request_context():
        with force_locale("id"):
            indonesian = [str(s) for s in lazies]
        with force_locale("en"):
            english = [str(s) for s in lazies]
    # Measured against the msgids themselves, not the catalogue: a label the catalogue leaves
    # in Indonesian must count as untranslated, so only words spelt the same in both
    # languages (none in NAV today) are let through.
    return set(english), set(indonesian) - SAME_IN_BOTH_LANGUAGES


def test_pages_in_english_show_english_navigation(app, client, login, web_user):
    web_user("tr_admin", "pengurus", is_admin=True)
    login(client, "tr_admin")
    english, indonesian = _nav_vocabulary(app)

    # Indonesian by default: the check below must be able to tell the two apart.
    page = client.get("/").get_data(as_text=True)
    assert "Beranda" in _nav_texts(page)

    # The language switch in the side navigation (shell.set_language) posts here.
    resp = client.post("/bahasa/en", data={"next": "/"})
    assert resp.status_code == 302

    with app.test_request_context():
        from flask import url_for

        pages = [
            url_for("shell.home"),
            url_for("bendahara.trial_balance_page"),
            url_for("simpin.members_list"),
            url_for("shell.change_password"),
        ]
    for url in pages:
        resp = client.get(url)
        assert resp.status_code == 200, url
        page = resp.get_data(as_text=True)
        assert '<html lang="en">' in page, url
        texts = _nav_texts(page)
        for expected in ("Home", "Bookkeeping", "Trial balance", "Savings & Loans",
                         "Administration", "Users & roles", "Change password"):
            assert expected in texts, (url, expected, texts)
        still_indonesian = [t for t in texts if t in indonesian]
        unknown = [t for t in texts if t not in english]
        assert still_indonesian == [] and unknown == [], (
            f"{url}: navigation labels not in English: {still_indonesian or unknown}\n"
            + HOW_TO_FIX
        )

    # The page's own heading, not only the navigation (the <title> block of this template is
    # not marked for translation yet, so only <main> is checked).
    main = client.get(pages[1]).get_data(as_text=True).split('<main id="main"', 1)[1]
    assert "<h1>Trial balance</h1>" in main and "Neraca saldo" not in main


# ------------------------------------------- whole pages in English, not only the navigation


def _indonesian_only() -> dict[str, str]:
    """msgid -> English for every catalogue entry whose English differs from its msgid: a page
    in English that still shows one of these msgids shows a string left untranslated."""
    return {
        m.id: m.string
        for m in _po()
        if m.id and isinstance(m.id, str) and m.string and m.string != m.id
    }


# The page's own text a person reads as headings, column heads, labels, buttons and badges.
_VISIBLE = re.compile(
    r"<(h1|h2|h3|th|label|button|legend|dt)\b[^>]*>(.*?)</\1>"
    r'|<span class="badge[^"]*"[^>]*>(.*?)</span>'
    r'|<a class="btn[^"]*"[^>]*>(.*?)</a>',
    re.S,
)


def _still_indonesian(page: str) -> list[str]:
    """Texts in <main> that are a catalogue msgid whose English is different."""
    main = page.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    untranslated = _indonesian_only()
    found = []
    for m in _VISIBLE.finditer(main):
        inner = m.group(2) or m.group(3) or m.group(4) or ""
        text = html.unescape(re.sub(r"<[^>]+>", " ", inner))
        text = re.sub(r"\s+", " ", text).strip(" ←→⇩⇧✓+›‹·")
        if text in untranslated:
            found.append(text)
    return found


def _english(client) -> None:
    assert client.post("/bahasa/en", data={"next": "/"}).status_code == 302


def test_fertilizer_pages_in_english_leave_no_marked_text_in_indonesian(app, login):
    from tests.units.pupuk_world import build_kiosk

    with app.app_context():
        kiosk = build_kiosk()
        farmer_id, manager = kiosk.farmer.id, kiosk.approver.username
    client = app.test_client()
    login(client, manager)
    indonesian = client.get("/pupuk/petani").get_data(as_text=True)
    assert "<h1>Petani terdaftar (e-RDKK)</h1>" in indonesian  # the check can tell them apart
    assert _still_indonesian(indonesian)

    _english(client)
    # Not the report pages: their tables' column titles are written in Python, not marked yet.
    for url in ("/pupuk/petani", f"/pupuk/petani/{farmer_id}", "/pupuk/petani/baru",
                "/pupuk/het", "/pupuk/barang", "/pupuk/alokasi/impor"):  # fmt: skip
        resp = client.get(url)
        assert resp.status_code == 200, url
        page = resp.get_data(as_text=True)
        assert _still_indonesian(page) == [], (url, _still_indonesian(page), HOW_TO_FIX)
    page = client.get("/pupuk/petani").get_data(as_text=True)
    assert "<h1>Registered farmers (e-RDKK)</h1>" in page
    assert "Farmers &amp; allocations" in page or "Farmers & allocations" in page


def test_savings_and_loans_reports_in_english_leave_no_marked_text_in_indonesian(app, login):
    from tests.conftest import make_user
    from tests.units.simpin_world import build_world

    with app.app_context():
        world = build_world(joined_days_ago=40)
        make_user(f"pengawas{world.coop.id}", "pengawas", world.coop)
        supervisor = f"pengawas{world.coop.id}"
    client = app.test_client()
    login(client, supervisor)
    _english(client)
    # Not the index (its cards' titles are written in the view) nor the savings balances (its
    # columns are the savings kinds' names, Python data): neither is marked yet.
    for path in ("/portofolio", "/tunggakan", "/bunga-pajak", "/rekonsiliasi"):
        url = "/simpan-pinjam/laporan" + path
        resp = client.get(url)
        assert resp.status_code == 200, url
        page = resp.get_data(as_text=True)
        # The filter form is built in units/simpan_pinjam/views_reports.py, not marked yet.
        page = re.sub(r'<form method="get" class="card filters report-filters">.*?</form>', "",
                      page, flags=re.S)  # fmt: skip
        left = _still_indonesian(page)
        assert left == [], (url, left, HOW_TO_FIX)
    page = client.get("/simpan-pinjam/laporan/rekonsiliasi").get_data(as_text=True)
    assert "<th>Control account</th>" in page and "Akun kontrol" not in page
    page = client.get("/simpan-pinjam/simulasi?principal=1.000.000&annual_rate=12&months=3")
    text = page.get_data(as_text=True)
    assert "Loan simulator" in text and "Hitung angsuran" not in text


def test_role_names_are_marked_and_shown_in_english(app):
    from flask import render_template_string
    from flask_babel import force_locale

    from outlet_pos.app import ROLE_NAMES
    from outlet_pos.core.access import ROLES

    # ROLE_NAMES marks ROLES' names for extraction: a role added to one must be added to both.
    assert sorted(name._args[0] for name in ROLE_NAMES) == sorted(ROLES.values())
    with app.test_request_context():
        with force_locale("en"):
            shown = render_template_string("{{ 'pengurus'|role_label }}|{{ 'x'|role_label }}")
        with force_locale("id"):
            assert render_template_string("{{ 'pengurus'|role_label }}") == "Pengurus"
    assert shown == "Board member|x"


def test_form_labels_and_messages_follow_the_language(app):
    from flask_babel import force_locale

    from outlet_pos.units.pupuk.forms import FarmerForm

    with app.test_request_context(method="POST", data={"name": "", "nik": "1" * 40}):
        with force_locale("en"):
            form = FarmerForm(meta={"csrf": False})
            form.validate()
            assert form.name.label.text == "Farmer's name (as on the ID card)"
            assert "The farmer's name is required." in form.name.errors
        with force_locale("id"):
            form = FarmerForm(meta={"csrf": False})
            form.validate()
            assert form.name.label.text == "Nama petani (sesuai KTP)"
            assert "Nama petani wajib diisi." in form.name.errors


def test_the_catalogue_passes_pybabel_compile_checks():
    # `pybabel compile` reports a translation whose printf placeholders are incompatible with
    # its msgid's (e.g. "% d" read as a conversion); it must compile without such errors.
    problems = [
        f"{_key(message.id)!r}: {'; '.join(str(e) for e in errors)}"
        for message, errors in _po().check()
    ]
    assert problems == [], "\n".join(problems)
